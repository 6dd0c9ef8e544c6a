package green

import "sync/atomic"

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

// Stats returns a snapshot of h's counters.
func (h *Hub) Stats() Stats {
	var s Stats
	h.look(func() {
		s = Stats{
			Spawned:   h.stats.Spawned,
			Panics:    h.stats.Panics,
			Live:      h.all.n,
			Parked:    h.nparked,
			Runnable:  h.runq.len() + h.startq.len(),
			Timers:    len(h.timers),
			Workers:   h.stats.Workers,
			Idle:      len(h.idle),
			InFlight:  h.ext + h.holds,
			Deadlocks: h.stats.Deadlocks,
		}
	})
	s.Switches = h.tick.Load()
	s.OutsideCalls = h.stats.outside.Load()
	s.OutsideWaiting = int(h.stats.outWait.Load())
	s.Blocked = h.stats.blocked.Load()
	return s
}
