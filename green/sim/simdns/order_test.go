package simdns_test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

// orderZone is a zone where every random choice has several outcomes.
func orderZone(t *testing.T) *simdns.Zone {
	z := simdns.NewZone()
	require.NoError(t, z.AddHost("rr.example", addr("10.0.0.1"), addr("10.0.0.2"), addr("10.0.0.3")))
	require.NoError(t, z.Add("example",
		simdns.MX{Host: "b.example", Pref: 10}, simdns.MX{Host: "a.example", Pref: 10}, simdns.MX{Host: "z.example", Pref: 5}))
	require.NoError(t, z.Add("_x._tcp.example",
		simdns.SRV{Target: "low.example", Priority: 1, Weight: 10},
		simdns.SRV{Target: "high.example", Priority: 1, Weight: 90},
		simdns.SRV{Target: "zero.example", Priority: 1, Weight: 0},
		simdns.SRV{Target: "backup.example", Priority: 2, Weight: 0},
	))
	return z
}

// orders returns what n rounds of lookups of orderZone answer, one line a
// round.
func orders(t *testing.T, r *simdns.Resolver, n int) []string {
	ctx := testContext(t)
	var out []string
	for range n {
		addrs, err := r.LookupHost(ctx, "rr.example")
		require.NoError(t, err)
		mxs, err := r.LookupMX(ctx, "example")
		require.NoError(t, err)
		_, srvs, err := r.LookupSRV(ctx, "x", "tcp", "example")
		require.NoError(t, err)
		var mx, srv []string
		for _, m := range mxs {
			mx = append(mx, fmt.Sprintf("%d %s", m.Pref, m.Host))
		}
		for _, s := range srvs {
			srv = append(srv, fmt.Sprintf("%d %s", s.Priority, s.Target))
		}
		out = append(out, fmt.Sprint(addrs, mx, srv))
	}
	return out
}

func TestResolver_OrderWithoutRand(t *testing.T) {
	r := &simdns.Resolver{Zone: orderZone(t)}
	want := "[10.0.0.1 10.0.0.2 10.0.0.3] [5 z.example. 10 b.example. 10 a.example.] " +
		"[1 high.example. 1 low.example. 1 zero.example. 2 backup.example.]"
	for _, got := range orders(t, r, 3) {
		assert.Equal(t, want, got)
	}
}

func TestResolver_OrderSeeded(t *testing.T) {
	const rounds = 200
	run := func(seed uint64) []string {
		return orders(t, &simdns.Resolver{Zone: orderZone(t), Rand: rand.NewPCG(seed, 1)}, rounds)
	}
	first := run(1)
	assert.Equal(t, first, run(1), "same seed, same choices")
	assert.NotEqual(t, first, run(2), "another seed, other choices")

	// Count the outcomes of each choice.
	addrOrders := map[string]int{}
	mxOrders := map[string]int{}
	srvFirst := map[string]int{}
	r := &simdns.Resolver{Zone: orderZone(t), Rand: rand.NewPCG(3, 1)}
	ctx := testContext(t)
	for range rounds {
		addrs, err := r.LookupHost(ctx, "rr.example")
		require.NoError(t, err)
		addrOrders[fmt.Sprint(addrs)]++
		mxs, err := r.LookupMX(ctx, "example")
		require.NoError(t, err)
		require.Equal(t, "z.example.", mxs[0].Host, "lowest preference first")
		mxOrders[mxs[1].Host]++
		_, srvs, err := r.LookupSRV(ctx, "x", "tcp", "example")
		require.NoError(t, err)
		require.Len(t, srvs, 4)
		for i, s := range srvs {
			require.Equal(t, []uint16{1, 1, 1, 2}[i], s.Priority, "by priority: %v", srvs)
		}
		require.Equal(t, "zero.example.", srvs[2].Target, "weight 0 comes last in its priority")
		srvFirst[srvs[0].Target]++
	}
	assert.Len(t, addrOrders, 6, "every order of three addresses: %v", addrOrders)
	assert.Len(t, mxOrders, 2, "both orders of equal preferences: %v", mxOrders)
	assert.Greater(t, srvFirst["high.example."], srvFirst["low.example."], "weight 90 first more often than weight 10: %v", srvFirst)
	assert.Positive(t, srvFirst["low.example."], "weight 10 first sometimes: %v", srvFirst)
}

// TestResolver_SRVWeightless checks records of equal priority and no
// weight: package net leaves them in their order, by weight.
func TestResolver_SRVWeightless(t *testing.T) {
	z := simdns.NewZone()
	require.NoError(t, z.Add("_x._udp.example", simdns.SRV{Target: "a.example"}, simdns.SRV{Target: "b.example"}))
	r := &simdns.Resolver{Zone: z, Rand: rand.NewPCG(1, 1)}
	_, srvs, err := r.LookupSRV(testContext(t), "x", "udp", "example")
	require.NoError(t, err)
	assert.Equal(t, []*net.SRV{{Target: "a.example."}, {Target: "b.example."}}, srvs)
}
