package green_test

import (
	"testing"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkLockUncontended: Lock and Unlock by one greenlet; ns/op per pair.
func BenchmarkLockUncontended(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	b.ReportAllocs()
	h.Run(func() error {
		var l green.Lock
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			l.Lock()
			l.Unlock()
		}
		b.StopTimer()
		return nil
	})
}

// BenchmarkLockHandoff: two greenlets that each hold the lock across a
// Yield, so that every Lock waits and every Unlock hands the lock over;
// ns/op per handoff.
func BenchmarkLockHandoff(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	n := b.N
	b.ReportAllocs()
	h.Run(func() error {
		var l green.Lock
		worker := func(k int) func() error {
			return func() error {
				for i := 0; i < k; i++ {
					l.Lock()
					green.Yield()
					l.Unlock()
				}
				return nil
			}
		}
		b.ResetTimer()
		other := h.Spawn(worker(n / 2))
		worker(n - n/2)()
		other.Join()
		b.StopTimer()
		return nil
	})
}

// BenchmarkQueuePutGet: Put then Get on an unbounded Queue by one greenlet
// (no wait); ns/op per pair.
func BenchmarkQueuePutGet(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	b.ReportAllocs()
	h.Run(func() error {
		var q green.Queue[int]
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			q.Put(i)
			q.Get()
		}
		b.StopTimer()
		return nil
	})
}
