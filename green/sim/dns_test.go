package sim_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/green/sim/simdns"
)

// The world's DNS is its zone: hosts' names and addresses go in as they
// are added, a test adds other records and faults, and a dial by name
// meets them, on world time.
func TestDNS_ZoneOfTheWorld(t *testing.T) {
	w, a, b := world(t, sim.Config{})
	z := w.Zone()
	require.NoError(t, z.Add("api.example", simdns.CNAME{Target: "b"}))
	require.NoError(t, z.Add("_http._tcp.api.example", simdns.SRV{Target: "b", Port: 80, Weight: 1}))
	ln := echoServer(t, b, ":80")
	defer ln.Close()

	err := run(t, a, func() error {
		ctx := context.Background()
		got, err := a.DNS().LookupHost(ctx, "b")
		if err != nil || fmt.Sprint(got) != "[10.0.0.2 fd00::2]" && fmt.Sprint(got) != "[fd00::2 10.0.0.2]" {
			return fmt.Errorf("LookupHost(b) = %v, %v", got, err)
		}
		names, err := a.DNS().LookupAddr(ctx, "10.0.0.2")
		if err != nil || fmt.Sprint(names) != "[b.]" {
			return fmt.Errorf("LookupAddr = %v, %v", names, err)
		}
		_, srvs, err := a.DNS().LookupSRV(ctx, "http", "tcp", "api.example")
		if err != nil || len(srvs) != 1 || srvs[0].Target != "b." || srvs[0].Port != 80 {
			return fmt.Errorf("LookupSRV = %v, %v", srvs, err)
		}
		// A dial follows the CNAME.
		c, err := a.Socket().Dial("tcp4", "api.example:80")
		if err != nil {
			return fmt.Errorf("dial through the CNAME: %w", err)
		}
		c.Close()

		// A slow answer delays the dial by exactly its delay, on world time.
		if err := z.SetFault("b", simdns.Fault{Delay: 300 * time.Millisecond}); err != nil {
			return err
		}
		start := w.Now()
		c, err = a.Socket().Dial("tcp4", "b:80")
		if err != nil {
			return fmt.Errorf("dial with a slow answer: %w", err)
		}
		c.Close()
		if d := w.Now().Sub(start); d != 300*time.Millisecond {
			return fmt.Errorf("a 300ms answer took %v of world time", d)
		}

		// NXDOMAIN reaches the dialer as package net's error.
		if err := z.SetFault("b", simdns.Fault{Kind: simdns.NXDomain}); err != nil {
			return err
		}
		_, err = a.Socket().Dial("tcp", "b:80")
		var de *net.DNSError
		if !errors.As(err, &de) || !de.IsNotFound {
			return fmt.Errorf("dial of an NXDOMAIN name: %v", err)
		}

		// A name server that never answers fails the lookup after the
		// resolver's timeout, or the context's deadline if sooner, each
		// in world time.
		if err := z.SetFault("b", simdns.Fault{Kind: simdns.Timeout}); err != nil {
			return err
		}
		start = w.Now()
		tctx, cancel := w.Time().WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, err = a.DNS().LookupHost(tctx, "b")
		if !errors.As(err, &de) || !de.IsTimeout {
			return fmt.Errorf("lookup under a 2s deadline of a silent name server: %v", err)
		}
		if d := w.Now().Sub(start); d != 2*time.Second {
			return fmt.Errorf("the 2s deadline ended the lookup after %v", d)
		}
		start = w.Now()
		_, err = a.DNS().LookupHost(ctx, "b")
		if !errors.As(err, &de) || !de.IsTimeout {
			return fmt.Errorf("lookup of a silent name server: %v", err)
		}
		if d := w.Now().Sub(start); d != simdns.DefaultTimeout {
			return fmt.Errorf("the resolver's timeout came after %v, want %v", d, simdns.DefaultTimeout)
		}
		return z.ClearFault("b")
	})
	require.NoError(t, err)
}

// A host's resolver draws its random choices (the order of a name's
// addresses) from the world's seed: the same seed gives the same order.
func TestDNS_OrderFromTheSeed(t *testing.T) {
	orders := func(seed uint64) string {
		w := sim.New(sim.Config{Seed: seed, Mode: sim.Goroutines})
		defer w.Close()
		a := w.MustAddHost("a")
		var addrs []netip.Addr
		for i := 1; i <= 8; i++ {
			addrs = append(addrs, netip.AddrFrom4([4]byte{10, 1, 0, byte(i)}))
		}
		require.NoError(t, w.Zone().AddHost("pool", addrs...))
		var out string
		for range 5 {
			got, err := a.DNS().LookupHost(context.Background(), "pool")
			require.NoError(t, err)
			out += fmt.Sprint(got)
		}
		return out
	}
	assert.Equal(t, orders(1), orders(1))
	assert.NotEqual(t, orders(1), orders(2))
}

func TestWorld_AddHostNameInTheZone(t *testing.T) {
	w := sim.New(sim.Config{Mode: sim.Goroutines})
	defer w.Close()
	w.MustAddHost("db", "10.0.0.7")
	assert.Equal(t, []simdns.Record{simdns.A{Addr: netip.MustParseAddr("10.0.0.7")}}, w.Zone().Records("db"))
	_, err := w.AddHost("db2", "10.0.0.7")
	require.Error(t, err, "an address taken")
	assert.Empty(t, w.Zone().Records("db2"), "a host refused leaves no record")
}
