package simdns_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

// A world's zone with a host and a service, a resolver on it, and faults
// a test sets and clears while it runs.
func Example() {
	zone := simdns.NewZone()
	_ = zone.AddHost("db.internal", netip.MustParseAddr("10.0.0.2"))
	_ = zone.Add("_pg._tcp.internal", simdns.SRV{Target: "db.internal", Port: 5432, Priority: 10, Weight: 1})

	// This Wait shows the delays asked for and returns at once; a world
	// parks a greenlet on its clock instead, or blocks in a synctest
	// bubble.
	wait := func(ctx context.Context, d time.Duration) error {
		fmt.Println("wait", d)
		return ctx.Err()
	}
	r := &simdns.Resolver{Zone: zone, Wait: wait, Server: "10.0.0.53:53"}
	ctx := context.Background()

	addrs, _ := r.LookupHost(ctx, "DB.internal.")
	fmt.Println(addrs)
	_, srvs, _ := r.LookupSRV(ctx, "pg", "tcp", "internal")
	fmt.Println(srvs[0].Target, srvs[0].Port)
	names, _ := r.LookupAddr(ctx, "10.0.0.2")
	fmt.Println(names)

	_ = zone.SetFault("db.internal", simdns.Fault{Kind: simdns.ServFail, Delay: 2 * time.Second, Times: 1})
	_, err := r.LookupHost(ctx, "db.internal")
	fmt.Println(err)
	addrs, _ = r.LookupHost(ctx, "db.internal")
	fmt.Println(addrs)

	_ = zone.SetDefaultFault(simdns.Fault{Kind: simdns.Timeout})
	_, err = r.LookupHost(ctx, "cache.internal")
	var dnsErr *net.DNSError
	fmt.Println(err, errors.As(err, &dnsErr) && dnsErr.IsTimeout)
	zone.ClearFaults()
	_, err = r.LookupHost(ctx, "cache.internal")
	fmt.Println(err, errors.As(err, &dnsErr) && dnsErr.IsNotFound)

	// Output:
	// [10.0.0.2]
	// db.internal. 5432
	// [db.internal.]
	// wait 2s
	// lookup db.internal on 10.0.0.53:53: server misbehaving
	// [10.0.0.2]
	// wait 10s
	// lookup cache.internal on 10.0.0.53:53: i/o timeout true
	// lookup cache.internal on 10.0.0.53:53: no such host true
}
