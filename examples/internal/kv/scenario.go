package kv

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// Port is the replicas' UDP port in a simulated world.
const Port = 7000

// OpTimeout is how long a client of a Scenario retries an operation. An
// operation that outlives it ends Unknown, and each unknown write widens
// the checker's search (it may take effect at any time after its call):
// long enough to outlast most faults, so that few do.
const OpTimeout = 3 * time.Second

// Scenario is one simulated run: three replicas and some clients on hosts
// of a green/sim world, a nemesis, and a check of the clients' history.
// Everything random in it (the schedule of the hub's greenlets, the
// network's delays, the nemesis, the clients' operations, the replicas'
// election timeouts) is drawn from Seed, so a run replays from it.
type Scenario struct {
	Seed     uint64
	Bugs     Bugs
	Clients  int           // zero means 4
	Duration time.Duration // of world time in which clients start operations; zero means 10s
	// Trace, if set, records the run: the hub's greenlets, the world's
	// messages and faults, and the store's own marks (see StaleRead).
	Trace *green.Trace
	// Registry installs the world's modules in the registry for the run
	// (and puts the previous ones back after), so that replicas and
	// clients look their socket and time modules up there, as code that
	// does not know it is simulated does: the world's socket module
	// dispatches each call to the calling greenlet's host. Without it
	// they are handed their host's modules. The run is the same either
	// way. Runs with Registry must not overlap, in one process.
	Registry bool
}

// Result is what a run did.
type Result struct {
	Seed    uint64
	History []Record // by call time, then client
	Plan    []string // what the nemesis did, when: the fault plan as it ran
	// Err is nil if the history is linearizable, a
	// *NotLinearizableError if not, or what else went wrong.
	Err     error
	SimTime time.Duration // world time the run took
	Hash    uint64        // FNV-1a of the run as WriteTo prints it
	// TraceHash is the trace's hash (green.Trace.Hash), if the run was
	// traced: every compared field of every event.
	TraceHash uint64
}

// WriteTo prints the run: its fault plan, then its history, then its
// verdict.
func (r *Result) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "seed %d: %d operations in %v of world time\n", r.Seed, len(r.History), r.SimTime)
	for _, p := range r.Plan {
		fmt.Fprintln(&b, "nemesis", p)
	}
	WriteHistory(&b, r.History)
	if r.Err != nil {
		fmt.Fprintf(&b, "verdict: %v\n", r.Err)
	} else {
		fmt.Fprintln(&b, "verdict: linearizable")
	}
	return b.WriteTo(w)
}

// Run runs the scenario to its end and checks its history.
func (s Scenario) Run() *Result {
	if s.Clients == 0 {
		s.Clients = 4
	}
	if s.Duration == 0 {
		s.Duration = 10 * time.Second
	}
	res := &Result{Seed: s.Seed}
	if s.Clients < 0 || s.Duration < 0 {
		res.Err = fmt.Errorf("kv: Scenario with %d clients for %v", s.Clients, s.Duration)
		return res
	}
	tr := s.Trace
	if tr != nil {
		tr.Host = sim.HostName
	}
	hub := green.New(green.Options{
		Clock:           green.NewVirtualClock(time.Time{}),
		Schedule:        green.Schedule{Policy: green.Random, Seed: s.Seed},
		Trace:           tr,
		Name:            "kv",
		MaxBlockingTime: -1,
		HandoffAfter:    -1,
	})
	w := sim.New(sim.Config{Seed: s.Seed, Hub: hub, Trace: tr,
		Link: sim.Link{Latency: time.Millisecond, Jitter: 2 * time.Millisecond}})
	defer w.Close()
	defer hub.Close() // first: nothing is left to kill, but if something is, it unwinds in a live world
	r := &run{s: s, w: w, tr: tr, res: res}
	if s.Registry {
		restore, err := install(w)
		if err != nil {
			res.Err = err
			return res
		}
		defer restore()
	}
	err := hub.Run(r.main)
	if err == nil {
		err = Check(res.History)
	}
	res.Err = err
	h := fnv.New64a()
	res.WriteTo(h)
	res.Hash = h.Sum64()
	if tr != nil {
		res.TraceHash = tr.Hash()
	}
	return res
}
