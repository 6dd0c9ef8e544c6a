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
// detached, and the hub goes on running the others on a new goroutine. The
// detached greenlet rejoins the hub at its next green call, or when it
// ends. See the package doc, # Natives and hand-off, for the rules a user
// sees; this comment is the mechanism.
//
// Who holds the hub. Exactly one goroutine at a time touches hub state.
// Normally that is the chain of coroutine switches rooted at the hub's
// goroutine: the hub's goroutine resumes a runner, which may run the
// scheduler on its stack and resume another greenlet (the leaf). The leaf
// holds the hub; its ancestors wait in resume for it to give control back.
//
// Detach. The monitor (monitor.go) sees the leaf G in a foreign wait (the
// runtime's status of its goroutine, and a frame walk that finds user code,
// not the hub's own, waiting: handoff_rt.go), for at least HandoffAfter and
// with the hub's tick unchanged. It announces the decision (deciding), takes
// cur away from G and reads G's state again: if G moved, it gives cur back
// and G, which may have noticed, carries on. Otherwise G is detached:
//   - if G holds the hub because a scheduler lent it (below), the monitor
//     gives the hub back to that lender, which goes on;
//   - otherwise it starts a takeover: a new goroutine that becomes the
//     hub's goroutine and a new scheduler epoch. G's ancestors are stale.
//     The runner among them, if not G itself, is entangled: its goroutine
//     is under G's, so nothing may resume it until G has given control back
//     up the chain.
//
// Rejoin. G's next green call finds cur is not G (current, currentSlow),
// finds its detach record and posts a request to the hub. The scheduler
// that takes it lends G the hub: it marks G running and waits on baton.
// G makes its call; when it gives control away, its coroutine switch goes
// to its stale ancestor, which returns from resume to find the epoch moved,
// and leaves: a stale runner switches up to its own stale ancestor (and is
// then an ordinary suspended greenlet, no longer entangled); the stale
// hub goroutine at the bottom hands the hub back on baton and ends. If G
// meets a foreign wait again while it holds a lent hub, it is detached
// again and the lender gets the hub back at once.

// DefaultHandoffAfter is how long a greenlet may hold the hub in a wait the
// hub cannot see before it is detached, unless Options.HandoffAfter or
// GREENSHIM_HANDOFF says otherwise.
const DefaultHandoffAfter = 100 * time.Microsecond

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
	in    chan struct{} // cap 1: the hub, lent back to g
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
		if g := h.cur.Load(); g != nil && g.w.gid == id {
			return g
		}
	}
}

// rejoin asks the hub to take a detached greenlet back and waits until it
// is lent the hub. On a detached greenlet's goroutine.
func (h *Hub) rejoin(d *detach) *Greenlet {
	// The hub does not close while d counts in h.ext, so the post lands.
	h.post(func() { h.lend(d) })
	<-d.in
	raceAcquireHub(h)
	return d.g
}

// lend hands the hub to a detached greenlet that asked to rejoin, and waits
// until it comes back: the greenlet gave control up its stale chain (whose
// bottom sends nil), or it was detached again (the monitor sends its new
// record). Hub context, on the scheduler instance that holds the hub.
func (h *Hub) lend(d *detach) {
	g := d.g
	s := &h.ho
	s.mu.Lock()
	delete(s.detached, g.w.gid)
	s.mu.Unlock()
	s.active.Add(-1)
	s.now.Add(-1)
	h.ext--
	g.state = stRunning
	h.cur.Store(g)
	h.tick.Add(1)
	h.lending.Store(g)
	raceReleaseHub(h)
	d.in <- struct{}{}
	back := <-h.baton
	raceAcquireHub(h)
	h.lending.Store(nil)
	if back != nil {
		h.detached(back)
	}
}

// detached records in hub state that d's greenlet is detached. Hub context,
// on the goroutine the hub was handed to.
func (h *Hub) detached(d *detach) {
	d.g.state = stDetached
	h.ext++
	if h.virtual != nil {
		h.ho.virtual.Store(true)
	}
}

// takeover is the new hub goroutine of a detach: a new epoch, in which the
// instances that resumed d's greenlet are stale and the runner among them is
// entangled.
func (h *Hub) takeover(d *detach) {
	raceAcquireHub(h)
	h.epoch++
	if r := h.runner; r != nil && r != d.g {
		r.entangled = true
	}
	h.runner = nil
	h.detached(d)
	h.loop()
}

// leave ends a stale scheduler instance, which holds the hub because the
// greenlet it resumed gave control back to it. A runner's instance switches
// up to the instance that resumed the runner (stale too) and returns true
// when a current scheduler resumes the runner; the stale hub goroutine at
// the bottom hands the hub back to the lender and returns false, ending.
func (h *Hub) leave(self *Greenlet) bool {
	if self != nil {
		self.w.yield(struct{}{})
		return true
	}
	raceReleaseHub(h)
	h.baton <- nil
	return false
}

// disentangle makes g, whose goroutine is no longer under a detached
// greenlet's, resumable again. Hub context.
func (h *Hub) disentangle(g *Greenlet) {
	g.entangled = false
	for i, x := range h.deferred {
		if x == g {
			// It was found runnable (from the run queue, or a raw
			// Switch's target) while entangled: it runs now.
			h.deferred = append(h.deferred[:i], h.deferred[i+1:]...)
			h.runq.push(g)
			return
		}
	}
}
