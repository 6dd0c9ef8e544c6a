package green

import (
	"math/rand/v2"
	"slices"
)

// explorer replaces the run queue's FIFO pop when Options.Schedule is
// Random or PCT (schedule exploration). Only the hub touches it.
//
// Greenlets still become runnable the FIFO way, by going to the run queue
// (or, new, to the start queue), so the switch path stays FIFO's. At each
// pick the explorer takes in everything queued since the last one, in queue
// order, and chooses among all runnable greenlets; a new greenlet starts
// when it is chosen. Everything it does is a function of the order of
// events and of the seed, so a seed replays on a virtual clock.
//
// PCT follows shuttle's PctScheduler (itself after Coyote's), with one
// change for a hub that runs once per seed: priorities are random 63-bit
// keys, so a greenlet seen for the first time lands at a uniformly random
// rank among the undropped ones without disturbing their order.
type explorer struct {
	pct bool
	rng *rand.Rand

	cands []*Greenlet // Random: the runnable greenlets

	heap prioHeap             // PCT: the runnable greenlets, highest priority first
	prio map[*Greenlet]uint64 // PCT: every greenlet seen and not yet dead
	low  uint64               // PCT: the next dropped priority; decreases

	change  []int     // PCT: steps at which the greenlet that ran drops, ascending
	steps   int       // picks made among two or more runnable greenlets
	yielder *Greenlet // the greenlet that yielded just before this pick
	tick    uint64    // h.tick at the last pick: none ran since if unchanged
}

// Priorities: undropped greenlets have the top bit set and 63 random bits;
// a dropped one gets the next value below dropBase, so each drop goes below
// every greenlet, dropped earlier or not (the paper's d-1, ..., 1).
const dropBase = 1 << 62

func newExplorer(s Schedule) *explorer {
	if s.Policy == FIFO {
		return nil
	}
	e := &explorer{
		pct: s.Policy == PCT,
		// One PCG stream per seed; the constant keeps seed 0 a stream
		// like any other.
		rng: rand.New(rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15)),
	}
	if e.pct {
		e.prio = make(map[*Greenlet]uint64)
		e.low = dropBase
		depth, steps := s.pct()
		// d-1 distinct change points in [1, k), as shuttle: none at step
		// 0, where the random priorities already decide.
		// Their stream is not the priorities', so that one seed gives
		// the same priorities at every depth.
		cp := rand.New(rand.NewPCG(s.Seed, 0x2545f4914f6cdd1d))
		n := min(depth-1, steps-1)
		for len(e.change) < n {
			p := 1 + cp.IntN(steps-1)
			if !slices.Contains(e.change, p) {
				e.change = append(e.change, p)
			}
		}
		slices.Sort(e.change)
	}
	return e
}

// runnable is how many greenlets wait for their turn, started or not. Hub
// context.
func (h *Hub) runnable() int {
	if h.ex != nil {
		return h.ex.runnable(h)
	}
	n := h.runq.len() + h.startq.len()
	if h.next != nil {
		n++ // woken, to run next (see ready)
	}
	return n
}

// steps is Stats.Steps. Hub context.
func (h *Hub) steps() uint64 {
	if h.ex != nil {
		return uint64(h.ex.steps)
	}
	return 0
}

// runnable is how many greenlets the next pick chooses among (dead ones not
// yet skipped included).
func (e *explorer) runnable(h *Hub) int {
	return len(e.cands) + len(e.heap) + h.runq.len() + h.startq.len()
}

// next chooses the greenlet to run, or returns nil if none is runnable. A
// new greenlet (g.w == nil) is to be started. Hub context.
func (e *explorer) next(h *Hub) *Greenlet {
	c := h.cur.Load() // the greenlet that ran last, if any
	if h.tick.Load() == e.tick {
		c = nil // none has run since the last pick, which found nothing
	}
	if c != nil && c.state == stDead {
		delete(e.prio, c)
		c = nil
	}
	if e.runnable(h) > 1 {
		if e.pct && c != nil {
			// Shuttle drops the greenlet that ran when it yields (so
			// that a Yield loop lets the others run: Yield's
			// guarantee holds under PCT) or at a change point. It is
			// not in the heap: picks take greenlets out of it.
			if e.yielder == c || len(e.change) > 0 && e.change[0] == e.steps {
				e.prio[c] = e.low
				e.low--
			}
			for len(e.change) > 0 && e.change[0] <= e.steps {
				e.change = e.change[1:]
			}
		}
		e.steps++
	}
	e.yielder = nil
	e.tick = h.tick.Load()
	e.gather(h)
	for {
		var g *Greenlet
		if e.pct {
			if len(e.heap) == 0 {
				return nil
			}
			g = e.heap.pop()
		} else {
			n := len(e.cands)
			if n == 0 {
				return nil
			}
			i := e.rng.IntN(n)
			g = e.cands[i]
			e.cands[i] = e.cands[n-1]
			e.cands[n-1] = nil
			e.cands = e.cands[:n-1]
		}
		if g.state != stDead { // a new greenlet killed before its start is
			return g
		}
		delete(e.prio, g)
	}
}

// gather takes in the greenlets queued since the last pick. Hub context.
func (e *explorer) gather(h *Hub) {
	for g := h.runq.pop(); g != nil; g = h.runq.pop() {
		e.add(g)
	}
	for g := h.startq.pop(); g != nil; g = h.startq.pop() {
		e.add(g)
	}
}

func (e *explorer) add(g *Greenlet) {
	if !e.pct {
		e.cands = append(e.cands, g)
		return
	}
	p, ok := e.prio[g]
	if !ok {
		p = 1<<63 | e.rng.Uint64()>>1
		e.prio[g] = p
	}
	e.heap.push(prioEntry{p, g.id, g})
}

// prioEntry is a runnable greenlet in PCT's heap; ties on priority (a
// 2^-63 chance) go to the older greenlet.
type prioEntry struct {
	prio uint64
	id   uint32
	g    *Greenlet
}

func (a prioEntry) before(b prioEntry) bool {
	return a.prio > b.prio || a.prio == b.prio && a.id < b.id
}

// prioHeap is a binary max-heap on priority.
type prioHeap []prioEntry

func (q *prioHeap) push(x prioEntry) {
	*q = append(*q, x)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !h[i].before(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *prioHeap) pop() *Greenlet {
	h := *q
	top := h[0].g
	n := len(h) - 1
	h[0] = h[n]
	h[n] = prioEntry{}
	h = h[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].before(h[l]) {
			m = r
		}
		if !h[m].before(h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
