package simdns_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/simdns"
)

// greenWait is a Wait that parks the calling greenlet on its hub's clock.
// It does not see the context end during the wait: a world's does.
func greenWait(ctx context.Context, d time.Duration) error {
	green.Sleep(d)
	return ctx.Err()
}

// runGreen runs main as the main greenlet of a new hub on a virtual clock,
// bounded by testTimeout of real time.
func runGreen(t *testing.T, main func() error) {
	t.Helper()
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxBlockingTime: -1})
	t.Cleanup(h.Close)
	done := make(chan error, 1)
	go func() { done <- h.Run(main) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(testTimeout):
		t.Fatal("the hub did not end within", testTimeout)
	}
}

// TestResolver_Greenlets looks names up from greenlets on a virtual
// clock, through a Wait that parks them: the delays take their time on the
// hub's clock, at once, and a run is the same on every run.
func TestResolver_Greenlets(t *testing.T) {
	run := func() []string {
		z := orderZone(t)
		require.NoError(t, z.SetFault("rr.example", simdns.Fault{Delay: 250 * time.Millisecond}))
		require.NoError(t, z.SetFault("example", simdns.Fault{Kind: simdns.Timeout}))
		r := &simdns.Resolver{Zone: z, Wait: greenWait, Rand: rand.NewPCG(7, 7)}
		var log []string
		runGreen(t, func() error {
			start := green.Now()
			var gs []*green.Greenlet
			for i := range 3 {
				gs = append(gs, green.Spawn(func() error {
					addrs, err := r.LookupHost(context.Background(), "rr.example")
					log = append(log, fmt.Sprint(i, addrs, err, green.Now().Sub(start)))
					return nil
				}))
			}
			gs = append(gs, green.Spawn(func() error {
				_, err := r.LookupMX(context.Background(), "example")
				var e *net.DNSError
				assert.ErrorAs(t, err, &e)
				assert.True(t, e.IsTimeout, "IsTimeout of %v", err)
				log = append(log, fmt.Sprint("mx ", err, green.Now().Sub(start)))
				return nil
			}))
			_, err := green.JoinAll(gs, green.JoinOptions{})
			return err
		})
		return log
	}
	first := run()
	require.Len(t, first, 4)
	for i, line := range first[:3] {
		assert.Regexp(t, fmt.Sprintf(`^%d \[10\.0\.0\.\d 10\.0\.0\.\d 10\.0\.0\.\d\] <nil> 250ms$`, i), line,
			"slow answers, side by side")
	}
	assert.Equal(t, "mx lookup example: i/o timeout 10s", first[3], "the default timeout, on virtual time")
	assert.Equal(t, first, run(), "same seed, same run")
}
