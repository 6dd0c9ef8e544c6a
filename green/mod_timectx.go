package green

import (
	"context"
	"sync"
	"time"
	"weak"
)

// withVirtualDeadline is context.WithDeadline with the deadline on h's
// virtual clock: a hub timer ends the context.
//
// The standard library's deadline contexts run on the runtime's timers, so
// the context is a type of its own. It implements the AfterFunc method that
// package context looks for, so that contexts derived from it (WithCancel,
// WithValue, context.AfterFunc) are cancelled with it without a goroutine
// each, and see its error, DeadlineExceeded or Canceled, as with the
// standard types.
func (h *Hub) withVirtualDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	if parent == nil {
		panic("green: WithDeadline of a nil parent context")
	}
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		// The parent ends first, as context.WithDeadline decides.
		return context.WithCancel(parent)
	}
	c := &vctx{h: h, parent: parent, deadline: d, done: make(chan struct{})}
	var key <-chan struct{} = c.done
	registerHubChan(key, c, ctxFeeder{weak.Make(c)})
	stop := context.AfterFunc(parent, func() { c.end(parent.Err(), byParent) })
	var t *vtimer
	if left := d.Sub(h.Now()); left > 0 {
		t = h.newVTimer(left, 0, nil, func() { c.end(context.DeadlineExceeded, byTimer) })
	}
	c.mu.Lock()
	c.stopParent, c.t = stop, t
	c.mu.Unlock()
	if t == nil {
		c.end(context.DeadlineExceeded, byCancel)
	}
	return c, func() { c.end(context.Canceled, byCancel) }
}

// ctxAfterFunc is context.AfterFunc, except that for a context of the time
// module on virtual time (or a WithValue of one) f runs synchronously where
// the context ends: on the hub, when its deadline passes, so that a hub
// reacting to it (green.WithContext) does so before virtual time moves on.
func ctxAfterFunc(ctx context.Context, f func()) (stop func() bool) {
	if c, ok := ctx.Value(vctxKey{}).(*vctx); ok && c.done == ctx.Done() {
		return c.afterFunc(f, true)
	}
	return context.AfterFunc(ctx, f)
}

// vctxKey finds the nearest vctx among a context's ancestors.
type vctxKey struct{}

// vctx is a context with a deadline on a virtual clock. parent, deadline
// and done are set once; the rest is guarded by mu.
type vctx struct {
	h        *Hub
	parent   context.Context
	deadline time.Time
	done     chan struct{}

	mu         sync.Mutex
	err        error
	afters     map[*func()]bool // AfterFunc registrations not yet run: hub-aware?
	t          *vtimer          // the deadline's timer; nil if born expired
	stopParent func() bool      // undoes the watch on parent

	recvq waitq // hub-only: greenlets parked in Recv on done (see ctxFeeder)
}

func (c *vctx) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *vctx) Done() <-chan struct{}       { return c.done }

func (c *vctx) Value(key any) any {
	if key == (vctxKey{}) {
		return c
	}
	return c.parent.Value(key)
}

func (c *vctx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *vctx) String() string {
	return "green.WithDeadline(" + c.deadline.String() + ")"
}

// AfterFunc arranges for f to run once c is done; stop reports whether it
// kept f from running. Package context uses it to cancel contexts derived
// from c (and context.AfterFunc's f, which it starts in a goroutine of its
// own). Unlike context.AfterFunc, f runs synchronously in the goroutine that
// ends c, so it must not block: when the deadline's timer ends c on the hub,
// a derived context is then cancelled before the hub moves virtual time on.
func (c *vctx) AfterFunc(f func()) (stop func() bool) { return c.afterFunc(f, false) }

// afterFunc registers f to run when c ends. hubAware says that f reports to
// the hub before it returns (ctxAfterFunc's callers); for other callbacks,
// which may hand over to goroutines, the hub holds virtual time a moment.
func (c *vctx) afterFunc(f func(), hubAware bool) (stop func() bool) {
	p := &f
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		f()
		return func() bool { return false }
	}
	if c.afters == nil {
		c.afters = make(map[*func()]bool)
	}
	c.afters[p] = hubAware
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.afters[p]
		delete(c.afters, p)
		return ok
	}
}

// wakeRecv readies the greenlets parked in Recv on c.done. Hub context.
func (c *vctx) wakeRecv() {
	for g := c.recvq.pop(); g != nil; g = c.recvq.pop() {
		c.h.ready(g)
	}
}

// How a vctx ends.
const (
	byTimer  = iota // its deadline's timer, on the hub
	byParent        // its parent ended; in a goroutine of package context
	byCancel        // its cancel function, or born expired; in the caller
)

// end ends c with err, if it has not ended: the first end wins.
func (c *vctx) end(err error, by int) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	close(c.done)
	afters, stop, t := c.afters, c.stopParent, c.t
	c.afters = nil
	c.mu.Unlock()
	// Wake the greenlets parked in Recv on done, on the hub.
	if by == byTimer || c.h.current() != nil {
		c.wakeRecv()
	} else {
		c.h.post(c.wakeRecv)
	}
	hold := false
	for p, hubAware := range afters {
		hold = hold || !hubAware
		(*p)()
	}
	if by == byTimer && hold {
		// Ended by its timer, on the hub, and watched by callbacks that
		// may hand over to goroutines (context.AfterFunc runs its f in
		// one), which the hub cannot see coming: virtual time stands
		// still for a moment while they react.
		c.h.touchOutside()
	}
	if stop != nil {
		stop()
	}
	if by == byCancel && t != nil {
		// Cancelled before the deadline: take its timer off the hub. A
		// timer left behind by another end would only fire into nothing.
		t.Stop()
	}
}
