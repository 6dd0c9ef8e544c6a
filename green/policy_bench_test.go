package green_test

import (
	"testing"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkYieldPolicy is BenchmarkYield under each policy, and under FIFO
// with a Trace: what exploring and tracing cost per switch.
func BenchmarkYieldPolicy(b *testing.B) {
	for _, c := range []struct {
		name  string
		s     green.Schedule
		trace bool
	}{
		{"fifo", green.Schedule{}, false},
		{"random", green.Schedule{Policy: green.Random, Seed: 1}, false},
		{"pct", green.Schedule{Policy: green.PCT, Seed: 1}, false},
		{"fifo-traced", green.Schedule{}, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			opts := green.Options{MaxBlockingTime: -1, Schedule: c.s}
			if c.trace {
				opts.Trace = new(green.Trace)
			}
			h := green.New(opts)
			defer h.Close()
			n := b.N
			b.ReportAllocs()
			b.ResetTimer()
			err := h.Run(func() error {
				other := h.Spawn(func() error {
					for i := 0; i < n/2; i++ {
						green.Yield()
					}
					return nil
				})
				for i := 0; i < n-n/2; i++ {
					green.Yield()
				}
				return other.Join()
			})
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
