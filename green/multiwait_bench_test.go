package green_test

import (
	"fmt"
	"testing"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkJoinAll joins n greenlets that each yield once before they end,
// so that none has ended at the call: with JoinAll (all of them, or with
// StopOnError, which waits for them one at a time) and one by one with Join.
// ns/op is per batch of n; the three should grow alike with n.
func BenchmarkJoinAll(b *testing.B) {
	joins := []struct {
		name string
		join func(gs []*green.Greenlet) error
	}{
		{"all", func(gs []*green.Greenlet) error {
			_, err := green.JoinAll(gs, green.JoinOptions{})
			return err
		}},
		{"stoponerror", func(gs []*green.Greenlet) error {
			_, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
			return err
		}},
		{"onebyone", func(gs []*green.Greenlet) error {
			for _, g := range gs {
				if err := g.Join(); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, n := range []int{100, 1000, 10000} {
		for _, j := range joins {
			b.Run(fmt.Sprintf("join=%s/n=%d", j.name, n), func(b *testing.B) {
				// No hand-off: b.Loop's timer calls wait on a semaphore.
				h := green.New(green.Options{MaxBlockingTime: -1, HandoffAfter: -1})
				defer h.Close()
				b.ReportAllocs()
				err := h.Run(func() error {
					gs := make([]*green.Greenlet, n)
					for b.Loop() {
						for i := range gs {
							gs[i] = green.Spawn(func() error { green.Yield(); return nil })
						}
						if err := j.join(gs); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}
