package green

import "time"

// Event is a flag greenlets wait on, as gevent.event.Event: Wait parks until
// it is set; Set wakes every waiter. The zero value is an unset event bound,
// on first use, to the hub of the greenlet using it (or the default hub).
// Its methods may be called from any goroutine; from outside the hub they
// block only the caller.
type Event struct {
	b binding

	// Hub-only.
	set   bool
	q     waitq
	notes []*notifier
}

// Bind binds e to h before first use and returns e; an Event first used by
// outside goroutines of a hub other than the default one needs it. Binding
// a bound Event to another hub panics.
func (e *Event) Bind(h *Hub) *Event {
	e.b.bind(h, "Event")
	return e
}

// Set sets e and wakes every greenlet waiting on it. It does not switch.
func (e *Event) Set() {
	h := e.b.hub()
	h.do(func() {
		if e.set {
			return
		}
		e.set = true
		for g := e.q.pop(); g != nil; g = e.q.pop() {
			h.ready(g)
		}
		notify(&e.notes)
	})
}

// Clear unsets e.
func (e *Event) Clear() {
	e.b.hub().do(func() { e.set = false })
}

// IsSet reports whether e is set.
func (e *Event) IsSet() bool {
	var r bool
	e.b.hub().read(func() { r = e.set })
	return r
}

// Wait waits until e is set. It returns nil, or the error that ended the
// wait: a timeout (ErrTimeout), a context's error, ErrDeadlock.
func (e *Event) Wait() error {
	h := e.b.hub()
	return h.call2(func(c *Greenlet) error {
		if e.set {
			return nil
		}
		if c == nil {
			return ErrClosed
		}
		e.q.push(c)
		return c.park("event")
	})
}

// WaitTimeout is Wait bounded by d; on timeout the error matches ErrTimeout.
func (e *Event) WaitTimeout(d time.Duration) error {
	return e.b.hub().withTimeout(d, e.Wait)
}

func (e *Event) waitHub() *Hub          { return e.b.hub() }
func (e *Event) waitReady() bool        { return e.set }
func (e *Event) waitLink(n *notifier)   { e.notes = append(e.notes, n) }
func (e *Event) waitUnlink(n *notifier) { unlinkNote(&e.notes, n) }

// AsyncResult is a value (or error) that is delivered once and waited for,
// as gevent.event.AsyncResult: Get parks until Set or SetErr. The zero value
// is empty and bound, on first use, like Event.
type AsyncResult struct {
	b binding

	// Hub-only.
	done  bool
	value any
	err   error
	q     waitq
	notes []*notifier
}

// Bind binds r to h before first use and returns r, as Event.Bind.
func (r *AsyncResult) Bind(h *Hub) *AsyncResult {
	r.b.bind(h, "AsyncResult")
	return r
}

// Set delivers v and wakes every waiter. Setting twice replaces the value,
// as in gevent.
func (r *AsyncResult) Set(v any) { r.hubSet(v, nil) }

// SetErr delivers err as the result's error (gevent's set_exception).
func (r *AsyncResult) SetErr(err error) {
	if err == nil {
		panic("green: AsyncResult.SetErr(nil)")
	}
	r.hubSet(nil, err)
}

func (r *AsyncResult) hubSet(v any, err error) {
	r.b.hub().do(func() { r.set(v, err) })
}

// set delivers the result. Hub context.
func (r *AsyncResult) set(v any, err error) {
	h := r.b.hub()
	r.done, r.value, r.err = true, v, err
	for g := r.q.pop(); g != nil; g = r.q.pop() {
		h.ready(g)
	}
	notify(&r.notes)
}

// Get waits until r has a result and returns it. The error is the result's
// error or the one that ended the wait (ErrTimeout, ErrDeadlock, ...).
func (r *AsyncResult) Get() (any, error) {
	var v any
	err := r.b.hub().call2(func(c *Greenlet) error {
		if !r.done {
			if c == nil {
				return ErrClosed
			}
			r.q.push(c)
			if err := c.park("async result"); err != nil {
				return err
			}
		}
		v = r.value
		return r.err
	})
	return v, err
}

// GetTimeout is Get bounded by d; on timeout the error matches ErrTimeout.
func (r *AsyncResult) GetTimeout(d time.Duration) (any, error) {
	var v any
	err := r.b.hub().withTimeout(d, func() error {
		var err error
		v, err = r.Get()
		return err
	})
	return v, err
}

// Wait waits until r has a result, without looking at it; the error is only
// the one that ended the wait, if any.
func (r *AsyncResult) Wait() error {
	return r.b.hub().call2(func(c *Greenlet) error {
		if r.done {
			return nil
		}
		if c == nil {
			return ErrClosed
		}
		r.q.push(c)
		return c.park("async result")
	})
}

// Ready reports whether r has a result.
func (r *AsyncResult) Ready() bool {
	var b bool
	r.b.hub().read(func() { b = r.done })
	return b
}

// Successful reports whether r has a result without error.
func (r *AsyncResult) Successful() bool {
	var b bool
	r.b.hub().read(func() { b = r.done && r.err == nil })
	return b
}

// Value returns r's value, or nil if it has none yet; it does not wait.
func (r *AsyncResult) Value() any {
	var v any
	r.b.hub().read(func() { v = r.value })
	return v
}

// Err returns r's error, or nil if it has none (yet); it does not wait.
func (r *AsyncResult) Err() error {
	var err error
	r.b.hub().read(func() { err = r.err })
	return err
}

func (r *AsyncResult) waitHub() *Hub          { return r.b.hub() }
func (r *AsyncResult) waitReady() bool        { return r.done }
func (r *AsyncResult) waitLink(n *notifier)   { r.notes = append(r.notes, n) }
func (r *AsyncResult) waitUnlink(n *notifier) { unlinkNote(&r.notes, n) }
