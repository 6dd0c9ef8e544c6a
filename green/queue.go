package green

import (
	"cmp"
	"fmt"
	"time"
)

// queue is what Queue, LifoQueue, PriorityQueue and JoinableQueue share; the
// kind of each is passed to every operation rather than stored, so that each
// zero value is usable as what its type says.
//
// A Put that finds a getter parked hands the value straight to it and makes
// it runnable, but does not switch to it: the putter runs on until it waits
// or yields, as in gevent (where the getter runs from a hub callback). So a
// greenlet that puts several items before it yields fills the queue first.
type queue[T any] struct {
	b binding

	// Hub-only state: read and written only in hub context.
	max        int               // > 0: capacity; otherwise unbounded
	buf        []T               // fifo: ring from head; lifo, prio: slice (prio: a heap)
	head, n    int               //
	less       func(a, b T) bool // prio order; nil until set or defaulted
	getters    waitq             // parked in Get; only while n == 0
	putters    waitq             // parked in Put with their value in a node; only while full
	nodes      nodes[T]          // recycled handoff nodes
	unfinished int               // items put and not yet marked done (JoinableQueue)
	joiners    waitq             // parked in JoinableQueue.Join
}

// kind is the order in which a queue gives its items out.
type kind uint8

const (
	fifo kind = iota
	lifo
	prio
)

// Wait names, for dumps and deadlock errors; constant so that waiting
// allocates nothing.
var (
	putNames = [...]string{"Queue.Put", "LifoQueue.Put", "PriorityQueue.Put"}
	getNames = [...]string{"Queue.Get", "LifoQueue.Get", "PriorityQueue.Get"}
)

// queueError is the error of a Put or Get whose own time bound ran out: it
// matches ErrFull or ErrEmpty (gevent raises Full and Empty there) and, by
// unwrapping to its *TimeoutError, ErrTimeout.
type queueError struct {
	sentinel error // ErrFull or ErrEmpty
	cause    error
}

func (e *queueError) Error() string        { return fmt.Sprintf("%v (%v)", e.sentinel, e.cause) }
func (e *queueError) Is(target error) bool { return target == e.sentinel }
func (e *queueError) Unwrap() error        { return e.cause }

func (q *queue[T]) putFront(k kind, v T, m mode, d time.Duration) error {
	h := q.b.hub()
	if c := h.current(); c != nil {
		return ret(h, q.put(c, k, v, m, d))
	}
	return h.op(func(c *Greenlet) error { return q.put(c, k, v, m, d) })
}

func (q *queue[T]) getFront(k kind, m mode, d time.Duration) (T, error) {
	h := q.b.hub()
	if c := h.current(); c != nil {
		v, err := q.get(c, k, m, d)
		raceReleaseHub(h)
		return v, err
	}
	var v T
	err := h.op(func(c *Greenlet) error {
		var err error
		v, err = q.get(c, k, m, d)
		return err
	})
	return v, err
}

// inspect runs f in hub context, for the read-only methods; on a closed hub
// they answer from its final state.
func (q *queue[T]) inspect(f func()) { q.b.hub().read(f) }

func (q *queue[T]) length() (n int) { q.inspect(func() { n = q.n }); return n }
func (q *queue[T]) full() (f bool)  { q.inspect(func() { f = q.max > 0 && q.n >= q.max }); return f }

func (q *queue[T]) peekFront(k kind) (v T, err error) {
	q.inspect(func() {
		if q.n == 0 {
			err = ErrEmpty
			return
		}
		switch k {
		case fifo:
			v = q.buf[q.head]
		case lifo:
			v = q.buf[q.n-1]
		case prio:
			v = q.buf[0]
		}
	})
	return v, err
}

// put adds v, waiting while the queue is full as m says. Hub context; c is
// nil if the hub has closed.
func (q *queue[T]) put(c *Greenlet, k kind, v T, m mode, d time.Duration) error {
	if g := q.getters.pop(); g != nil {
		// Only an empty queue has getters: v goes straight to the first.
		q.unfinished++
		g.wval = q.nodes.get(v)
		g.h.ready(g)
		return nil
	}
	if q.max <= 0 || q.n < q.max {
		q.push(k, v)
		q.unfinished++
		return nil
	}
	switch {
	case m == nowait:
		return ErrFull
	case m == bounded && d <= 0:
		return &queueError{ErrFull, &TimeoutError{After: d}}
	case c == nil:
		return ErrClosed
	}
	what := putNames[k]
	n := q.nodes.get(v)
	q.putters.push(c)
	defer func() {
		// However the wait ends without a getter taking n (an error, or a
		// kill unwinding through here), n goes back to the free list.
		if c.wval == any(n) {
			q.nodes.take(n)
			c.wval = nil
		}
	}()
	var err error
	if m == bounded {
		var te error
		if err, te = awaitFor(c, what, n, d); err != nil && err == te {
			err = &queueError{ErrFull, te}
		}
	} else {
		err = await(c, what, n)
	}
	return err
}

// get removes an item, waiting while the queue is empty as m says. Hub
// context; c is nil if the hub has closed.
func (q *queue[T]) get(c *Greenlet, k kind, m mode, d time.Duration) (T, error) {
	var zero T
	if q.n > 0 {
		v := q.pop(k)
		if p := q.putters.pop(); p != nil {
			// There is room now: the first waiting putter's value goes
			// in, and its Put is done.
			q.push(k, q.nodes.take(p.wval.(*node[T])))
			q.unfinished++
			p.wval = granted
			p.h.ready(p)
		}
		return v, nil
	}
	switch {
	case m == nowait:
		return zero, ErrEmpty
	case m == bounded && d <= 0:
		return zero, &queueError{ErrEmpty, &TimeoutError{After: d}}
	case c == nil:
		return zero, ErrClosed
	}
	what := getNames[k]
	q.getters.push(c)
	var err error
	if m == bounded {
		var te error
		if err, te = awaitFor(c, what, nil, d); err != nil && err == te {
			err = &queueError{ErrEmpty, te}
		}
	} else {
		err = await(c, what, nil)
	}
	if err != nil {
		return zero, err
	}
	n := c.wval.(*node[T])
	c.wval = nil
	return q.nodes.take(n), nil
}

// push stores v. Hub context.
func (q *queue[T]) push(k kind, v T) {
	if k != fifo {
		q.buf = append(q.buf, v)
		q.n++
		if k == prio {
			q.up(q.n - 1)
		}
		return
	}
	if q.n == len(q.buf) {
		nb := make([]T, max(8, 2*len(q.buf)))
		for i := 0; i < q.n; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
}

// pop removes and returns the next item; the queue is not empty. Hub context.
func (q *queue[T]) pop(k kind) T {
	var zero T
	var v T
	switch k {
	case fifo:
		v = q.buf[q.head]
		q.buf[q.head] = zero
		q.head = (q.head + 1) % len(q.buf)
	case lifo:
		v = q.buf[q.n-1]
		q.buf[q.n-1] = zero
		q.buf = q.buf[:q.n-1]
	case prio:
		v = q.buf[0]
		last := q.n - 1
		q.buf[0] = q.buf[last]
		q.buf[last] = zero
		q.buf = q.buf[:last]
		if last > 0 {
			q.down(0)
		}
	}
	q.n--
	return v
}

func (q *queue[T]) lessFn() func(a, b T) bool {
	if q.less == nil {
		q.less = orderedLess[T]()
	}
	return q.less
}

func (q *queue[T]) up(i int) {
	less := q.lessFn()
	for i > 0 {
		p := (i - 1) / 2
		if !less(q.buf[i], q.buf[p]) {
			return
		}
		q.buf[i], q.buf[p] = q.buf[p], q.buf[i]
		i = p
	}
}

func (q *queue[T]) down(i int) {
	less := q.lessFn()
	n := len(q.buf)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && less(q.buf[r], q.buf[l]) {
			m = r
		}
		if !less(q.buf[m], q.buf[i]) {
			return
		}
		q.buf[i], q.buf[m] = q.buf[m], q.buf[i]
		i = m
	}
}

// orderedLess returns < for the ordered basic types, which is what a zero
// PriorityQueue orders by; any other T needs NewPriorityQueueFunc.
func orderedLess[T any]() func(a, b T) bool {
	var z T
	switch any(z).(type) {
	case int:
		return func(a, b T) bool { return any(a).(int) < any(b).(int) }
	case int64:
		return func(a, b T) bool { return any(a).(int64) < any(b).(int64) }
	case int32:
		return func(a, b T) bool { return any(a).(int32) < any(b).(int32) }
	case uint:
		return func(a, b T) bool { return any(a).(uint) < any(b).(uint) }
	case uint64:
		return func(a, b T) bool { return any(a).(uint64) < any(b).(uint64) }
	case uint32:
		return func(a, b T) bool { return any(a).(uint32) < any(b).(uint32) }
	case float64:
		return func(a, b T) bool { return cmp.Less(any(a).(float64), any(b).(float64)) }
	case string:
		return func(a, b T) bool { return any(a).(string) < any(b).(string) }
	}
	panic(fmt.Sprintf("green: a zero PriorityQueue[%T] has no order; make it with NewPriorityQueueFunc", z))
}

// taskDone marks one item done. Hub context.
func (q *queue[T]) taskDone() {
	if q.unfinished == 0 {
		panic("green: JoinableQueue.TaskDone called more times than items were put")
	}
	q.unfinished--
	if q.unfinished == 0 {
		for g := q.joiners.pop(); g != nil; g = q.joiners.pop() {
			g.wval = granted
			g.h.ready(g)
		}
	}
}

// join waits until every item put has been marked done. Hub context.
func (q *queue[T]) join(c *Greenlet, m mode, d time.Duration) error {
	if q.unfinished == 0 {
		return nil
	}
	switch {
	case m == bounded && d <= 0:
		return &TimeoutError{After: d}
	case c == nil:
		return ErrClosed
	}
	q.joiners.push(c)
	if m == bounded {
		err, _ := awaitFor(c, "JoinableQueue.Join", nil, d)
		return err
	}
	return await(c, "JoinableQueue.Join", nil)
}
