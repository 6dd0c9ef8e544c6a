package green

// timer is an entry in the hub's timer heap. The hub alone touches timers.
// Ties on when are broken by seq, the order of arming, so that timers that
// fall due together fire in a deterministic order.
type timer struct {
	when int64  // hub time (ns) at which it falls due
	seq  uint64 // arming order
	idx  int    // index in the heap, or -1
	g    *Greenlet
	f    func() // run on the hub when it fires; if nil, g is woken
}

// timerHeap is a 4-ary min-heap on (when, seq) whose entries carry their
// keys: a million sleeping greenlets put a million timers on it, each in
// its own Greenlet, and a heap of bare pointers would load one of those
// from memory for every comparison. Comparisons read the heap's own array;
// only a move writes to a timer (its idx). Four children per node halve the
// depth of a binary heap, as the Go runtime's timer heap does.
type timerHeap []timerEntry

type timerEntry struct {
	when int64
	seq  uint64
	t    *timer
}

func (e *timerEntry) less(f *timerEntry) bool {
	return e.when < f.when || e.when == f.when && e.seq < f.seq
}

// at returns the timer at index i.
func (h timerHeap) at(i int) *timer { return h[i].t }

func (h *timerHeap) push(t *timer) {
	t.idx = len(*h)
	*h = append(*h, timerEntry{t.when, t.seq, t})
	h.up(t.idx)
}

func (h *timerHeap) remove(t *timer) {
	i := t.idx
	if i < 0 {
		return
	}
	last := len(*h) - 1
	t.idx = -1
	if i != last {
		(*h)[i] = (*h)[last]
		(*h)[i].t.idx = i
	}
	(*h)[last] = timerEntry{}
	*h = (*h)[:last]
	if i != last {
		if !h.down(i) {
			h.up(i)
		}
	}
}

func (h timerHeap) up(i int) {
	e := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if !e.less(&h[p]) {
			break
		}
		h[i] = h[p]
		h[i].t.idx = i
		i = p
	}
	h[i] = e
	e.t.idx = i
}

func (h timerHeap) down(i int) bool {
	i0 := i
	e := h[i]
	n := len(h)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if h[k].less(&h[m]) {
				m = k
			}
		}
		if !h[m].less(&e) {
			break
		}
		h[i] = h[m]
		h[i].t.idx = i
		i = m
	}
	h[i] = e
	e.t.idx = i
	return i > i0
}
