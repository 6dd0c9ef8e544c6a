package green

import (
	"fmt"
	"sync/atomic"
	"time"
)

// This file holds what every primitive of the sync, queue and pool files
// shares: the binding to a hub and the wait that knows whether its waker got
// there first.

// binding ties a primitive to the hub whose greenlets it parks. A zero
// binding binds, on first use, to the hub of its first user: the calling
// greenlet's hub, or the default hub for an outside goroutine. Bind fixes it
// beforehand, which a primitive first used by outside goroutines of a
// non-default hub needs.
type binding struct{ p atomic.Pointer[Hub] }

func (b *binding) hub() *Hub {
	if h := b.p.Load(); h != nil {
		return h
	}
	b.p.CompareAndSwap(nil, hubOf())
	return b.p.Load()
}

func (b *binding) bind(h *Hub, what string) {
	if h == nil {
		panic("green: " + what + ".Bind of a nil hub")
	}
	if !b.p.CompareAndSwap(nil, h) && b.p.Load() != h {
		panic("green: " + what + " is already bound to another hub")
	}
}

// granted is what a waker stores in a waiter's wval when it completes the
// waiter's operation with nothing to hand over: a permit, a lock, a notify.
var granted any = new(byte)

// await parks c, which the caller has queued where its waker will find it,
// after storing pending in c.wval. A waker completes c's operation by
// replacing c.wval (with a value node or granted) before it readies c.
//
// await returns nil once a waker has completed the operation, or the error
// that ended the wait otherwise (a timeout, a deadlock), c being off its
// queue then. A kill unwinds as usual, unless it came after the waker
// completed the operation: then the operation stands (no value is lost, a
// granted lock is held) and the kill is delivered at c's next wait. gevent
// behaves the same way, because its waker switches into the waiter at once.
func await(c *Greenlet, what string, pending any) (err error) {
	c.wval = pending
	defer func() {
		if c.wval != pending {
			if p := recover(); p != nil {
				if u, ok := p.(unwind); !ok || u.err != errKill {
					panic(p)
				}
				// Deliver the kill again once c has left this wait: the
				// hub kills c at its next wait (or, if c yields, when it
				// resumes), through the ordinary kill path.
				h := c.h
				h.post(func() { h.kill(c, nil) })
				err = nil
			}
		}
	}()
	return c.park(what)
}

// awaitFor is await bounded by d on the hub's clock; the error of that bound
// is a *TimeoutError that awaitFor returns as timeout, so that callers can
// tell their own bound from an enclosing Timeout.
func awaitFor(c *Greenlet, what string, pending any, d time.Duration) (err, timeout error) {
	te := &TimeoutError{After: d}
	t := c.h.startTimeout(c, d, te)
	defer t.cancel()
	return await(c, what, pending), te
}

// orPanic turns the failure of a wait without an error result, made by an
// outside goroutine, into a panic: a greenlet would unwind, but an outside
// goroutine has nothing to unwind to. Such a wait fails only when the hub is
// closed (or declares a deadlock).
func orPanic(err error, what string) {
	if err != nil {
		panic(fmt.Sprintf("green: %s from outside the hub failed: %v", what, err))
	}
}

// mode is how an operation that cannot complete at once behaves.
type mode uint8

const (
	block   mode = iota // wait, bounded only by enclosing Timeouts
	nowait              // fail at once
	bounded             // wait at most a given duration; at most zero fails at once
)
