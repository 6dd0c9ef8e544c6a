package green

// ring is a FIFO of greenlets: a power-of-two circular buffer that grows and
// never shrinks below its high-water mark. Only the hub touches it.
type ring struct {
	buf  []*Greenlet
	head int
	n    int
}

func (r *ring) len() int { return r.n }

func (r *ring) push(g *Greenlet) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = g
	r.n++
}

func (r *ring) pop() *Greenlet {
	if r.n == 0 {
		return nil
	}
	g := r.buf[r.head]
	r.buf[r.head] = nil
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return g
}

func (r *ring) grow() {
	nb := make([]*Greenlet, max(16, 2*len(r.buf)))
	for i := 0; i < r.n; i++ {
		nb[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = nb, 0
}
