package green

// waitq is a FIFO of parked greenlets, linked through the greenlets
// themselves so that waiting allocates nothing and a timed-out or killed
// waiter leaves in O(1). It is the building block of every primitive.
type waitq struct {
	head, tail *Greenlet
	n          int
}

func (q *waitq) len() int { return q.n }

func (q *waitq) push(g *Greenlet) {
	g.wq = q
	g.wprev = q.tail
	g.wnext = nil
	if q.tail != nil {
		q.tail.wnext = g
	} else {
		q.head = g
	}
	q.tail = g
	q.n++
}

func (q *waitq) remove(g *Greenlet) {
	if g.wq != q {
		return
	}
	if g.wprev != nil {
		g.wprev.wnext = g.wnext
	} else {
		q.head = g.wnext
	}
	if g.wnext != nil {
		g.wnext.wprev = g.wprev
	} else {
		q.tail = g.wprev
	}
	g.wq, g.wnext, g.wprev = nil, nil, nil
	q.n--
}

func (q *waitq) pop() *Greenlet {
	g := q.head
	if g != nil {
		q.remove(g)
	}
	return g
}
