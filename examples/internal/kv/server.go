package kv

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// Bugs plants bugs in the replicas, for the checker to find.
type Bugs struct {
	// StaleRead: a leader answers a Get from its own state instead of
	// through the log. A leader cut off by a partition goes on believing
	// it leads, and serves reads that miss the writes the new leader
	// has acknowledged since.
	StaleRead bool
	// NoDedup: replicas forget client sessions, so a write retried after
	// a lost reply is applied twice.
	NoDedup bool
}

// ParseBugs parses the -bug flag: a comma-separated list of stale-read and
// no-dedup, or "" or "none" for none.
func ParseBugs(s string) (Bugs, error) {
	var b Bugs
	if s == "" || s == "none" {
		return b, nil
	}
	for name := range strings.SplitSeq(s, ",") {
		switch name {
		case "stale-read":
			b.StaleRead = true
		case "no-dedup":
			b.NoDedup = true
		default:
			return Bugs{}, fmt.Errorf("-bug %q: unknown bug %q (want stale-read, no-dedup or none)", s, name)
		}
	}
	return b, nil
}

func (b Bugs) String() string {
	var names []string
	if b.StaleRead {
		names = append(names, "stale-read")
	}
	if b.NoDedup {
		names = append(names, "no-dedup")
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// DefaultTick is the replicas' tick when Config.Tick is zero: a leader
// sends a heartbeat every 3 ticks, a follower stands for election after
// 15 to 30 silent ticks.
const DefaultTick = 10 * time.Millisecond

// Config configures one replica.
type Config struct {
	ID    int        // this replica's index in Peers
	Peers []net.Addr // every replica's address, this one's included
	Tick  time.Duration
	// Rand draws election timeouts; nil means a generator seeded with
	// ID. In a simulated world, seed it from the world's seed.
	Rand *rand.Rand
	Bugs Bugs
	// Note, if set, is told of moments worth marking in a picture of the
	// run: "leader" (elected), "stepdown", and "local-read" (the planted
	// bug serving a read, What "key=value"). It must not wait.
	Note func(kind, what string)
	// Time is the clock; nil means registry.Time() at each use.
	Time iface.Time
	// Storage, if set, is the replica's disk: its state is recovered from
	// it and saved to it after every step, before any message the step
	// produced is sent. Else Durable, if set, is its state in memory: a
	// Server restarted on the Durable of one that was stopped rejoins
	// with its term, vote and log. With neither it starts afresh.
	Storage *Storage
	Durable *Durable
}

// Server is one replica serving on a packet conn: Raft's leader election
// and log replication, with every client operation, reads included, going
// through the log (see the package doc).
type Server struct {
	cfg Config
	pc  net.PacketConn
	r   *replica
	buf []byte
}

// NewServer makes the replica cfg describes, to serve on pc (which must be
// the address Peers[ID] names). Bad configuration is an error naming the
// field.
func NewServer(pc net.PacketConn, cfg Config) (*Server, error) {
	switch {
	case pc == nil:
		return nil, errors.New("kv: NewServer of a nil conn")
	case len(cfg.Peers) == 0 || len(cfg.Peers) > 63:
		return nil, fmt.Errorf("kv: Config.Peers has %d replicas (want 1 to 63)", len(cfg.Peers))
	case cfg.ID < 0 || cfg.ID >= len(cfg.Peers):
		return nil, fmt.Errorf("kv: Config.ID %d is not an index of Peers (%d replicas)", cfg.ID, len(cfg.Peers))
	case cfg.Tick < 0:
		return nil, fmt.Errorf("kv: Config.Tick is negative (%v)", cfg.Tick)
	}
	for i, p := range cfg.Peers {
		if p == nil {
			return nil, fmt.Errorf("kv: Config.Peers[%d] is nil", i)
		}
	}
	if cfg.Tick == 0 {
		cfg.Tick = DefaultTick
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(uint64(cfg.ID), 0))
	}
	if cfg.Storage != nil {
		cfg.Durable = cfg.Storage.state
	}
	if cfg.Durable == nil {
		cfg.Durable = new(Durable)
	}
	return &Server{cfg: cfg, pc: pc, r: newReplica(cfg.ID, len(cfg.Peers), cfg.Durable, cfg.Rand, cfg.Bugs, cfg.Note)}, nil
}

func (s *Server) clock() iface.Time {
	if s.cfg.Time != nil {
		return s.cfg.Time
	}
	return registry.Time()
}

// Serve runs the replica until its conn fails (is closed): it returns that
// error.
//
//greenshim:sim
func (s *Server) Serve() error {
	clock := s.clock()
	next := clock.Now().Add(s.cfg.Tick)
	buf := make([]byte, 64<<10)
	for {
		if err := s.pc.SetReadDeadline(next); err != nil {
			return err
		}
		n, addr, err := s.pc.ReadFrom(buf)
		switch {
		case err == nil:
			if m, err := decode(buf[:n]); err == nil {
				s.r.step(m, addr)
			}
		case !errors.Is(err, os.ErrDeadlineExceeded):
			return err
		}
		for now := clock.Now(); !now.Before(next); next = next.Add(s.cfg.Tick) {
			s.r.tick()
		}
		if st := s.cfg.Storage; st != nil {
			if err := st.save(s.r.Durable, s.r.cut); err != nil {
				return err // the disk failed (or the host crashed): stop, as a replica that cannot keep its promises must
			}
			s.r.cut = uint64(len(s.r.log))
		}
		if err := s.flush(); err != nil {
			return err
		}
	}
}

// flush sends what the replica queued. A datagram the network refuses is
// lost, as any other; only a closed conn ends the server.
func (s *Server) flush() error {
	for i := range s.r.out {
		o := &s.r.out[i]
		addr := o.addr
		if o.to >= 0 {
			addr = s.cfg.Peers[o.to]
		}
		s.buf = o.m.encode(s.buf[:0])
		if _, err := s.pc.WriteTo(s.buf, addr); errors.Is(err, net.ErrClosed) {
			return err
		}
		o.m.Entries = nil
	}
	s.r.out = s.r.out[:0]
	return nil
}

// Status is what a replica believes, for a nemesis to aim at.
type Status struct {
	Term   uint64
	Leader bool   // it believes it leads Term
	Commit uint64 // its commit index
}

// Status returns what the replica believes now. Call it from the hub the
// server runs on.
func (s *Server) Status() Status {
	return Status{Term: s.r.term, Leader: s.r.role == leader, Commit: s.r.commit}
}
