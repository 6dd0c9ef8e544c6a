package green

// timer is an entry in the hub's timer heap. The hub alone touches timers.
// Ties on when are broken by seq, the order of arming, so that timers that
// fall due together fire in a deterministic order.
type timer struct {
	when int64  // hub time (ns) at which it falls due
	seq  uint64 // arming order
	idx  int    // where it is on the hub's timerQueue; -1: not armed
	g    *Greenlet
	f    func() // run on the hub when it fires; if nil, g is woken
}

// armed reports whether t is on its hub's timers.
func (t *timer) armed() bool { return t.idx != -1 }

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

// timerQueue is the hub's timers: a heap, and beside it a run of timers
// armed in deadline order. Most programs arm timers of one duration over
// and over (a million one-second sleeps, a timeout per request), and each
// of those falls due after every timer armed before it: it goes at the end
// of the run, and leaves from its front, in O(1) and without touching
// memory a heap would walk through. A timer armed earlier than the run's
// last goes on the heap. The next timer due is the earlier of the two
// fronts.
//
// A timer's idx says where it is: 0 or more, in the heap at that index;
// -1, nowhere; -2 or less, in the run at -idx-2. A timer removed from the
// run leaves a hole (an entry with a nil t) that the front skips.
type timerQueue struct {
	heap timerHeap
	run  []timerEntry
	head int // index of the run's front: entries before it are gone
	live int // timers in the run
}

// runIdx is the idx of a timer at index i of the run.
func runIdx(i int) int { return -i - 2 }

func (q *timerQueue) len() int { return len(q.heap) + q.live }

func (q *timerQueue) push(t *timer) {
	// seq only grows, so a deadline no earlier than the last keeps the run
	// in (when, seq) order. (An empty run is always reset: see skip.)
	if q.live == 0 || t.when >= q.run[len(q.run)-1].when {
		t.idx = runIdx(len(q.run))
		q.run = append(q.run, timerEntry{t.when, t.seq, t})
		q.live++
		return
	}
	q.heap.push(t)
}

func (q *timerQueue) remove(t *timer) {
	switch i := t.idx; {
	case i >= 0:
		q.heap.remove(t)
	case i <= -2:
		q.run[-i-2].t = nil
		t.idx = -1
		q.live--
		q.skip()
	}
}

// skip moves the run's front past holes, and gives the run's memory back
// once it is mostly behind the front.
func (q *timerQueue) skip() {
	for q.head < len(q.run) && q.run[q.head].t == nil {
		q.run[q.head] = timerEntry{}
		q.head++
	}
	if q.live == 0 {
		q.run, q.head = q.run[:0], 0
		return
	}
	if q.head >= 1024 && q.head > len(q.run)/2 {
		n := copy(q.run, q.run[q.head:])
		clear(q.run[n:])
		q.run, q.head = q.run[:n], 0
		for i := range q.run {
			if t := q.run[i].t; t != nil {
				t.idx = runIdx(i)
			}
		}
	}
}

// next returns the timer that falls due first, or nil if there is none.
func (q *timerQueue) next() *timer {
	switch {
	case q.live == 0 && len(q.heap) == 0:
		return nil
	case q.live == 0:
		return q.heap[0].t
	case len(q.heap) == 0 || q.run[q.head].less(&q.heap[0]):
		return q.run[q.head].t
	}
	return q.heap[0].t
}

// reset drops every timer (the hub has closed); their idx stay as they
// were, which disarm takes into account.
func (q *timerQueue) reset() { *q = timerQueue{} }

// holds reports whether t is armed on q: a closed hub's queue holds none.
func (q *timerQueue) holds(t *timer) bool {
	switch i := t.idx; {
	case i >= 0:
		return i < len(q.heap) && q.heap[i].t == t
	case i <= -2:
		j := -i - 2
		return j < len(q.run) && q.run[j].t == t
	}
	return false
}
