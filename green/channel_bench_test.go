package green_test

import (
	"testing"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkChannelHandoff: two greenlets ping-ponging through green
// Channels; ns/op is per handoff (one Put taken by one Get). Compare with
// BenchmarkBaselineChanHandoff (bench_test.go): -bench ChanHandoff|ChannelHandoff.
func BenchmarkChannelHandoff(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	ping, pong := green.NewChannel[int](), green.NewChannel[int]()
	n := b.N
	b.ReportAllocs()
	err := h.Run(func() error {
		other := h.Spawn(func() error {
			for {
				v, err := ping.Get()
				if err != nil {
					return err
				}
				if v < 0 {
					return nil
				}
				if err := pong.Put(v); err != nil {
					return err
				}
			}
		})
		// Warm the node lists, then time.
		if err := ping.Put(0); err != nil {
			return err
		}
		if _, err := pong.Get(); err != nil {
			return err
		}
		b.ResetTimer()
		for i := 0; i < n; i += 2 {
			if err := ping.Put(i); err != nil {
				return err
			}
			if _, err := pong.Get(); err != nil {
				return err
			}
		}
		b.StopTimer()
		if err := ping.Put(-1); err != nil {
			return err
		}
		return other.Join()
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkQueueHandoff is BenchmarkChannelHandoff through unbounded Queues.
func BenchmarkQueueHandoff(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	ping, pong := green.NewQueue[int](0), green.NewQueue[int](0)
	n := b.N
	b.ReportAllocs()
	err := h.Run(func() error {
		other := h.Spawn(func() error {
			for {
				v, err := ping.Get()
				if err != nil {
					return err
				}
				if v < 0 {
					return nil
				}
				if err := pong.Put(v); err != nil {
					return err
				}
			}
		})
		b.ResetTimer()
		for i := 0; i < n; i += 2 {
			if err := ping.Put(i); err != nil {
				return err
			}
			if _, err := pong.Get(); err != nil {
				return err
			}
		}
		b.StopTimer()
		if err := ping.Put(-1); err != nil {
			return err
		}
		return other.Join()
	})
	if err != nil {
		b.Fatal(err)
	}
}
