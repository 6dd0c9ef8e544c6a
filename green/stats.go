package green

import (
	"sync/atomic"
	"time"
)

// Stats are a hub's counters, read with (*Hub).Stats.
type Stats struct {
	Spawned  uint64 // greenlets spawned (SpawnLater counts when armed)
	Switches uint64 // times the hub resumed a greenlet
	Panics   uint64 // greenlets that ended in a panic

	Live     int // greenlets not yet dead (including outside calls)
	Parked   int // greenlets parked in a wait
	Runnable int // greenlets waiting for their turn, started or not
	Timers   int // armed timers (sleeps, timeouts, SpawnLater)
	Workers  int // coroutines alive, each holding a stack
	Idle     int // of which idle, kept for the next greenlet

	// OutsideCalls counts green operations called from outside goroutines
	// (plain `go` goroutines), green.Time's Sleep included; OutsideWaiting
	// is how many such goroutines are waiting in one now. They block only
	// themselves, never the hub. Looking at the hub (Stats, Info, Dump)
	// counts in neither.
	OutsideCalls   uint64
	OutsideWaiting int

	// InFlight is outside work the hub waits for: thread-pool jobs, native
	// regions, Go-channel waits and holds (see Hold). While it is non-zero
	// virtual time stands still and no deadlock is declared.
	InFlight int

	Blocked   uint64 // blocking-monitor reports
	Deadlocks uint64 // deadlocks declared

	// Schedule is the hub's scheduling policy and seed (Options.Schedule,
	// as String gives it: "fifo", "pct seed=7 depth=3 steps=1000").
	// Steps counts, under Random and PCT, the switches that chose among
	// two or more runnable greenlets: PCT's k (Schedule.Steps) for a run
	// like this one. FIFO does not count them.
	Schedule string
	Steps    uint64

	// Poller is how the socket module's greenlets wait: "io_uring",
	// "epoll", or "epoll (io_uring refused: <why>)" (see Options.Poller);
	// "goroutines" where neither exists.
	Poller string

	// The hand-off (see the package doc, # Natives and hand-off).
	Handoff  string // "on (after 50µs)", "off", or "unavailable: <why>"
	Detached int    // greenlets detached now
	Detaches uint64 // greenlets detached so far
	// Nondeterministic is set once a hub on a virtual clock has detached
	// a greenlet: what ran beside the hub depended on real time, so the
	// run may not replay.
	Nondeterministic bool

	// HeldBy and HeldFor are set when a greenlet held the hub for longer
	// than a few milliseconds when Stats was called from outside: the
	// other fields are then those the hub published before the hold (at
	// most a millisecond of activity older), and HeldBy names the holder.
	HeldBy  string
	HeldFor time.Duration
}

// hubStats are the counters the hub keeps. The plain fields are hub-only;
// the atomic ones are written by outside goroutines and the monitor.
type hubStats struct {
	Spawned   uint64
	Workers   int
	Panics    uint64
	Deadlocks uint64

	outside atomic.Uint64
	outWait atomic.Int64
	blocked atomic.Uint64
}

func (s *hubStats) addOutside() { s.outside.Add(1) }

// Stats returns a snapshot of h's counters. It answers within a few
// milliseconds even while a greenlet holds the hub (see HeldBy).
func (h *Hub) Stats() Stats {
	s, ok := inspect(h, h.hubStats)
	if !ok {
		if p := h.pub.Load(); p != nil {
			s = *p
		}
		s.HeldBy, s.HeldFor = h.holder()
	}
	s.Switches = h.tick.Load()
	s.Handoff = h.ho.status
	s.Schedule = h.opts.Schedule.String()
	s.Poller = *h.poller.Load()
	s.Detached = int(h.ho.now.Load())
	s.Detaches = h.ho.count.Load()
	s.Nondeterministic = h.ho.virtual.Load()
	s.OutsideCalls = h.stats.outside.Load()
	s.OutsideWaiting = int(h.stats.outWait.Load())
	s.Blocked = h.stats.blocked.Load()
	return s
}

// hubStats returns the counters only the hub may read. Hub context.
func (h *Hub) hubStats() Stats {
	return Stats{
		Spawned:   h.stats.Spawned,
		Panics:    h.stats.Panics,
		Live:      h.all.n,
		Parked:    h.nparked,
		Runnable:  h.runnable(),
		Steps:     h.steps(),
		Timers:    h.timers.len(),
		Workers:   h.stats.Workers,
		Idle:      len(h.idle),
		InFlight:  h.ext + h.holds,
		Deadlocks: h.stats.Deadlocks,
	}
}

// publish leaves a copy of the hub's counters where Stats finds them while
// the hub is held. The monitor asks for it (wantPub) while the hub runs.
// Hub context.
func (h *Hub) publish() {
	s := h.hubStats()
	h.pub.Store(&s)
	h.wantPub.Store(false)
}

// heldBound is how long an outside Stats, Info or Dump waits for a hub whose
// tick stands still before it answers from published state.
const heldBound = 5 * time.Millisecond

// inspect returns f's result, run in hub context, as look does; but an
// outside caller gives up (false) once the hub has resumed no greenlet for
// heldBound while neither idle nor running what was posted to it: a
// greenlet holds it. f must not park; given up on, it still runs later, and
// its result is dropped.
func inspect[T any](h *Hub, f func() T) (T, bool) {
	if h.current() != nil {
		return f(), true
	}
	done := make(chan T, 1)
	if !h.post(func() { done <- f() }) {
		// Closed: as look, answer from the final state.
		var v T
		h.look(func() { v = f() })
		return v, true
	}
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	tick, since := h.tick.Load(), time.Now()
	for {
		select {
		case v := <-done:
			return v, true
		case now := <-t.C:
			if tk := h.tick.Load(); tk != tick || h.idling.Load() || h.draining.Load() {
				tick, since = tk, now
			} else if now.Sub(since) >= heldBound && h.cur.Load() != nil {
				var zero T
				return zero, false
			}
		}
	}
}

// holder names the greenlet holding h and for how long, as the monitor saw
// it last (at least heldBound, found by inspect, if the monitor is off).
func (h *Hub) holder() (string, time.Duration) {
	g := h.cur.Load()
	if g == nil {
		return "", 0
	}
	d := heldBound
	if since := h.ho.heldSince.Load(); since != 0 {
		d = max(d, time.Since(time.Unix(0, since)))
	}
	return g.Name(), d
}
