package simdns_test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

// TestResolver_Concurrent looks names up from several goroutines, through
// one resolver with a source of random choices, while another changes the
// zone and its faults: under -race, the locks are checked; each answer
// must be one the zone could give at some moment.
func TestResolver_Concurrent(t *testing.T) {
	z := orderZone(t)
	r := &simdns.Resolver{Zone: z, Rand: rand.NewPCG(1, 2), Wait: new(waits).Wait}
	ctx := testContext(t)
	const (
		lookers = 4
		rounds  = 300
	)
	var wg sync.WaitGroup
	errs := make(chan error, lookers*rounds)
	for range lookers {
		wg.Go(func() {
			for range rounds {
				addrs, err := r.LookupHost(ctx, "rr.example")
				if err != nil {
					var e *net.DNSError
					if !assert.ErrorAs(t, err, &e) || !(e.IsTemporary || e.IsNotFound) {
						errs <- err
					}
					continue
				}
				if len(addrs) != 3 {
					errs <- fmt.Errorf("LookupHost = %v, want 3 addresses", addrs)
				}
				if _, _, err := r.LookupSRV(ctx, "x", "tcp", "example"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for i := range rounds {
			name := fmt.Sprintf("h%d.example", i)
			_ = z.AddHost(name, addr("10.1.0.1"))
			_ = z.SetFault("rr.example", simdns.Fault{Kind: simdns.ServFail, Times: 1})
			_ = z.SetDefaultFault(simdns.Fault{Delay: 1})
			_ = z.ClearFault("rr.example")
			z.ClearFaults()
			_ = z.Remove(name)
			_, _ = z.Faults()
			_ = z.String()
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
