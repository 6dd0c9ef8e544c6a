package kv_test

import (
	"math/rand/v2"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/kv"
	"github.com/greenshim/greenshim/green"
)

// loopback runs three replicas and clients on a real-clock hub over the
// green modules and real loopback UDP (real sockets stop a virtual clock,
// so this one is real), for d, and returns the history. kill, if set,
// closes the conn of the replica leading at d/2 (a crash, as far as its
// peers can tell), and loopback returns its index and when (else -1).
func loopback(t *testing.T, clients int, d time.Duration, kill bool) (history []kv.Record, killed int, at time.Duration) {
	t.Helper()
	h := green.New(green.Options{})
	defer h.Close()
	sock, clock := green.Socket{Hub: h}, green.Time{Hub: h}
	killed = -1
	err := h.Run(func() error {
		var pcs []net.PacketConn
		var peers []net.Addr
		for range 3 {
			pc, err := sock.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer pc.Close()
			pcs, peers = append(pcs, pc), append(peers, pc.LocalAddr())
		}
		var servers []*kv.Server
		for i, pc := range pcs {
			s, err := kv.NewServer(pc, kv.Config{ID: i, Peers: peers, Time: clock, Rand: rand.New(rand.NewPCG(1, uint64(i)))})
			if err != nil {
				return err
			}
			servers = append(servers, s)
			green.Spawn(func() error { s.Serve(); return nil })
		}
		start := clock.Now()
		results := make([]*green.Greenlet, clients)
		for i := range clients {
			pc, err := sock.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer pc.Close()
			c, err := kv.NewClient(pc, kv.ClientConfig{ID: i, Servers: peers, Start: start, Time: clock})
			if err != nil {
				return err
			}
			w := &kv.Workload{Until: start.Add(d), Rand: rand.New(rand.NewPCG(2, uint64(i)))}
			results[i] = green.SpawnValue(func() (any, error) { return c.Run(w) })
		}
		if kill {
			clock.Sleep(d / 2)
			for i, s := range servers {
				if s.Status().Leader && killed < 0 {
					pcs[i].Close()
					killed, at = i, clock.Since(start)
				}
			}
			assert.GreaterOrEqual(t, killed, 0, "no replica led at %v", d/2)
		}
		for _, g := range results {
			if err := g.Join(); err != nil {
				return err
			}
			history = append(history, g.Value().([]kv.Record)...)
		}
		return nil
	})
	require.NoError(t, err)
	return history, killed, at
}

func okCount(h []kv.Record) (ok, writes int) {
	for _, r := range h {
		if r.Outcome == kv.OK {
			ok++
			if r.In.Kind != kv.Get {
				writes++
			}
		}
	}
	return ok, writes
}

func TestServer_LoopbackLinearizable(t *testing.T) {
	for _, kill := range []bool{false, true} {
		name := map[bool]string{false: "steady", true: "leader killed"}[kill]
		t.Run(name, func(t *testing.T) {
			h, killed, at := loopback(t, 3, 1500*time.Millisecond, kill)
			ok, writes := okCount(h)
			t.Logf("%d operations, %d answered, %d writes answered", len(h), ok, writes)
			assert.Greater(t, writes, 5, "the replicas answered too few writes")
			require.NoError(t, kv.Check(h))
			if kill { // the others go on: a write after the kill is answered by one of them
				assert.True(t, slices.ContainsFunc(h, func(r kv.Record) bool {
					return r.Call > at && r.Outcome == kv.OK && r.In.Kind != kv.Get && r.Server != killed
				}), "no write answered after n%d was killed at %v", killed+1, at)
			}
		})
	}
}
