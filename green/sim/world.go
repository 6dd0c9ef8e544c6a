package sim

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/simdns"
)

// Mode says how code runs in a world: see the package doc, # Modes.
type Mode int

const (
	// Greenlets (mode 1, the zero Mode): the world runs on a hub with a
	// virtual clock (its own, or Config.Hub); its timed events are
	// timers of that hub, so a run of greenlets is deterministic.
	Greenlets Mode = iota
	// Goroutines (modes 2 and 3): the world's time is package time's,
	// which is the fake clock of a testing/synctest bubble when the
	// world is made inside one, and the real clock otherwise.
	Goroutines
)

func (m Mode) String() string {
	switch m {
	case Greenlets:
		return "greenlets"
	case Goroutines:
		return "goroutines"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Config describes a world. The zero value is a world of greenlets on a
// virtual hub of its own, seed 0, with perfect links.
type Config struct {
	// Seed seeds every random choice of the world (ephemeral ports,
	// jitter, loss, duplication, reordering), drawn from one PCG
	// generator in the order the world makes them.
	Seed uint64

	// Mode says how code runs in the world.
	Mode Mode

	// Hub, with Mode Greenlets, is the hub the world runs on; nil means
	// a hub of the world's own on a virtual clock starting at Start,
	// which Close closes. A hub given here is the caller's to close.
	Hub *green.Hub

	// Start is the world's time zero on the virtual clock of its own hub;
	// zero means 2000-01-01 00:00:00 UTC, as green.NewVirtualClock and
	// testing/synctest's bubbles. Ignored when the world's time is not
	// its own hub's.
	Start time.Time

	// Link is the default of every link between two different hosts
	// (a host's loopback is always perfect).
	Link Link

	// Loopback is the link of a host to itself; the zero Link (the
	// default) delivers at once. Faults never apply to it. A little
	// latency here lets time pass in a synctest bubble whose goroutines
	// stream to each other as fast as they can.
	Loopback Link

	// MTU bounds the payload of one UDP datagram; zero means 65507.
	MTU int

	// Buffer bounds the bytes of one direction of a TCP conn in flight
	// or unread (the send and receive buffers together); a writer waits
	// for room. Zero means 256 KiB.
	Buffer int

	// Trace, if set, records the world's events beside the hub's (see #
	// Tracing); on a hub of the world's own it is also the hub's
	// Options.Trace.
	Trace *green.Trace
}

// World is a simulated network of hosts. It is made by New and must be
// closed. Its methods may be called from any goroutine and any greenlet.
type World struct {
	cfg   Config
	mode  Mode
	hub   *green.Hub // mode Greenlets
	owned bool       // the world made hub and closes it
	start time.Time  // world time zero, on the world's clock
	tr    *green.Trace

	mu sync.Mutex // guards everything below, and every conn's and host's state

	rng      *rand.Rand
	zone     *simdns.Zone // the world's DNS (dns.go)
	hosts    []*Host
	byName   map[string]*Host
	byAddr   map[netip.Addr]*Host
	links    map[[2]*Host]*link
	hook     func(*Packet) Verdict
	events   eventHeap
	eseq     uint64
	flows    uint64
	closed   bool
	free     []*waiter // waiters to reuse
	pfree    []*packet // arrived packets to reuse
	thens    []func()  // Verdict.Then functions to run once unlocked
	nextAddr uint32    // automatic addresses given so far

	touch touchState // goroutines in a world of greenlets (touch.go)

	// The driver (clock.go).
	drv     green.Waiter // mode Greenlets: the driver greenlet's
	drvOn   bool         // the driver greenlet runs (or is spawned)
	drvAt   int64        // the time it waits for
	timer   *time.Timer  // mode Goroutines
	timerAt int64        // when timer fires, if armed
	armed   bool         // timer is armed

	x worldExt // fault points, plan and lives (buggify.go, plan.go, life.go)
}

// New makes a world. Bad input (a negative MTU or Buffer, a Hub with
// Mode Goroutines, a bad Link) panics with a "sim: " message naming the
// field.
func New(cfg Config) *World {
	if cfg.MTU < 0 {
		panic(fmt.Sprintf("sim: Config.MTU is negative (%d)", cfg.MTU))
	}
	if cfg.Buffer < 0 {
		panic(fmt.Sprintf("sim: Config.Buffer is negative (%d)", cfg.Buffer))
	}
	if cfg.Mode != Greenlets && cfg.Mode != Goroutines {
		panic(fmt.Sprintf("sim: Config.Mode is %v", cfg.Mode))
	}
	if cfg.Hub != nil && cfg.Mode != Greenlets {
		panic("sim: Config.Hub is set with Mode Goroutines")
	}
	if err := cfg.Link.check(); err != nil {
		panic("sim: Config.Link: " + err.Error())
	}
	if err := cfg.Loopback.check(); err != nil {
		panic("sim: Config.Loopback: " + err.Error())
	}
	if cfg.MTU == 0 {
		cfg.MTU = 65507
	}
	if cfg.Buffer == 0 {
		cfg.Buffer = 256 << 10
	}
	w := &World{
		cfg:    cfg,
		mode:   cfg.Mode,
		tr:     cfg.Trace,
		rng:    rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		zone:   simdns.NewZone(),
		byName: map[string]*Host{},
		byAddr: map[netip.Addr]*Host{},
		links:  map[[2]*Host]*link{},
	}
	w.drv.What = "sim driver"
	if cfg.Mode == Greenlets {
		w.hub = cfg.Hub
		if w.hub == nil {
			if w.tr != nil {
				w.tr.Host = HostName
			}
			w.hub = green.New(green.Options{
				Clock:           green.NewVirtualClock(cfg.Start),
				Trace:           cfg.Trace,
				Name:            "sim",
				MaxBlockingTime: -1,
				// A hand-off would run a greenlet beside the hub, on
				// real time: a world of its own stays deterministic.
				// (A GC assist, seen as a foreign wait, would detach.)
				HandoffAfter: -1,
				// A dial or an accept in the world needs more than a new
				// goroutine's 2 KiB: growing it before the greenlet runs
				// copies a few frames instead of the whole call.
				StackSize: 4096,
			})
			w.owned = true
		}
		w.start = w.hub.Now()
	} else {
		w.start = time.Now()
		if w.tr != nil {
			w.tr.Nondeterministic(breakerGoroutines)
		}
	}
	return w
}

// Close ends the world: its timed events are dropped, and on a hub of its
// own, the hub is closed (its greenlets killed). Conns and listeners fail
// with net.ErrClosed afterwards. Close is idempotent.
func (w *World) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	// Dropped events leave the heap for good: a waiter woken below still
	// cancels its deadline's event, which must find it gone.
	for _, e := range w.events {
		e.idx = -1
	}
	w.events = nil
	if w.timer != nil {
		w.timer.Stop()
		w.armed = false
	}
	for _, h := range w.hosts {
		h.closeAllLocked()
	}
	w.endLivesLocked()
	w.drv.Wake()
	w.mu.Unlock()
	if w.owned {
		w.hub.Close()
	}
}

// Mode returns the world's mode.
func (w *World) Mode() Mode { return w.mode }

// Hub returns the hub of a world of greenlets, nil for one of goroutines.
func (w *World) Hub() *green.Hub { return w.hub }

// Seed returns the world's seed.
func (w *World) Seed() uint64 { return w.cfg.Seed }

// Now returns the world's time: its hub's clock with Mode Greenlets,
// package time's otherwise.
func (w *World) Now() time.Time {
	if w.hub != nil {
		return w.hub.Now()
	}
	return time.Now()
}

// Since returns the world time elapsed since the world was made.
func (w *World) Since() time.Duration { return time.Duration(w.now()) }

// now is world time, in nanoseconds since the world was made.
func (w *World) now() int64 {
	if w.hub != nil {
		return int64(w.hub.Now().Sub(w.start))
	}
	return int64(time.Since(w.start))
}

// timeOf converts world time to a time.Time on the world's clock.
func (w *World) timeOf(ns int64) time.Time { return w.start.Add(time.Duration(ns)) }

// worldTime converts a time on the world's clock (a deadline) to world
// time; the zero time is 0 (none), and a time before the world began is 1
// (long past).
func (w *World) worldTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return max(int64(t.Sub(w.start)), 1)
}

// Rand calls f with the world's random generator, under the world's lock:
// code of the simulation that draws from it stays on the world's seed
// (and, on a hub, deterministic). f must not call the World.
func (w *World) Rand(f func(r *rand.Rand)) {
	if f == nil {
		panic("sim: Rand of a nil function")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w.rng)
}

// Run runs main as a greenlet on the world's first host (see Host.Run):
// the run driven by one call.
func (w *World) Run(main func() error) error {
	return w.defaultHost().Run(main)
}

// Go starts fn in a greenlet on the world's first host, as Host.Go.
func (w *World) Go(fn func() error) *green.Greenlet {
	return w.defaultHost().Go(fn)
}
