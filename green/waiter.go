package green

import (
	"sync/atomic"
	"time"
)

// Waiter is the door for code that brings its own event source (a simulated
// network, a callback API, a device), as gevent's hub.Waiter: Wait parks
// the calling greenlet until Wake is called, from the hub or from any
// goroutine. Everything else a wait can meet works on it as on any green
// wait: a Kill unwinds it, [WithTimeout] and [WithContext] end it with
// their error, a deadlock or Close ends it too.
//
// A Waiter serves one wait at a time, and is reused for the next: the
// usual shape is a waiter per waiting party, queued where the event source
// finds it, under the source's own lock:
//
//	mu.Lock()
//	for !ready {
//		w.Reset()                   // forget a late Wake meant for an earlier wait
//		waiting = append(waiting, &w) // where Wake will find it
//		mu.Unlock()
//		err := w.Wait()
//		mu.Lock()
//		if err != nil {
//			remove(&waiting, &w)      // a timeout or kill: take ourselves back out
//			mu.Unlock()
//			return err
//		}
//	}
//
// and, on the source's side, `mu.Lock(); w := pop(); mu.Unlock(); w.Wake()`.
//
// A Wake is never lost: one that comes before Wait (between the Unlock and
// the Wait above) is remembered, and the next Wait returns at once. Reset
// forgets it, so a Wake that arrives after its wait ended (the waiter timed
// out, or was killed) cannot end a later one. Waits may return without
// the event having happened (a late Wake from an earlier wait, if the
// caller did not Reset), so callers look at their state again, as above.
//
// When a timeout, context or kill ends a wait at the same moment as a Wake,
// the error wins: Wait returns it (or unwinds) and the Wake stays
// remembered. Code that hands something over with Wake (a permit, a value)
// must let a waiter that returns an error give it back.
//
// Called from a plain goroutine, Wait blocks that goroutine on a Go
// channel, which the Waiter creates on its first such wait: inside a
// testing/synctest bubble this is a durable block, so the Waiter must be
// used by the goroutines of one bubble. Kills, WithTimeout and WithContext
// do not reach a goroutine; WaitTimeout bounds its wait on package time's
// clock (the bubble's fake clock in a bubble).
//
// A greenlet parked in Wait counts as parked: when no greenlet of its hub
// can run and no timer is armed, the hub declares a deadlock, and on a
// virtual clock it moves time to the next timer. If the Wake will come from
// a plain goroutine the hub cannot see, hold the hub meanwhile ([Hub.Hold]).
//
// Wait and WaitTimeout switch (see # Yielding); Wake and Reset do not. The
// zero value is ready to use; a Waiter must not be copied after first use.
// A greenlet's Wait and a Wake from its own hub allocate nothing.
type Waiter struct {
	// What names the wait in dumps, deadlock reports and traces; empty
	// means "waiter". Set it before the first Wait.
	What string

	// state is the generation of the current wait (bits 2 and up) and
	// its kind (bits 0-1): idle, woken (a Wake is remembered), or a
	// greenlet or a goroutine waiting. Wake reads hub and ch only after
	// seeing a waiting state, which Wait publishes after writing them;
	// the generation keeps a Wake from acting on a wait that has since
	// ended and been replaced by another.
	state atomic.Uint64
	hub   atomic.Pointer[Hub] // the waiting greenlet's hub
	ch    chan struct{}       // cap 1: a goroutine's wait; made once
	post  func()              // w.wakeOnHub, bound by the first greenlet wait

	g *Greenlet // hub-only: the greenlet parked in Wait, or nil
}

const (
	wIdle      = 0
	wWoken     = 1
	wGreenlet  = 2 // a greenlet waits
	wGoroutine = 3 // a goroutine waits
	wKindMask  = 3
)

func wKind(s uint64) uint64       { return s & wKindMask }
func wNext(s, kind uint64) uint64 { return (s&^wKindMask + 4) | kind }

// Wake ends the current wait, or, if none is in progress, makes the next
// Wait return at once. It may be called from any goroutine, any number of
// times: Wakes before a wait ends count as one. It reports whether it ended
// a wait in progress (which may still return an error, see Waiter). Called
// from a greenlet of the waiter's hub it makes the waiter runnable; from
// elsewhere it posts to that hub, and the waiter runs once the hub takes
// the post.
func (w *Waiter) Wake() bool {
	for {
		s := w.state.Load()
		switch wKind(s) {
		case wWoken:
			return false
		case wIdle:
			if w.state.CompareAndSwap(s, s&^wKindMask|wWoken) {
				return false
			}
		case wGreenlet:
			h := w.hub.Load()
			if !w.state.CompareAndSwap(s, s&^wKindMask|wWoken) {
				continue
			}
			if h.current() != nil {
				w.wakeOnHub()
				raceReleaseHub(h)
			} else {
				h.post(w.post) // fails only once the hub has closed, which ends the wait
			}
			return true
		case wGoroutine:
			if !w.state.CompareAndSwap(s, s&^wKindMask|wWoken) {
				continue
			}
			w.ch <- struct{}{} // cap 1, and only this Wake sends for this wait
			return true
		}
	}
}

// wakeOnHub readies the greenlet parked in w if a Wake is still pending for
// it. Hub context. A post that arrives after the wait ended (a timeout won)
// or for a greenlet already readied does nothing.
func (w *Waiter) wakeOnHub() {
	g := w.g
	if g != nil && g.state == stWaiting && wKind(w.state.Load()) == wWoken {
		g.h.ready(g)
	}
}

// Reset forgets a Wake that no Wait has taken. Call it before making the
// waiter findable by its event source, so that a Wake meant for an earlier
// wait cannot end the next one. It must not be called during a wait.
func (w *Waiter) Reset() {
	for {
		s := w.state.Load()
		switch wKind(s) {
		case wIdle:
			return
		case wWoken:
			if w.state.CompareAndSwap(s, s&^wKindMask) {
				return
			}
		default:
			panic("green: Waiter.Reset during a wait")
		}
	}
}

// Wait parks the calling greenlet until Wake is called, or returns at once
// if a Wake came since the last wait (or Reset). It returns nil when woken,
// or the error that ended the wait: a timeout ([ErrTimeout]) from
// WithTimeout, a context's error from WithContext, [ErrDeadlock],
// [ErrClosed]; a Kill unwinds. From a plain goroutine it blocks the
// goroutine until Wake and returns nil. Two waits at once on one Waiter
// panic.
func (w *Waiter) Wait() error { return w.wait(-1, false) }

// WaitTimeout is Wait bounded by d, on the hub's clock for a greenlet and
// on package time's for a goroutine: if no Wake comes within d it returns a
// *TimeoutError (errors.Is ErrTimeout). As every timeout of this package, d
// <= 0 has expired already: it returns at once, nil if a Wake is
// remembered, the timeout otherwise. A Wake at the moment the timeout falls
// due wins.
func (w *Waiter) WaitTimeout(d time.Duration) error { return w.wait(d, true) }

func (w *Waiter) wait(d time.Duration, bounded bool) error {
	s := w.state.Load()
	switch wKind(s) {
	case wWoken:
		if w.state.CompareAndSwap(s, s&^wKindMask) {
			return nil
		}
		panic("green: two waits at once on one Waiter")
	case wGreenlet, wGoroutine:
		panic("green: two waits at once on one Waiter")
	}
	if bounded && d <= 0 {
		return &TimeoutError{After: d}
	}
	if g := caller(); g != nil {
		return ret(g.h, w.waitGreenlet(g, s, d, bounded))
	}
	return w.waitGoroutine(s, d, bounded)
}

// consume takes a Wake that came after state s (a CAS from s failed):
// only a Wake changes a state from under its waiter.
func (w *Waiter) consume(s uint64) {
	for {
		cur := w.state.Load()
		if wKind(cur) != wWoken {
			panic("green: two waits at once on one Waiter")
		}
		if w.state.CompareAndSwap(cur, cur&^wKindMask) {
			return
		}
	}
}

// waitGreenlet parks g. Hub context, on g.
func (w *Waiter) waitGreenlet(g *Greenlet, s uint64, d time.Duration, bounded bool) (err error) {
	h := g.h
	if w.hub.Load() != h { // usually a waiter waits on one hub: skip the store's fence
		w.hub.Store(h)
	}
	if w.post == nil {
		w.post = w.wakeOnHub // once per Waiter; published by the CAS below
	}
	ws := wNext(s, wGreenlet)
	if !w.state.CompareAndSwap(s, ws) {
		w.consume(s)
		return nil
	}
	w.g = g
	if bounded {
		g.sleep.g, g.sleep.f = g, nil
		h.addTimer(&g.sleep, h.after(d))
	}
	what := w.What
	if what == "" {
		what = "waiter"
	}
	woken := false
	defer func() {
		w.g = nil
		if g.sleep.armed() {
			h.timers.remove(&g.sleep)
		}
		if woken {
			w.consume(ws)
			return
		}
		// Ended by something else: a timeout, a context, a kill (this
		// runs while it unwinds), a deadlock, or the sleep timer. A Wake
		// that raced stays remembered, unless it is our own timer's
		// race, which the Wake wins.
		if w.state.CompareAndSwap(ws, ws&^wKindMask) {
			if err == nil {
				err = &TimeoutError{After: d}
			}
			return
		}
		if err == nil {
			w.consume(ws) // the timer fired as the Wake came: the Wake wins
		}
	}()
	err = g.park(what)
	woken = err == nil && wKind(w.state.Load()) == wWoken
	return err
}

// waitGoroutine blocks the calling goroutine on w.ch.
func (w *Waiter) waitGoroutine(s uint64, d time.Duration, bounded bool) error {
	if w.ch == nil {
		w.ch = make(chan struct{}, 1)
	}
	ws := wNext(s, wGoroutine)
	if !w.state.CompareAndSwap(s, ws) {
		w.consume(s)
		return nil
	}
	if !bounded {
		<-w.ch
		w.consume(ws)
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.ch:
		w.consume(ws)
		return nil
	case <-t.C:
	}
	if w.state.CompareAndSwap(ws, ws&^wKindMask) {
		return &TimeoutError{After: d}
	}
	<-w.ch // the Wake that won has sent, or is about to
	w.consume(ws)
	return nil
}
