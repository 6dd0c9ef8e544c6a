package kv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/green/sim/simdisk"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// run is one Scenario's state while it runs, all of it in greenlets of
// one hub.
type run struct {
	s     Scenario
	w     *sim.World
	tr    *green.Trace
	res   *Result
	start time.Time

	hosts    []*sim.Host // the replicas'
	peers    []net.Addr
	disks    []*Durable
	servers  []*Server         // nil until a replica's greenlet has made it, and while it is down
	serving  []*green.Greenlet // nil while a replica is down
	seeds    []uint64          // each replica's election-timeout seed
	restarts int               // how many starts so far, for fresh seeds
	errs     []error
}

// main builds the world, runs clients and nemesis until the clients are
// done, and collects the history.
//
//greenshim:sim
func (r *run) main() error {
	r.start = r.w.Now()
	var nemesisSeed uint64
	clientSeeds := make([]uint64, r.s.Clients)
	r.w.Rand(func(g *rand.Rand) {
		nemesisSeed = g.Uint64()
		for i := range clientSeeds {
			clientSeeds[i] = g.Uint64()
		}
		for range 3 {
			r.seeds = append(r.seeds, g.Uint64())
		}
	})
	for i := range 3 {
		h := r.w.MustAddHost(fmt.Sprintf("n%d", i+1))
		if err := h.SetDisk(simdisk.Options{Faults: DiskFaults}); err != nil {
			return err
		}
		r.hosts = append(r.hosts, h)
		r.peers = append(r.peers, &net.UDPAddr{IP: h.Addr().AsSlice(), Port: Port})
	}
	r.servers = make([]*Server, 3)
	for i := range 3 {
		if err := r.hosts[i].Start(r.life(i)); err != nil {
			return err
		}
	}
	until := r.start.Add(r.s.Duration)
	clients := make([]*green.Greenlet, r.s.Clients)
	for i := range clients {
		h := r.w.MustAddHost(fmt.Sprintf("c%d", i+1))
		clients[i] = h.Go(func() error {
			pc, err := r.socket(h).ListenPacket("udp", ":0")
			if err != nil {
				return err
			}
			defer pc.Close()
			c, err := NewClient(pc, ClientConfig{ID: i, Servers: r.peers, Start: r.start, Time: r.clock(), OpTimeout: OpTimeout})
			if err != nil {
				return err
			}
			return r.collect(c.Run(&Workload{Until: until, Rand: rand.New(rand.NewPCG(clientSeeds[i], 0))}))
		})
	}
	nem := green.Spawn(func() error { return r.nemesis(rand.New(rand.NewPCG(nemesisSeed, 1)), until) })
	for _, c := range clients {
		r.errs = append(r.errs, c.Join())
	}
	r.errs = append(r.errs, nem.Join())
	r.res.SimTime = r.w.Now().Sub(r.start)
	// The end: the replicas go down, and what is in flight lands, so that
	// the run ends from inside with nothing left for Close to cut short
	// (not counted in SimTime: nothing happens).
	for i := range 3 {
		_, err := r.crash(i)
		r.errs = append(r.errs, err)
	}
	r.w.Time().Sleep(time.Second)
	sortHistory(r.res.History)
	return errors.Join(r.errs...)
}

// socket is the socket module of host h, as the replicas and clients get
// it: the registry's (the world's, dispatching to the calling greenlet's
// host) with Scenario.Registry, else h's own.
func (r *run) socket(h *sim.Host) iface.Socket {
	if r.s.Registry {
		return registry.Socket()
	}
	return h.Socket()
}

// clock is the time module for the replicas' and clients' configs: nil
// (registry.Time(), the world's) with Scenario.Registry.
func (r *run) clock() iface.Time {
	if r.s.Registry {
		return nil
	}
	return r.w.Time()
}

func (r *run) collect(recs []Record, err error) error {
	r.res.History = append(r.res.History, recs...)
	return err
}

// DataDir is where a replica keeps its write-ahead log on its host's disk.
const DataDir = "/var/lib/kv"

// DiskFaults are the replicas' disks in a Scenario: a write takes 50µs and
// a sync 500µs of world time, so that a crash can come while the log is
// being saved; then half the time the last unsynced write is torn (a
// prefix of its sectors survives), and half the time unsynced directory
// entries survive.
var DiskFaults = simdisk.Faults{
	Latency:     map[simdisk.Op]time.Duration{simdisk.OpWrite: 50 * time.Microsecond, simdisk.OpSync: 500 * time.Microsecond},
	TornWrite:   0.5,
	KeepEntries: 0.5,
}

// life is replica i's main: each boot of its host runs it, on what the
// host's disk kept. It recovers the replica's state from the disk, opens
// its socket, and serves until a crash kills it.
//
//greenshim:sim
func (r *run) life(i int) func(ctx context.Context) error {
	h := r.hosts[i]
	return func(ctx context.Context) (err error) {
		defer func() {
			if err != nil && ctx.Err() == nil {
				r.errs = append(r.errs, fmt.Errorf("replica n%d: %w", i+1, err))
			}
		}()
		st, err := OpenStorage(h.OS(), DataDir)
		if err != nil {
			return err
		}
		defer st.Close()
		pc, err := r.socket(h).ListenPacket("udp", fmt.Sprintf(":%d", Port))
		if err != nil {
			return err
		}
		defer pc.Close()
		srv, err := NewServer(pc, Config{ID: i, Peers: r.peers, Time: r.clock(), Bugs: r.s.Bugs, Storage: st,
			Rand: rand.New(rand.NewPCG(r.seeds[i], uint64(h.Boots()))), Note: func(kind, what string) { r.note(i, kind, what) }})
		if err != nil {
			return err
		}
		r.servers[i] = srv
		return srv.Serve()
	}
}

// crash crashes replica i's host (a power failure: see package sim); its
// disk keeps what its log synced. It returns what the disk lost, if
// anything, as the crash report says it.
func (r *run) crash(i int) (string, error) {
	r.servers[i] = nil
	rep, err := r.hosts[i].Crash()
	if err != nil || rep == nil || len(rep.LostData)+len(rep.Torn)+len(rep.LostEntries)+len(rep.KeptEntries) == 0 {
		return "", err
	}
	return strings.ReplaceAll(strings.TrimSpace(rep.String()), "\n", "; "), nil
}

// note marks the store's moments in the trace. A local read (the planted
// bug) is marked stale when another replica has moved to a later term:
// the reader has been deposed, whether it knows or not.
func (r *run) note(i int, kind, what string) {
	if r.tr == nil {
		return
	}
	mine := r.servers[i].Status().Term
	if kind == "local-read" { // see StaleRead
		for _, s := range r.servers {
			if s != nil && s.Status().Term > mine {
				kind = "stale-read"
			}
		}
	}
	r.tr.Add(green.TraceEvent{At: r.tr.Now(), Kind: green.TraceKind("kv." + kind), Host: r.hosts[i].Name(),
		What: fmt.Sprintf("%s t%d %s", kind, mine, what)})
}

// install makes w's socket and time modules the registry's, and returns
// the function that puts the previous ones back.
func install(w *sim.World) (restore func(), err error) {
	prevTime, _, err := registry.Swap(registry.TimeModule, w.Time())
	if err != nil {
		return nil, fmt.Errorf("kv: installing the world's modules: %w", err)
	}
	prevSock, _, err := registry.Swap(registry.SocketModule, w.Socket())
	if err != nil {
		registry.Swap(registry.TimeModule, prevTime)
		return nil, fmt.Errorf("kv: installing the world's modules: %w", err)
	}
	return func() {
		registry.Swap(registry.SocketModule, prevSock)
		registry.Swap(registry.TimeModule, prevTime)
	}, nil
}
