package simdns_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

func TestResolver_Conformance(t *testing.T) {
	slow := func(t *testing.T, d time.Duration) *simdns.Zone {
		z := exampleZone(t)
		require.NoError(t, z.SetDefaultFault(simdns.Fault{Delay: d}))
		return z
	}
	cases := []struct {
		name string
		r    func(t *testing.T) *simdns.Resolver
	}{
		{"Zero", func(*testing.T) *simdns.Resolver { return &simdns.Resolver{} }},
		{"Zone", func(t *testing.T) *simdns.Resolver {
			return &simdns.Resolver{Zone: exampleZone(t), Server: "10.0.0.53:53"}
		}},
		// Every answer is a second late, through a Wait that returns
		// at once.
		{"SlowFakeWait", func(t *testing.T) *simdns.Resolver {
			return &simdns.Resolver{Zone: slow(t, time.Second), Wait: new(waits).Wait}
		}},
		// Every answer is a millisecond late, on real timers.
		{"SlowTimers", func(t *testing.T) *simdns.Resolver {
			return &simdns.Resolver{Zone: slow(t, time.Millisecond)}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { ifacetest.TestDNS(t, c.r(t)) })
	}
}
