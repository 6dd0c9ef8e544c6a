package sim_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// The figure: 100 commands that each sleep 100ms, run at once.
// Each op is one round; compare the sub-benchmarks of one run (go test
// -run XXX -bench Procs ./green/sim/):
//
//   - greenlets: mode 1, the world's virtual hub: the sleeps take no wall
//     time, what is left is the cost of the commands.
//   - goroutines: mode 3, real time: about 100ms a round.
func BenchmarkProcs_Sleep100(b *testing.B) {
	const n = 100
	sleep := func(ctx context.Context, p *sim.Proc) int {
		if p.Sleep(100*time.Millisecond) != nil {
			return 1
		}
		return 0
	}
	b.Run("greenlets", func(b *testing.B) {
		w := sim.New(sim.Config{Seed: 1})
		defer w.Close()
		h := w.MustAddHost("a")
		h.HandleCommand("sleep", sleep)
		p := procs(b, h.OS())
		for b.Loop() {
			err := h.Run(func() error {
				gs := make([]*green.Greenlet, n)
				for i := range gs {
					gs[i] = green.Spawn(func() error { return p.Command(context.Background(), "sleep").Run() })
				}
				_, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cmds/s")
	})
	b.Run("goroutines", func(b *testing.B) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		h := w.MustAddHost("a")
		h.HandleCommand("sleep", sleep)
		p := procs(b, h.OS())
		for b.Loop() {
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { errs[i] = p.Command(context.Background(), "sleep").Run() })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cmds/s")
	})
}
