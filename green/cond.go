package green

import (
	"sync"
	"time"
)

// Condition is a condition variable for greenlets, Python's
// threading.Condition as gevent's monkey-patching makes it green: Wait
// releases the lock, waits for a Notify and takes the lock back before it
// returns (also when it ends by a timeout or unwinds from a kill).
//
// The zero Condition uses an RLock of its own (Python's default) and binds to
// the hub of its first user (see Bind). Set L, or use NewCondition, to share
// another lock; a green *Lock or *RLock keeps waiting cooperative, while a
// sync.Mutex held by another greenlet would block the hub.
type Condition struct {
	// L is the lock Wait releases and takes back. nil means the
	// Condition's own RLock. Set it before first use.
	L sync.Locker

	own RLock
	b   binding

	waiters waitq // hub-only: greenlets in Wait, FIFO
}

// NewCondition returns a Condition on l; a nil l means a new RLock.
func NewCondition(l sync.Locker) *Condition { return &Condition{L: l} }

// Bind binds c (and its own RLock) to h, for a Condition whose first user
// might be an outside goroutine of a hub other than the default one. It
// returns c.
func (c *Condition) Bind(h *Hub) *Condition {
	c.b.bind(h, "Condition")
	c.own.Bind(h)
	return c
}

func (c *Condition) locker() sync.Locker {
	if c.L != nil {
		return c.L
	}
	return &c.own
}

// Lock locks the Condition's lock.
func (c *Condition) Lock() { c.locker().Lock() }

// Unlock unlocks the Condition's lock.
func (c *Condition) Unlock() { c.locker().Unlock() }

// Wait releases the lock, which the caller must hold, waits until a Notify
// wakes it and locks again. The wait has no error result: in a greenlet a
// Timeout, kill or deadlock unwinds from it, with the lock held again first.
// As with sync.Cond, check the condition in a loop around Wait.
func (c *Condition) Wait() {
	h := c.b.hub()
	if err := c.wait(h, block, 0); err != nil {
		if h.current() != nil {
			must(err)
		}
		orPanic(err, "Condition.Wait")
	}
}

// WaitTimeout is Wait bounded by d on the hub's clock. It returns nil when
// notified, a *TimeoutError (errors.Is(err, ErrTimeout)) when d ran out, or
// the error of an enclosing Timeout, a deadlock or a closed hub; in every
// case the lock is held again when it returns.
func (c *Condition) WaitTimeout(d time.Duration) error { return c.wait(c.b.hub(), bounded, d) }

func (c *Condition) wait(h *Hub, m mode, d time.Duration) error {
	o := ownerOf(h)
	l := c.locker()
	rl, _ := l.(*RLock)
	saved, released := 0, false
	// Take the lock back however the wait ends, a kill included, so that
	// the caller's deferred Unlock finds it held. It waits in the caller's
	// context: a greenlet cooperatively, an outside goroutine by itself.
	defer func() {
		if !released {
			return
		}
		switch gl := l.(type) {
		case *RLock:
			gl.relock(o, saved)
		case *Lock:
			gl.relock()
		default:
			l.Lock()
		}
	}()
	f := func(g *Greenlet) error {
		if g == nil {
			return ErrClosed
		}
		if m == bounded && d <= 0 {
			return &TimeoutError{After: d}
		}
		// Release and queue with no switch in between: a Notify cannot
		// slip through.
		if rl != nil {
			saved = rl.unlock(o, true)
		} else {
			l.Unlock()
		}
		released = true
		c.waiters.push(g)
		if m == bounded {
			err, _ := awaitFor(g, "Condition.Wait", nil, d)
			return err
		}
		return await(g, "Condition.Wait", nil)
	}
	if g := h.current(); g != nil {
		return ret(h, f(g))
	}
	return h.op(f)
}

// Notify wakes up to n greenlets waiting in Wait, the longest waiting first.
// The caller should hold the lock, as Python requires.
func (c *Condition) Notify(n int) {
	h := c.b.hub()
	if h.current() != nil {
		c.notify(n)
		raceReleaseHub(h)
		return
	}
	h.do(func() { c.notify(n) })
}

// NotifyAll wakes every greenlet waiting in Wait.
func (c *Condition) NotifyAll() { c.Notify(-1) }

// notify wakes up to n waiters, all if n < 0. Hub context.
func (c *Condition) notify(n int) {
	for ; n != 0; n-- {
		g := c.waiters.pop()
		if g == nil {
			return
		}
		g.wval = granted
		g.h.ready(g)
	}
}
