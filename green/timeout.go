package green

import (
	"context"
	"fmt"
	"time"
)

// timeout bounds every green wait of one greenlet: once it falls due, the
// wait the greenlet is in (or its next one) ends with the timeout's error.
// Waits with an error result return it; waits without one (Sleep, Lock)
// unwind to the WithTimeout that owns it. It fires once.
type timeout struct {
	g   *Greenlet
	t   timer
	err *TimeoutError
}

// TimeoutError is the error of a wait ended by a timeout; it matches
// ErrTimeout and reports Timeout() true, as net errors do.
type TimeoutError struct {
	After time.Duration
	t     *timeout
}

func (e *TimeoutError) Error() string        { return fmt.Sprintf("green: timeout after %v", e.After) }
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }
func (e *TimeoutError) Timeout() bool        { return true }

// start arms a timeout of d for g, an interruption with err when it falls
// due. Hub context.
func (h *Hub) startTimeout(g *Greenlet, d time.Duration, err error) *timeout {
	t := &timeout{g: g}
	if te, ok := err.(*TimeoutError); ok {
		t.err = te
		te.t = t
	}
	t.t = timer{idx: -1, f: func() { h.fireTimeout(g, err) }}
	g.ext().timeouts = append(g.x.timeouts, t)
	if d <= 0 {
		// Expired already: g's next wait ends at once, whatever else
		// is runnable (a timer due now would fire only after the hub
		// ran the greenlet g woke last, see ready).
		h.fireTimeout(g, err)
		return t
	}
	h.addTimer(&t.t, h.after(d))
	return t
}

func (h *Hub) fireTimeout(g *Greenlet, err error) {
	switch g.state {
	case stWaiting, stSuspended:
		h.interrupt(g, err)
	case stDead:
	default:
		g.ext().pendErr = err
	}
}

// cancel disarms t. Hub context.
func (t *timeout) cancel() {
	g := t.g
	g.h.timers.remove(&t.t)
	if g.x == nil {
		return
	}
	if t.err != nil && g.x.pendErr == error(t.err) {
		g.x.pendErr = nil
	}
	for i, u := range g.x.timeouts {
		if u == t {
			g.x.timeouts = append(g.x.timeouts[:i], g.x.timeouts[i+1:]...)
			break
		}
	}
}

// withTimeout runs fn in the calling greenlet (or, from outside, in an
// outside call) with its waits bounded by d.
func (h *Hub) withTimeout(d time.Duration, fn func() error) error {
	if fn == nil {
		panic("green: WithTimeout of a nil function")
	}
	return h.op(func(c *Greenlet) error {
		te := &TimeoutError{After: d}
		t := h.startTimeout(c, d, te)
		defer t.cancel()
		return catch(h, te, fn)
	})
}

// catch runs fn, in a greenlet of h, and turns an unwind carrying err back into a return of err.
func catch(h *Hub, err error, fn func() error) (ret error) {
	raceReleaseHub(h)
	defer func() {
		if p := recover(); p != nil {
			if u, ok := p.(unwind); ok && u.err == err {
				ret = err
				return
			}
			panic(p)
		}
	}()
	return fn()
}

// WithTimeout runs fn with every green wait inside it bounded by d on the
// hub's clock, and returns fn's error; a wait that runs past the deadline
// ends with a *TimeoutError (errors.Is(err, ErrTimeout)). Waits without an
// error result (Sleep, Lock) unwind to here; the timeout fires once. Timeouts
// nest: the error says which one fell due (compare with errors.As). Called
// from outside a greenlet it runs fn in a greenlet of the default hub; use
// (*Hub).WithTimeout for another hub.
func WithTimeout(d time.Duration, fn func() error) error {
	return hubOf().withTimeout(d, fn)
}

// WithTimeout is the package-level WithTimeout on h: from an outside
// goroutine, fn runs in a greenlet of h.
func (h *Hub) WithTimeout(d time.Duration, fn func() error) error {
	return h.withTimeout(d, fn)
}

// WithContext runs fn with every green wait inside it bounded by ctx: when
// ctx is done, the wait ends with ctx.Err() (or unwinds to here, for waits
// without an error result). A context cancelled only from outside the hub
// does not keep the hub from declaring a deadlock.
func WithContext(ctx context.Context, fn func() error) error {
	return hubOf().WithContext(ctx, fn)
}

// WithContext is the package-level WithContext on h: from an outside
// goroutine, fn runs in a greenlet of h.
func (h *Hub) WithContext(ctx context.Context, fn func() error) error {
	if ctx == nil {
		panic("green: WithContext with a nil context")
	}
	if fn == nil {
		panic("green: WithContext of a nil function")
	}
	return h.op(func(c *Greenlet) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		cerr := &ctxError{ctx: ctx}
		stop := ctxAfterFunc(ctx, func() {
			h.post(func() {
				if !cerr.done {
					h.fireTimeout(c, cerr)
				}
			})
		})
		defer func() {
			stop()
			cerr.done = true
			if c.x != nil && c.x.pendErr == error(cerr) {
				c.x.pendErr = nil
			}
		}()
		err := catch(h, cerr, fn)
		if err == error(cerr) {
			return ctx.Err()
		}
		return err
	})
}

// ctxError is the interruption a WithContext delivers; it matches the
// context's error.
type ctxError struct {
	ctx  context.Context
	done bool // hub-only: the region has ended
}

func (e *ctxError) Error() string        { return e.ctx.Err().Error() }
func (e *ctxError) Unwrap() error        { return e.ctx.Err() }
func (e *ctxError) Is(target error) bool { return target == e.ctx.Err() }
