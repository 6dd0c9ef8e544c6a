package green

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// The hub's side of a Trace: each hook is called behind a nil check of
// h.tr (h.watch on the switch path), so a hub without a Trace pays one
// predictable branch per hook.

// actor says who acts in hub context while no greenlet does: the hub's
// goroutine (or the runner's stack, see giveUp) firing timers, running what
// outside goroutines posted, or declaring a deadlock. While it is actNone,
// the actor is the current greenlet, if it is running (or ending).
type actor uint8

const (
	actNone    actor = iota
	actTimer         // fireTimers
	actOutside       // drainInbox, shutdown: posts from outside goroutines
	actHub           // deadlock, killAll
)

// by returns the ID of the greenlet acting now, or 0 if the hub is.
func (h *Hub) by() uint64 {
	if h.acting != actNone {
		return 0
	}
	if c := h.cur.Load(); c != nil && (c.state == stRunning || c.state == stDead) {
		return c.ID()
	}
	return 0
}

// adopt registers a new greenlet with the hub: it joins the live list and
// gets its ID. what is the detail of its spawn event.
func (h *Hub) adopt(g *Greenlet, what string) {
	h.all.add(g)
	h.gseq++
	g.id = h.gseq
	if h.tr != nil {
		h.traceSpawn(g, what)
	}
}

func (h *Hub) traceSpawn(g *Greenlet, what string) {
	switch {
	case g.x != nil && g.x.outside:
		what = "outside call"
	case h.acting == actOutside:
		what = "outside"
	case h.acting == actTimer && what == "":
		what = "timer"
	}
	if h.acting == actOutside && h.all.n > 1 {
		h.tr.Nondeterministic("a greenlet spawned from outside the hub (a Spawn or call from a plain goroutine) while others were live: where it lands depends on the Go scheduler")
	}
	h.tr.record(h, TraceSpawn, g, h.by(), what, "")
}

// watchYield is the yield hook: trace it, and tell PCT who yielded.
func (h *Hub) watchYield(g *Greenlet) {
	if h.tr != nil {
		h.tr.record(h, TraceYield, g, 0, "", "")
	}
	if h.ex != nil {
		h.ex.yielder = g
	}
}

func (h *Hub) tracePark(g *Greenlet, what string) {
	var by uint64
	if t, ok := g.wval.(*Greenlet); ok && (what == "join" || what == "kill") {
		by = t.ID()
	}
	h.tr.record(h, TracePark, g, by, what, "")
}

func (h *Hub) traceWake(g *Greenlet) {
	what := ""
	switch err := g.wakeErr; {
	case err == errKill:
		what = "kill"
	case errors.Is(err, ErrTimeout):
		what = "timeout"
	case errors.Is(err, ErrDeadlock):
		what = "deadlock"
	case err == ErrClosed:
		what = "closed"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		what = "context"
	case err != nil:
		what = "error"
	case h.acting == actTimer:
		what = "timer"
	case h.acting == actOutside:
		what = "outside"
		if h.all.n > 1 {
			h.tr.Nondeterministic("a wake from outside the hub (a thread-pool job, a native region, a Go channel, a socket, a plain goroutine) while others were live: where it lands depends on the Go scheduler")
		}
	}
	h.tr.record(h, TraceWake, g, h.by(), what, "")
}

func (h *Hub) traceEnd(g *Greenlet) {
	what, note := "ok", ""
	// A greenlet that panicked has a *PanicError, and run counted it in
	// Panics just before finish; one that returned another's (from a
	// Join) has one too, but was not counted.
	_, panicked := g.err.(*PanicError)
	panicked = panicked && h.stats.Panics != h.tracePanics
	h.tracePanics = h.stats.Panics
	switch {
	case g.killed:
		what = "killed"
	case g.err == errGoexit:
		what = "goexit"
	case panicked:
		what = "panic"
	case g.err != nil:
		what = "error"
	}
	if g.err != nil {
		note = g.err.Error()
		if i := strings.IndexByte(note, '\n'); i >= 0 {
			note = note[:i] // a panic's stack stays out of the one-line event
		}
	}
	h.tr.record(h, TraceEnd, g, 0, what, note)
}

func (h *Hub) traceKill(g, c *Greenlet) {
	var by uint64
	if c != nil {
		by = c.ID()
	}
	h.tr.record(h, TraceKill, g, by, g.state.String(), "")
}

func (h *Hub) traceTimer(t *timer) {
	h.tr.record(h, TraceTimer, t.g, 0, "#"+strconv.FormatUint(t.seq, 10), "")
}

func (h *Hub) traceDetach(g *Greenlet, wait string) {
	if h.virtual != nil {
		h.tr.Nondeterministic("a greenlet detached from the hub (the hand-off): what it does beside the hub, and when it rejoins, depend on real time")
	}
	h.tr.record(h, TraceDetach, g, 0, wait, "")
}

func (h *Hub) traceClose() {
	if h.virtual != nil && (h.timers.len() > 0 || h.runq.len() > 0 || h.startq.len() > 0 || h.ex != nil && h.ex.runnable(h) > 0) {
		h.tr.Nondeterministic("Close came from outside while the hub had work left (timers armed or greenlets runnable): how far the run got depends on the Go scheduler; end runs from inside (main returns after its greenlets end)")
	}
	h.tr.record(h, TraceClose, nil, 0, "", "")
}
