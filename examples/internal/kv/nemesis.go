package kv

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/greenshim/greenshim/green/sim"
)

// nemesis breaks the world until until, drawing every choice from rng: it
// cuts the leader off from the other replicas (but not from the clients:
// what a deposed leader does then is what exposes a stale read), cuts a
// replica off with some clients, crashes a replica and restarts it later,
// slows the network down, and heals. At the end it heals everything and
// restarts every replica that is down, so that the clients' last
// operations can finish.
//
//greenshim:sim
func (r *run) nemesis(rng *rand.Rand, until time.Time) error {
	clock := r.w.Time()
	replicas := []string{"n1", "n2", "n3"}
	for {
		clock.Sleep(200*time.Millisecond + time.Duration(rng.Int64N(int64(800*time.Millisecond))))
		if !clock.Now().Before(until) {
			break
		}
		switch p := rng.IntN(10); {
		case p < 3: // isolate the leader from the other replicas
			l := r.leader()
			if l < 0 {
				continue
			}
			others := slices.Delete(slices.Clone(replicas), l, l+1)
			r.w.Partition(replicas[l:l+1], others)
			r.plan("partition %s | %s (the leader, from the other replicas)", replicas[l], others)
		case p < 4: // cut a replica off with some of the clients
			i := rng.IntN(3)
			side := []string{replicas[i]}
			for c := range r.s.Clients {
				if rng.IntN(2) == 0 {
					side = append(side, fmt.Sprintf("c%d", c+1))
				}
			}
			var rest []string
			for _, h := range r.w.Hosts() {
				if !slices.Contains(side, h.Name()) {
					rest = append(rest, h.Name())
				}
			}
			r.w.Partition(side, rest)
			r.plan("partition %s | %s", side, rest)
		case p < 5: // crash a replica, if none is down; it restarts later
			i := rng.IntN(3)
			if !r.allUp() {
				continue
			}
			lost, err := r.crash(i)
			if err != nil {
				return err
			}
			if lost != "" {
				lost = " (the disk: " + lost + ")"
			}
			r.plan("crash %s%s", replicas[i], lost)
		case p < 6: // restart the replicas that are down
			if err := r.restartAll(); err != nil {
				return err
			}
		case p < 7: // a slow, lossy network for a while
			l := sim.Link{Latency: time.Duration(1+rng.IntN(20)) * time.Millisecond,
				Jitter: time.Duration(1+rng.IntN(50)) * time.Millisecond, Loss: float64(rng.IntN(10)) / 100}
			r.w.SetDefaultLink(l)
			r.plan("link %v", l)
		default:
			r.w.HealAll()
			r.w.SetDefaultLink(sim.Link{Latency: time.Millisecond, Jitter: 2 * time.Millisecond})
			r.plan("heal")
		}
	}
	r.w.HealAll()
	r.w.SetDefaultLink(sim.Link{Latency: time.Millisecond, Jitter: 2 * time.Millisecond})
	r.plan("heal (the end)")
	return r.restartAll()
}

func (r *run) allUp() bool {
	for _, h := range r.hosts {
		if !h.Up() {
			return false
		}
	}
	return true
}

// restartAll restarts the replicas' hosts that are down.
func (r *run) restartAll() error {
	for _, h := range r.hosts {
		if !h.Up() {
			if err := h.Restart(); err != nil {
				return err
			}
			r.plan("restart %s", h.Name())
		}
	}
	return nil
}

// leader returns the replica up that believes it leads the latest term,
// or -1.
func (r *run) leader() int {
	l := -1
	var term uint64
	for i, s := range r.servers {
		if s != nil && r.hosts[i].Up() && s.Status().Leader && s.Status().Term >= term {
			l, term = i, s.Status().Term
		}
	}
	return l
}

func (r *run) plan(format string, args ...any) {
	at := r.w.Now().Sub(r.start)
	r.res.Plan = append(r.res.Plan, fmt.Sprintf("%12v ", at)+fmt.Sprintf(format, args...))
}
