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

// timerHeap is a binary min-heap on (when, seq).
type timerHeap []*timer

func (t *timer) less(u *timer) bool {
	return t.when < u.when || t.when == u.when && t.seq < u.seq
}

func (h *timerHeap) push(t *timer) {
	t.idx = len(*h)
	*h = append(*h, t)
	h.up(t.idx)
}

func (h *timerHeap) remove(t *timer) {
	i := t.idx
	if i < 0 {
		return
	}
	last := len(*h) - 1
	if i != last {
		h.swap(i, last)
	}
	(*h)[last] = nil
	*h = (*h)[:last]
	t.idx = -1
	if i != last {
		if !h.down(i) {
			h.up(i)
		}
	}
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx = i
	h[j].idx = j
}

func (h timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].less(h[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h timerHeap) down(i int) bool {
	i0 := i
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && h[r].less(h[l]) {
			m = r
		}
		if !h[m].less(h[i]) {
			break
		}
		h.swap(i, m)
		i = m
	}
	return i > i0
}
