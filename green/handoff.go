package green

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The hand-off, as Go's runtime retakes a P from a thread stuck in a system
// call: a greenlet that holds the hub inside a wait the hub cannot see (a
// Go channel, mutex, select, sleep or system call, inside a library) is
// detached, and the hub goes on running the others. The detached greenlet
// rejoins the hub at its next green call, or when it ends. See the package
// doc, # Natives and hand-off, for the rules a user sees; this comment is
// the mechanism.
//
// A greenlet runs on a coroutine (iter.Pull, worker.go): the scheduler that
// resumed it waits in next until the greenlet calls yield. Both are
// runtime.coroswitch on the coroutine, which switches to whichever
// goroutine waits on it and leaves the caller waiting in its place; it does
// not care which goroutine calls. That is the whole trick.
//
// Detach. The monitor (monitor.go) sees the greenlet G that holds the hub
// in a foreign wait (the runtime's status of its goroutine, and a frame
// walk that finds user code, not the hub's own, waiting: handoff_rt.go;
// never a wait in the runtime's own machinery, a collection or a stopped
// world: handoff_gc.go), for at least HandoffAfter and with the hub's tick
// unchanged. It announces the decision (deciding), takes cur away from G
// and reads G's state again: if G moved, it gives cur back and G, which
// may have noticed, carries on.
// Otherwise G is detached, and a relay goroutine, which now holds the hub,
// marks G detached and calls G's yield for it: the scheduler that resumed G
// returns from next as if G had parked, and goes on; the relay waits on the
// coroutine in G's place.
//
// Rejoin. G's next green call finds cur is not G (current, currentSlow),
// finds its detach record and posts a request to the hub, which makes G
// runnable. When the scheduler resumes G its next wakes the relay, not G
// (the relay is what waits on the coroutine); the relay hands the hub to G
// and ends. G makes its call; when it gives control away its yield wakes
// the scheduler, which waits on the coroutine now: an ordinary switch.

// DefaultHandoffAfter is how long a greenlet may hold the hub in a wait the
// hub cannot see before it is detached, unless Options.HandoffAfter or
// GREENSHIM_HANDOFF says otherwise. Go's sysmon retakes a P from a system
// call after 20µs to 10ms; here a shorter wait (a briefly contended mutex)
// costs less held than detached, and a longer one adds up fast when a
// hundred greenlets queue in one library (examples/handoff's go-redis case
// took 0.10 to 0.18 s at 50µs against 0.17 to 0.35 s at 100µs, with no gain
// below).
const DefaultHandoffAfter = 50 * time.Microsecond

// HandoffEnv names the environment variable that sets the hand-off
// threshold (a time.ParseDuration string) or turns it off ("off", "0" or
// a negative duration) when Options.HandoffAfter is zero.
const HandoffEnv = "GREENSHIM_HANDOFF"

// Handoff is the report of a greenlet detached from the hub, made once per
// call site (the pair Frame, Caller).
type Handoff struct {
	Hub      string
	Greenlet *Greenlet
	Name     string        // the greenlet's name, or its spawn site
	Wait     string        // the wait the hub could not see: "chan receive", "sync.Mutex.Lock", "syscall", ...
	Frame    string        // where it waits: the innermost frame outside the runtime and package sync
	Caller   string        // the innermost frame of the main module's code above Frame
	Held     time.Duration // how long it had held the hub when detached, at least
	Stack    string        // its frames, innermost first

	// Virtual is set when the hub runs on a virtual clock: a detach makes
	// the run depend on real time, so it may not replay.
	Virtual bool
}

func (r Handoff) String() string {
	s := fmt.Sprintf("green: %s: greenlet %s held the hub for %v in a wait the hub cannot see (%s) at %s, called from %s; "+
		"it was detached and runs beside the hub until its next green call",
		r.Hub, r.Name, r.Held.Round(time.Microsecond), r.Wait, r.Frame, r.Caller)
	if r.Virtual {
		s += "; this hub runs on a virtual clock, so this run is no longer deterministic"
	}
	return s + "\n" + r.Stack
}

// detach is the record of one detached greenlet.
type detach struct {
	g     *Greenlet
	in    chan struct{} // the relay hands g the hub
	wait  string        // the foreign wait it was detached in
	since time.Time     // when it was detached
}

// handoffState is a hub's hand-off bookkeeping.
type handoffState struct {
	after  time.Duration // the threshold; 0 if the hand-off is off
	status string        // for Stats.Handoff

	// active counts greenlets detached or being decided on: while it is 0,
	// currentSlow costs one load.
	active atomic.Int32

	mu       sync.Mutex          // guards detached, deciding, sites
	detached map[uintptr]*detach // by the worker's gid
	deciding uintptr             // gid of the greenlet the monitor is deciding on
	sites    map[siteKey]*siteStat

	// heldSince is when the greenlet holding the hub now took it (Unix
	// nanoseconds), as the monitor sees it; 0 when the hub is not held.
	heldSince atomic.Int64

	count   atomic.Uint64 // detaches so far
	now     atomic.Int32  // greenlets detached now
	virtual atomic.Bool   // a virtual-clock hub detached a greenlet

	raceSync byte // the race detector's token for who holds the hub (race.go)
}

func (s *handoffState) init(h *Hub) {
	s.detached = make(map[uintptr]*detach)
	s.sites = make(map[siteKey]*siteStat)
	after := handoffAfter(h.opts.HandoffAfter)
	if after < 0 {
		s.status = "off"
		return
	}
	if err := rtAvailable(); err != nil {
		s.status = "unavailable: " + err.Error()
		return
	}
	s.after = after
	s.status = fmt.Sprintf("on (after %v)", after)
}

// handoffAfter resolves the option, the environment and the default.
func handoffAfter(opt time.Duration) time.Duration {
	if opt != 0 {
		return opt
	}
	if v, ok := os.LookupEnv(HandoffEnv); ok && v != "" {
		if v == "off" {
			return -1
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "green: ignoring %s=%q: %v; using %v\n", HandoffEnv, v, err, DefaultHandoffAfter)
			return DefaultHandoffAfter
		}
		if d == 0 {
			return -1
		}
		return d
	}
	return DefaultHandoffAfter
}

// currentSlow is current for a caller that is not the hub's current
// greenlet: an outside goroutine, or a detached greenlet of h, which waits
// here until the hub is lent to it and then is current.
//
//go:noinline
func (h *Hub) currentSlow() *Greenlet {
	s := &h.ho
	if s.active.Load() == 0 {
		return nil
	}
	id := getg()
	for {
		s.mu.Lock()
		d, deciding := s.detached[id], s.deciding == id
		s.mu.Unlock()
		if d != nil {
			return h.rejoin(d)
		}
		if !deciding {
			return nil
		}
		// The monitor took cur away to decide whether the caller is
		// detached; it gives it back if the caller moved, which it has.
		runtime.Gosched()
		if g := h.cur.Load(); g != nil && g.w.gid.Load() == id {
			return g
		}
	}
}

// rejoin asks the hub to take a detached greenlet back and waits until the
// hub resumes it. On the detached greenlet's goroutine.
func (h *Hub) rejoin(d *detach) *Greenlet {
	// The hub does not close while d counts in h.ext, so the post lands.
	h.post(func() {
		h.ext--
		if h.tr != nil {
			h.tr.record(h, TraceRejoin, d.g, 0, "", "")
		}
		h.ready(d.g)
	})
	<-d.in
	raceAcquireHub(h)
	return d.g
}

// relay takes the hub from a greenlet the monitor detached: see the top of
// this file. It holds the hub until it has called the greenlet's yield,
// and again when the hub resumes the greenlet, which it then hands the hub.
func (h *Hub) relay(d *detach) {
	raceAcquireHub(h)
	g := d.g
	g.state = stDetached
	h.ext++
	if h.virtual != nil {
		h.ho.virtual.Store(true)
	}
	if h.tr != nil {
		h.traceDetach(g, d.wait)
	}
	g.w.yield(struct{}{}) // g's resumer goes on; the relay waits for g's next resume
	s := &h.ho
	s.mu.Lock()
	delete(s.detached, g.w.gid.Load())
	s.mu.Unlock()
	s.active.Add(-1)
	s.now.Add(-1)
	raceReleaseHub(h)
	d.in <- struct{}{}
}

// waitOf returns the foreign wait a detached greenlet was detached in.
func (s *handoffState) waitOf(g *Greenlet) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.detached[g.w.gid.Load()]; d != nil {
		return d.wait + " (detached)"
	}
	return ""
}

// ret returns what a green call computed in hub context, after telling the
// race detector that the calling greenlet leaves hub code (race.go): it may
// be detached anywhere in its own code after this. Without the race
// detector it is the identity.
func ret[T any](h *Hub, v T) T { raceReleaseHub(h); return v }
