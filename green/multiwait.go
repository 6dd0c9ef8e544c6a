package green

import (
	"fmt"
	"iter"
	"slices"
	"time"
)

// Waitable is something Wait and IWait can wait for: a *Greenlet (ready
// when it has ended), an *Event (when set) or an *AsyncResult (when it has a
// result). All objects of one wait must belong to the same hub.
type Waitable interface {
	waitHub() *Hub
	waitReady() bool      // hub context
	waitLink(*notifier)   // hub context
	waitUnlink(*notifier) // hub context
}

func (g *Greenlet) waitHub() *Hub          { return g.h }
func (g *Greenlet) waitReady() bool        { return g.state == stDead }
func (g *Greenlet) waitLink(n *notifier)   { g.addNote(n) }
func (g *Greenlet) waitUnlink(n *notifier) { g.dropNote(n) }

// WaitOptions bound Wait. The zero value waits for every object, forever.
type WaitOptions struct {
	// Count is how many objects must be ready; zero (or more than there
	// are) means all of them. Negative panics.
	Count int
	// Timeout bounds the wait on the hub's clock; zero means no bound, and
	// a negative timeout has expired already (see the package doc,
	// # Errors): Wait returns what is ready without waiting.
	Timeout time.Duration
}

// Wait waits until opt.Count of objs are ready (all by default) and returns
// that many ready ones, in the order they became ready (those ready at the call
// first, in argument order). If the timeout passes first it returns those
// ready so far and a *TimeoutError (errors.Is(err, ErrTimeout)); other errors
// are what ended the wait (ErrDeadlock, an enclosing Timeout, ErrClosed).
func Wait(objs []Waitable, opt WaitOptions) ([]Waitable, error) {
	checkWaitables("Wait", objs)
	if opt.Count < 0 {
		panic(fmt.Sprintf("green: WaitOptions.Count is negative (%d); zero means all", opt.Count))
	}
	if len(objs) == 0 {
		return nil, nil
	}
	h := objs[0].waitHub()
	for _, o := range objs[1:] {
		if o.waitHub() != h {
			panic("green: Wait over objects of different hubs")
		}
	}
	need := opt.Count
	if need <= 0 || need > len(objs) {
		need = len(objs)
	}
	return waitAll[Waitable](h, waitableList(objs), need, opt.Timeout)
}

// waitAll is Wait's wait, and JoinAll's without StopOnError, on a copy of
// objs: until need of them are ready, or timeout passes. It returns the
// ready ones, in the order they became ready.
func waitAll[T Waitable, L interface {
	~[]T
	waitables
}](h *Hub, objs L, need int, timeout time.Duration) ([]T, error) {
	var done []T
	err := h.call2(func(c *Greenlet) error {
		// call2 calls f again, with c nil, when Close kills the first
		// call: start afresh, not with the first call's finds.
		var s waitSet
		defer s.unlink()
		objs := slices.Clone(objs)
		s.link(objs, c)
		ready, err := s.all(c, need, timeout)
		done = make([]T, len(ready))
		for k, i := range ready {
			done[k] = objs[i]
		}
		return err
	})
	return done, err
}

// IWait yields objs one by one as they become ready, as gevent's iwait;
// timeout (zero: none) bounds the whole iteration on the hub's clock, which
// then just ends: a negative timeout has expired already, so IWait yields
// what is ready at the call and ends. Stopping the loop early is fine.
func IWait(objs []Waitable, timeout time.Duration) iter.Seq[Waitable] {
	checkWaitables("IWait", objs)
	return func(yield func(Waitable) bool) {
		if len(objs) == 0 {
			return
		}
		h := objs[0].waitHub()
		for _, o := range objs[1:] {
			if o.waitHub() != h {
				panic("green: IWait over objects of different hubs")
			}
		}
		left := remaining(h, timeout)
		// One set for the whole iteration, linked by the first step and
		// unlinked at the end, however it ends: each object is linked
		// once, and each step takes the next ready one.
		var s waitSet
		linked := false
		defer h.call2(func(*Greenlet) error {
			s.unlink()
			return nil
		})
		for range objs {
			var o Waitable
			err := h.call2(func(c *Greenlet) error {
				if !linked {
					linked = true
					s.link(waitableList(slices.Clone(objs)), c)
				}
				if s.left() == 0 && c == nil {
					return ErrClosed
				}
				if err := s.await(c, 1, left()); err != nil {
					return err
				}
				o = s.take()
				return nil
			})
			if err != nil || !yield(o) {
				return
			}
		}
	}
}

// JoinOptions are JoinAll's, after gevent's joinall. The zero value joins
// every greenlet, forever, ignoring their errors.
type JoinOptions struct {
	Timeout     time.Duration // zero: no bound; negative: expired already, as WaitOptions.Timeout
	StopOnError bool          // return at the first greenlet that ends with an error (raise_error)
	Count       int           // return once this many have ended; zero: all; negative panics
}

// JoinAll waits for the greenlets in gs as opt says and returns those that
// ended, in the order they ended. The error is a *TimeoutError if the
// timeout passed first, the first failing greenlet's error with
// StopOnError, or what ended the wait.
func JoinAll(gs []*Greenlet, opt JoinOptions) ([]*Greenlet, error) {
	if opt.Count < 0 {
		panic(fmt.Sprintf("green: JoinOptions.Count is negative (%d); zero means all", opt.Count))
	}
	for i, g := range gs {
		if g == nil {
			panic(fmt.Sprintf("green: JoinAll of a nil greenlet (gs[%d])", i))
		}
	}
	if len(gs) == 0 {
		return nil, nil
	}
	h := gs[0].h
	for _, g := range gs[1:] {
		if g.h != h {
			panic("green: JoinAll over greenlets of different hubs")
		}
	}
	need := opt.Count
	if need <= 0 || need > len(gs) {
		need = len(gs)
	}
	if !opt.StopOnError {
		return waitAll[*Greenlet](h, greenletList(gs), need, opt.Timeout)
	}
	var out []*Greenlet
	left := remaining(h, opt.Timeout)
	err := h.call2(func(c *Greenlet) error {
		// As in waitAll: a second call, with c nil, starts afresh.
		out = out[:0]
		var s waitSet
		defer s.unlink()
		s.link(greenletList(slices.Clone(gs)), c)
		for len(out) < need {
			if s.left() == 0 && c == nil {
				return ErrClosed
			}
			if err := s.await(c, 1, left()); err != nil {
				if _, ok := err.(*TimeoutError); ok {
					err = &TimeoutError{After: opt.Timeout}
				}
				return err
			}
			g := s.take().(*Greenlet)
			out = append(out, g)
			if g.err != nil { // hub context: read it straight
				return g.err
			}
		}
		return nil
	})
	return out, err
}

// remaining returns a function that tells, at each call, how much of
// timeout is left on h's clock, as a WaitOptions.Timeout: zero (no bound)
// for a zero timeout, negative once it has run out.
func remaining(h *Hub, timeout time.Duration) func() time.Duration {
	if timeout == 0 {
		return func() time.Duration { return 0 }
	}
	if timeout < 0 {
		return func() time.Duration { return timeout }
	}
	deadline := h.Now().Add(timeout)
	return func() time.Duration {
		if d := deadline.Sub(h.Now()); d > 0 {
			return d
		}
		return -1
	}
}

// checkWaitables panics, naming the first, if objs holds a nil object or a
// nil pointer of a Waitable type: the misuse is reported at the call, not
// as a nil dereference inside the wait.
func checkWaitables(what string, objs []Waitable) {
	for i, o := range objs {
		var isNil bool
		switch o := o.(type) {
		case nil:
			isNil = true
		case *Greenlet:
			isNil = o == nil
		case *Event:
			isNil = o == nil
		case *AsyncResult:
			isNil = o == nil
		}
		if isNil {
			panic(fmt.Sprintf("green: %s on a nil object (objs[%d])", what, i))
		}
	}
}
