package green

import (
	"errors"
	"time"
)

// Semaphore is a counting semaphore for greenlets, gevent.lock.Semaphore:
// Acquire takes one of its permits, waiting while there is none; Release
// gives one back, straight to the longest-waiting Acquire if there is one
// (FIFO: a greenlet that arrives later cannot overtake a waiter).
//
// The zero Semaphore holds one permit, as gevent's Semaphore() does, and
// binds to the hub of its first user (see Bind). Its methods may be called
// from greenlets of that hub and from outside goroutines; an outside
// goroutine that waits blocks only itself.
type Semaphore struct {
	b binding

	// Hub-only state: read and written only in hub context.
	set     bool  // avail and bound are set; a zero Semaphore's are not
	avail   int   // free permits; > 0 only while waiters is empty
	bound   int   // > 0: releasing above it panics (BoundedSemaphore)
	waiters waitq // greenlets in Acquire, FIFO
}

// NewSemaphore returns a Semaphore holding n permits. It panics if n < 0.
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("green: NewSemaphore with a negative count")
	}
	return &Semaphore{set: true, avail: n}
}

// Bind binds s to h, for a Semaphore whose first user might be an outside
// goroutine of a hub other than the default one. It panics if s is already
// bound to another hub. It returns s.
func (s *Semaphore) Bind(h *Hub) *Semaphore {
	s.b.bind(h, "Semaphore")
	return s
}

// Acquire takes a permit, waiting while there is none. The wait has no error
// result: in a greenlet a Timeout, kill or deadlock unwinds from it; an
// outside goroutine panics if the hub is closed or closes meanwhile.
func (s *Semaphore) Acquire() { s.acquireOrUnwind(0, "Semaphore.Acquire") }

// TryAcquire takes a permit if one is free, without waiting, and reports
// whether it did.
func (s *Semaphore) TryAcquire() bool { return s.try(0) }

// AcquireTimeout is Acquire bounded by d on the hub's clock: it returns a
// *TimeoutError (errors.Is(err, ErrTimeout)) if no permit came by then, or
// the error of an enclosing Timeout, a deadlock or a closed hub.
func (s *Semaphore) AcquireTimeout(d time.Duration) error { return s.acquireErr(0, bounded, d) }

// Release gives a permit back.
func (s *Semaphore) Release() { s.releaseFront(0, "Semaphore") }

// Available returns the number of free permits (gevent's counter).
func (s *Semaphore) Available() int { return s.availableFront(0) }

// Locked reports whether no permit is free (gevent's locked()).
func (s *Semaphore) Locked() bool { return s.availableFront(0) == 0 }

// BoundedSemaphore is a Semaphore that may not be released more times than
// it was acquired: a Release that would raise its free permits above the
// initial count panics, as gevent's BoundedSemaphore raises ValueError.
//
// The zero BoundedSemaphore holds one permit and has a bound of one.
type BoundedSemaphore struct{ s Semaphore }

// NewBoundedSemaphore returns a BoundedSemaphore holding n permits, which is
// also its bound. It panics if n < 1.
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	if n < 1 {
		panic("green: NewBoundedSemaphore with a count below one")
	}
	return &BoundedSemaphore{s: Semaphore{set: true, avail: n, bound: n}}
}

// Bind is Semaphore.Bind.
func (s *BoundedSemaphore) Bind(h *Hub) *BoundedSemaphore {
	s.s.b.bind(h, "BoundedSemaphore")
	return s
}

// Acquire is Semaphore.Acquire.
func (s *BoundedSemaphore) Acquire() { s.s.acquireOrUnwind(1, "BoundedSemaphore.Acquire") }

// TryAcquire is Semaphore.TryAcquire.
func (s *BoundedSemaphore) TryAcquire() bool { return s.s.try(1) }

// AcquireTimeout is Semaphore.AcquireTimeout.
func (s *BoundedSemaphore) AcquireTimeout(d time.Duration) error {
	return s.s.acquireErr(1, bounded, d)
}

// Release gives a permit back; it panics if that would raise the free
// permits above the bound.
func (s *BoundedSemaphore) Release() { s.s.releaseFront(1, "BoundedSemaphore") }

// Available is Semaphore.Available.
func (s *BoundedSemaphore) Available() int { return s.s.availableFront(1) }

// Locked is Semaphore.Locked.
func (s *BoundedSemaphore) Locked() bool { return s.s.availableFront(1) == 0 }

// The fronts below run the hub-context operations from whichever side the
// caller is on: a greenlet of the hub runs them directly (no closure, no
// allocation), an outside goroutine through an outside call. zb is the bound
// a zero value starts with: 0 for a Semaphore, 1 for the bounded kinds.

func (s *Semaphore) acquireOrUnwind(zb int, what string) {
	h := s.b.hub()
	if c := h.current(); c != nil {
		must(ret(h, s.acquire(c, zb, block, 0, what)))
		return
	}
	orPanic(h.op(func(c *Greenlet) error { return s.acquire(c, zb, block, 0, what) }), what)
}

func (s *Semaphore) acquireErr(zb int, m mode, d time.Duration) error {
	h := s.b.hub()
	if c := h.current(); c != nil {
		return ret(h, s.acquire(c, zb, m, d, "Semaphore.Acquire"))
	}
	return h.op(func(c *Greenlet) error { return s.acquire(c, zb, m, d, "Semaphore.Acquire") })
}

func (s *Semaphore) try(zb int) bool {
	return s.acquireErr(zb, nowait, 0) == nil
}

func (s *Semaphore) releaseFront(zb int, what string) {
	h := s.b.hub()
	if h.current() != nil {
		s.release(zb, what)
		raceReleaseHub(h)
		return
	}
	h.do(func() { s.release(zb, what) })
}

func (s *Semaphore) availableFront(zb int) int {
	h := s.b.hub()
	if h.current() != nil {
		s.init(zb)
		return ret(h, s.avail)
	}
	var n int
	h.read(func() { s.init(zb); n = s.avail })
	return n
}

// init gives a zero Semaphore its permit. Hub context.
func (s *Semaphore) init(zb int) {
	if !s.set {
		s.set, s.avail, s.bound = true, 1, zb
	}
}

// errNoPermit is the internal error of a non-blocking acquire that failed;
// TryAcquire and TryLock turn it into false.
var errNoPermit = errors.New("green: no permit free")

// acquire takes a permit for c, waiting as m says. Hub context; c is nil if
// the hub has closed, and then nothing can wait.
func (s *Semaphore) acquire(c *Greenlet, zb int, m mode, d time.Duration, what string) error {
	s.init(zb)
	if s.avail > 0 {
		s.avail--
		return nil
	}
	switch {
	case m == nowait:
		return errNoPermit
	case m == bounded && d <= 0:
		return &TimeoutError{After: d}
	case c == nil:
		return ErrClosed
	}
	s.waiters.push(c)
	if m == bounded {
		err, _ := awaitFor(c, what, nil, d)
		return err
	}
	// Release hands the permit over with the wake-up: nothing to take here.
	return await(c, what, nil)
}

// release gives a permit back, to the first waiter if any. Hub context.
func (s *Semaphore) release(zb int, what string) {
	s.init(zb)
	if g := s.waiters.pop(); g != nil {
		g.wval = granted
		g.h.ready(g)
		return
	}
	if s.bound > 0 && s.avail >= s.bound {
		panic("green: " + what + " released more times than it was acquired")
	}
	s.avail++
}
