package green

import (
	"errors"
	"fmt"
	"time"
)

// Spawn starts fn in a new greenlet of h and returns at once; the greenlet
// starts the next time the hub gets control (see # Scheduling). Its error is
// the greenlet's Err.
func (h *Hub) Spawn(fn func() error) *Greenlet {
	if fn == nil {
		panic("green: Spawn of a nil function")
	}
	return h.spawn(nil, fn, funcPC(fn))
}

// SpawnValue is Spawn for a function with a result, which becomes the
// greenlet's Value.
func (h *Hub) SpawnValue(fn func() (any, error)) *Greenlet {
	if fn == nil {
		panic("green: Spawn of a nil function")
	}
	return h.spawn(fn, nil, funcPC(fn))
}

// spawn is Spawn with pc, the entry of the user's function, naming the
// greenlet until SetName does.
func (h *Hub) spawn(fn func() (any, error), efn func() error, pc uintptr) *Greenlet {
	g := h.newGreenlet(fn)
	g.efn, g.pc = efn, pc
	if c := h.current(); c != nil {
		inherit(g, c)
		h.enqueue(g)
		return ret(h, g)
	}
	if !h.post(func() { h.enqueue(g) }) {
		// A closed hub never runs it: the greenlet ends unstarted.
		g.state, g.err = stDead, ErrClosed
	}
	return g
}

// SpawnLater is Spawn with the start delayed by d on the hub's clock.
func (h *Hub) SpawnLater(d time.Duration, fn func() error) *Greenlet {
	if fn == nil {
		panic("green: SpawnLater of a nil function")
	}
	g := h.newGreenlet(func() (any, error) { return nil, fn() })
	g.pc = funcPC(fn)
	inherit(g, h.current())
	arm := func() {
		h.adopt(g, "later")
		h.stats.Spawned++
		// The greenlet's own sleep timer: Kill before the start disarms it.
		g.sleep.f = func() { h.startq.push(g) }
		h.addTimer(&g.sleep, h.after(d))
	}
	if h.current() != nil {
		arm()
		raceReleaseHub(h)
	} else if !h.post(arm) {
		g.state, g.err = stDead, ErrClosed
	}
	return g
}

// Run runs main as the main greenlet of h and returns its error when it
// ends; the caller waits as an outside goroutine. It may not be called from a
// greenlet of h.
func (h *Hub) Run(main func() error) error {
	if main == nil {
		panic("green: Run of a nil function")
	}
	if h.current() != nil {
		panic("green: Run called from a greenlet of its own hub")
	}
	g := h.newGreenlet(func() (any, error) { return nil, main() })
	g.SetName("main")
	// The caller waits on a channel, not in an outside call: it is the
	// program's main thread, not a greenlet, and does not show up in
	// deadlock reports or delay them.
	done := make(chan struct{})
	closing := false
	if !h.post(func() {
		g.waitLink(&notifier{f: func() { closing = h.closing; close(done) }})
		h.enqueue(g)
	}) {
		return ErrClosed
	}
	<-done
	if g.killed && closing {
		return ErrClosed
	}
	return g.err
}

// Join waits until g has ended and returns its Err.
func (g *Greenlet) Join() error {
	g.check("Join")
	if c := g.h.current(); c != nil {
		return ret(g.h, g.joinFrom(c))
	}
	var err error
	if werr := g.h.call2(func(c *Greenlet) error {
		if c == nil { // the hub has closed: g has ended
			err = g.err
			return nil
		}
		err = g.joinFrom(c)
		return nil
	}); werr != nil {
		return werr
	}
	return err
}

// joinFrom waits, in greenlet c, until g has ended. Hub context.
func (g *Greenlet) joinFrom(c *Greenlet) error {
	if g.state != stDead {
		if c == g {
			panic("green: a greenlet cannot Join itself")
		}
		g.ext().joiners.push(c)
		c.wval = g // names g in dumps without formatting a string per wait
		err := c.park("join")
		c.wval = nil
		if err != nil {
			return err
		}
	}
	return g.err
}

// JoinTimeout is Join bounded by d: it returns an error matching ErrTimeout
// if g has not ended by then.
func (g *Greenlet) JoinTimeout(d time.Duration) error {
	g.check("JoinTimeout")
	var err error
	if terr := g.h.withTimeout(d, func() error { err = g.Join(); return err }); terr != nil && err == nil {
		return terr
	}
	return err
}

// call2 runs f in hub context with the calling greenlet, from a greenlet of h
// directly or from an outside goroutine through an outside call. It is for
// waits on a state that stays once reached (a greenlet's end, a set Event):
// once the hub has closed, it calls f(nil), which answers from the final
// state or returns ErrClosed if it would have to wait.
func (h *Hub) call2(f func(c *Greenlet) error) error {
	if c := h.current(); c != nil {
		err := f(c)
		raceReleaseHub(h)
		return err
	}
	err := h.call(func() error { return f(h.current()) })
	if err == ErrClosed {
		<-h.done
		h.afterMu.Lock()
		defer h.afterMu.Unlock()
		return f(nil)
	}
	return err
}

// op runs f, an operation that changes a primitive's state or waits for
// one to change (a Put, a Get, an Acquire), in hub context with the calling
// greenlet, as call2 does. Once Close has been called it returns ErrClosed
// without running f: operations on a closed hub fail.
func (h *Hub) op(f func(c *Greenlet) error) error {
	if c := h.current(); c != nil {
		err := f(c)
		raceReleaseHub(h)
		return err
	}
	return h.call(func() error {
		if h.closing {
			return ErrClosed
		}
		return f(h.current())
	})
}

// Kill kills g and waits until it has ended: g unwinds from the wait it is
// parked in (its deferred calls run) and ends with Killed true and a nil Err,
// as gevent's GreenletExit. A greenlet that has not started never runs. A
// greenlet killing itself unwinds at once. Kill from outside a greenlet of h
// waits only the caller.
func (g *Greenlet) Kill() {
	g.check("Kill")
	g.h.call2(func(c *Greenlet) error {
		g.h.kill(g, c)
		if c != nil && g.state != stDead {
			g.ext().joiners.push(c)
			c.wval = g
			err := c.park("kill")
			c.wval = nil
			must(err)
		}
		return nil
	})
}

// KillAsync asks g to die and returns without waiting.
func (g *Greenlet) KillAsync() {
	g.check("KillAsync")
	if g.h.current() == g {
		panic(unwind{errKill})
	}
	g.h.do(func() { g.h.kill(g, g.h.current()) })
}

// kill delivers a kill to g. Hub context; c is the caller, if a greenlet.
func (h *Hub) kill(g, c *Greenlet) {
	if h.tr != nil && g.state != stDead {
		h.traceKill(g, c)
	}
	switch g.state {
	case stDead:
	case stNew:
		// Not started: never will. It leaves the start queue (or its
		// SpawnLater timer) now, so that it costs nothing there: a hub
		// that spawns and kills faster than it starts greenlets would
		// otherwise pile up dead entries that new greenlets and outside
		// calls queue behind.
		h.startq.remove(g)
		if g.sleep.armed() {
			h.timers.remove(&g.sleep)
		}
		g.killed = true
		g.finish()
	case stRunning:
		if g == c {
			panic(unwind{errKill})
		}
	case stWaiting, stSuspended:
		g.killReq = true
		h.interrupt(g, errKill)
	case stRunnable, stDetached:
		g.killReq = true // it unwinds at its next wait (a detached one, once it rejoins)
	}
}

// KillAll kills every greenlet in gs and waits for them all.
func KillAll(gs ...*Greenlet) {
	for i, g := range gs {
		if g == nil {
			panic(fmt.Sprintf("green: KillAll of a nil greenlet (gs[%d])", i))
		}
	}
	for _, g := range gs {
		g.KillAsync()
	}
	for _, g := range gs {
		g.Join()
	}
}

// KillTimeout is Kill waiting at most d for g to end; it returns an error
// matching ErrTimeout if g has not ended by then (it still will, at its next
// wait point).
func (g *Greenlet) KillTimeout(d time.Duration) error {
	g.check("KillTimeout")
	g.KillAsync()
	if err := g.JoinTimeout(d); errors.Is(err, ErrTimeout) {
		return err
	}
	return nil
}
