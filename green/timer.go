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
// The run is a queue of fixed blocks, and its entries are numbered by
// position, from 0 when the run was last empty. A block is given back as
// soon as the front has passed it. So the run never grows by copying (a
// slice of a million entries did, 24 MiB at a time), and an entry never
// moves: nothing rewrites the idx of the timers behind the front (a
// compaction of a slice did, one cache miss per sleeping greenlet).
//
// A timer's idx says where it is: 0 or more, in the heap at that index;
// -1, nowhere; -2 or less, in the run at position -idx-2. A timer removed
// from the run leaves a hole (an entry with a nil t) that the front skips.
type timerQueue struct {
	heap   timerHeap
	blocks [][]timerEntry // the run; blocks[k][j] is at position base + k<<runShift + j
	base   int            // position of blocks[0][0]
	head   int            // position of the run's front: entries before it are gone
	tail   int            // position after the run's last entry
	live   int            // timers in the run
	spare  []timerEntry   // a block given back, for the next one needed
}

// runShift sets the size of the run's blocks: 1<<runShift entries, 24 KiB.
// Tests make it small, so that few timers cross many blocks.
var runShift = 10

// runIdx is the idx of a timer at position p of the run.
func runIdx(p int) int { return -p - 2 }

// at returns the run's entry at position p, between base and tail.
func (q *timerQueue) at(p int) *timerEntry {
	i := p - q.base
	return &q.blocks[i>>runShift][i&(1<<runShift-1)]
}

func (q *timerQueue) len() int { return len(q.heap) + q.live }

func (q *timerQueue) push(t *timer) {
	// seq only grows, so a deadline no earlier than the last keeps the run
	// in (when, seq) order. (An empty run is always reset: see skip.)
	if q.live == 0 || t.when >= q.at(q.tail-1).when {
		if q.tail-q.base == len(q.blocks)<<runShift {
			b := q.spare
			if b == nil {
				b = make([]timerEntry, 1<<runShift)
			}
			q.spare = nil
			q.blocks = append(q.blocks, b)
		}
		*q.at(q.tail) = timerEntry{t.when, t.seq, t}
		t.idx = runIdx(q.tail)
		q.tail++
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
		q.at(-i - 2).t = nil
		t.idx = -1
		q.live--
		q.skip()
	}
}

// skip moves the run's front past holes, gives back each block the front
// has passed, and starts the run afresh once it is empty.
func (q *timerQueue) skip() {
	if q.live == 0 {
		// Every entry left is a hole: their t are nil already.
		if len(q.blocks) > 0 {
			q.spare = q.blocks[0]
		}
		clear(q.blocks)
		q.blocks = q.blocks[:0]
		q.base, q.head, q.tail = 0, 0, 0
		return
	}
	for q.at(q.head).t == nil {
		q.head++
		if q.head-q.base == 1<<runShift {
			q.spare = q.blocks[0]
			q.blocks[0] = nil
			q.blocks = q.blocks[1:]
			q.base = q.head
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
	case len(q.heap) == 0 || q.at(q.head).less(&q.heap[0]):
		return q.at(q.head).t
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
		p := -i - 2
		return p >= q.head && p < q.tail && q.at(p).t == t
	}
	return false
}
