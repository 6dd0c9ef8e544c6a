package sim

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenshim/greenshim/green"
)

// In a world of greenlets, plain goroutines may use the world too (the
// goroutines of net/http, say). The hub cannot see them: it would move
// virtual time to the next event while one of them is about to write. So,
// as package green's Time does, each call of a goroutine into the world,
// and each end of its waits, holds the hub's virtual time still until
// green.OutsideGrace of real time has passed without another: time moves
// once every goroutine has been blocked (or gone) for that long, and every
// goroutine the world woke has run.
// Greenlets never take this grace, so a run of greenlets alone stays
// deterministic.

type touchState struct {
	// woken counts goroutines woken that have not yet run: the hold
	// lasts until they have, however long the Go scheduler takes.
	woken atomic.Int64

	mu      sync.Mutex // guards the fields below
	last    time.Time  // real time of the last touch
	held    bool       // a hold is taken or being taken
	release func()     // the hub's Hold's release
}

// enter locks the world for a call, touching it first if the caller is a
// goroutine in a world of greenlets.
func (w *World) enter() {
	if w.hub != nil {
		w.touchIfOutside()
	}
	w.mu.Lock()
}

func (w *World) touchIfOutside() {
	if g := green.Current(); g != nil && g.Hub() == w.hub {
		return
	}
	w.touchOutside()
}

// touchOutside is touchIfOutside's work for a call from outside the hub,
// kept out of line: Stats is a large value, and in touchIfOutside's frame
// it would cost every greenlet's call into the world a bigger stack.
//
//go:noinline
func (w *World) touchOutside() {
	// Only while greenlets live: a world set up from outside before its
	// run (listeners, faults) is as deterministic as one set up in it.
	// (The trace counts the calls under one breaker.)
	if w.tr != nil && w.hub.Stats().Live > 0 {
		w.tr.Nondeterministic(breakerOutside)
	}
	if w.touchMark() {
		w.holdHub()
	}
}

// breakerOutside is what a world's trace says breaks its determinism when
// a goroutine (or a greenlet of another hub) calls into a world of
// greenlets while its greenlets live; breakerGoroutines, of a world of
// goroutines.
const (
	breakerOutside    = "sim: a goroutine outside the world's hub called into the world (the Go scheduler orders its calls)"
	breakerGoroutines = "sim: a world of goroutines (mode 2 or 3): its own choices come from the seed, the order of its goroutines' calls from the Go scheduler"
)

// touchMark records a touch and reports whether a hold must be taken.
func (w *World) touchMark() bool {
	t := &w.touch
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = time.Now()
	if t.held {
		return false
	}
	t.held = true
	return true
}

// holdHub takes the hub's hold. Not under w.mu, unless in the hub's context
// (where Hold does not wait).
func (w *World) holdHub() {
	rel := w.hub.Hold()
	t := &w.touch
	t.mu.Lock()
	t.release = rel
	t.mu.Unlock()
	time.AfterFunc(green.OutsideGrace, w.checkTouch)
}

// touchLocked is a touch on behalf of a goroutine being woken, by whoever
// wakes it: in the hub's context the hold is taken at once, before
// virtual time can move; elsewhere once the world's lock is let go.
func (w *World) touchLocked() {
	if !w.touchMark() {
		return
	}
	if g := green.Current(); g != nil && g.Hub() == w.hub {
		w.holdHub()
		return
	}
	w.thens = append(w.thens, w.holdHub)
}

// checkTouch releases the hold once OutsideGrace has passed since the
// last touch.
func (w *World) checkTouch() {
	t := &w.touch
	t.mu.Lock()
	if t.woken.Load() > 0 {
		t.mu.Unlock()
		time.AfterFunc(green.OutsideGrace, w.checkTouch)
		return
	}
	if left := green.OutsideGrace - time.Since(t.last); left > 0 {
		t.mu.Unlock()
		time.AfterFunc(left, w.checkTouch)
		return
	}
	rel := t.release
	t.release, t.held = nil, false
	t.mu.Unlock()
	if rel != nil {
		rel()
	}
}
