package green

import (
	"runtime"
	"time"
)

// Sleep parks the calling greenlet for d on the hub's clock; d <= 0 is
// Yield. Called from an outside goroutine it blocks that goroutine for d on
// the hub's clock (so virtual time applies), or returns at once if the hub is
// closed; any other failure then panics with a "green: " message, as other
// outside waits do. A Timeout or kill ends a greenlet's sleep by unwinding.
func (h *Hub) Sleep(d time.Duration) {
	if c := h.current(); c != nil {
		must(ret(h, c.sleepFor(d)))
		return
	}
	err := h.call(func() error { return h.current().sleepFor(d) })
	if err != ErrClosed {
		orPanic(err, "Sleep")
	}
}

// sleepFor parks g for d. Hub context, on g.
func (g *Greenlet) sleepFor(d time.Duration) error {
	if d <= 0 {
		return g.yield()
	}
	h := g.h
	g.sleep.g, g.sleep.f = g, nil
	h.addTimer(&g.sleep, h.after(d))
	// Every early end disarms the timer: park's leaveWait, or interrupt.
	return g.park("sleep")
}

// Yield lets every other runnable greenlet of h run before the caller
// resumes, as gevent's sleep(0): each at least once (a pair that wakes
// each other may take several turns, see the package doc, # Scheduling).
// Called from outside a greenlet of h it is runtime.Gosched. A pending
// Timeout or kill unwinds here.
func (h *Hub) Yield() {
	c := h.current()
	if c == nil {
		runtime.Gosched()
		return
	}
	must(ret(h, c.yield()))
}

// yield puts g at the back of the run queue and hands control to the hub.
// This is the switch path: no allocation, no lock.
func (g *Greenlet) yield() error {
	h := g.h
	if h.closing {
		panic(unwind{errKill})
	}
	g.state = stRunnable
	if h.watch {
		h.watchYield(g)
	}
	if h.next != nil {
		h.flushNext() // woken before the yield: ahead of the yielder, as FIFO has it
	}
	h.runq.push(g)
	g.giveUp()
	if err := g.resumed(); err != nil {
		return err
	}
	if g.x != nil && g.x.pendErr != nil {
		err := g.x.pendErr
		g.x.pendErr = nil
		return err
	}
	return nil
}
