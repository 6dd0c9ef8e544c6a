package green_test

import (
	"iter"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkYield: two greenlets alternating Yield; ns/op is per yield.
func BenchmarkYield(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
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
}

// BenchmarkYieldHub is BenchmarkYield through (*Hub).Yield, skipping the
// caller's-hub lookup.
func BenchmarkYieldHub(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	n := b.N
	b.ReportAllocs()
	b.ResetTimer()
	err := h.Run(func() error {
		other := h.Spawn(func() error {
			for i := 0; i < n/2; i++ {
				h.Yield()
			}
			return nil
		})
		for i := 0; i < n-n/2; i++ {
			h.Yield()
		}
		return other.Join()
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSpawnJoin: spawn a greenlet that returns at once and join it;
// ns/op is per greenlet.
func BenchmarkSpawnJoin(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	n := b.N
	b.ReportAllocs()
	b.ResetTimer()
	err := h.Run(func() error {
		for i := 0; i < n; i++ {
			if err := h.Spawn(func() error { return nil }).Join(); err != nil {
				return err
			}
		}
		return nil
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPoolSpawn: spawn a greenlet that returns at once into a Pool
// of 100 (a server's handlers), 1,000 at a time, and join the pool; ns/op
// and allocs/op are per greenlet. Membership is a notifier on the greenlet.
func BenchmarkPoolSpawn(b *testing.B) {
	b.ReportAllocs()
	inGreenlet(b, true, green.Options{}, func() {
		p := green.NewPool(100)
		for i := range b.N {
			p.Spawn(func() error { return nil })
			if i%1000 == 999 || i == b.N-1 {
				if err := p.Join(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkSpawnKillUnstarted: spawn a greenlet and kill it before it
// starts, then yield (a round of the scheduler); ns/op and B/op are per
// greenlet. A killed greenlet leaves the start queue at once, so the queue,
// and the memory it holds, stay empty however many are killed.
func BenchmarkSpawnKillUnstarted(b *testing.B) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	defer h.Close()
	n := b.N
	b.ReportAllocs()
	b.ResetTimer()
	err := h.Run(func() error {
		for i := 0; i < n; i++ {
			h.Spawn(func() error { return nil }).Kill()
			green.Yield()
		}
		return nil
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if r := h.Stats().Runnable; r > 1 {
		b.Fatalf("Stats.Runnable = %d after the run: killed greenlets left queued", r)
	}
}

// Baselines, for comparison in the same run.

// BenchmarkBaselineGosched: two goroutines alternating runtime.Gosched on
// one P (gevent's sleep(0) figure is 1528 ns, this one about 100 ns).
func BenchmarkBaselineGosched(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	n := b.N
	b.ResetTimer()
	var wg sync.WaitGroup
	wg.Add(2)
	for k := 0; k < 2; k++ {
		go func() {
			defer wg.Done()
			for i := 0; i < n/2; i++ {
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
}

// BenchmarkBaselinePullSwitch: one iter.Pull round trip (two coroswitches)
// per op, the floor under a hub-mediated yield.
func BenchmarkBaselinePullSwitch(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for yield(0) {
		}
	})
	defer stop()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next()
	}
}

// BenchmarkBaselineChanHandoff: two goroutines ping-ponging through an
// unbuffered channel; ns/op is per handoff.
func BenchmarkBaselineChanHandoff(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i += 2 {
		ping <- i
		<-pong
	}
	close(ping)
	for range pong {
	}
}

// BenchmarkParkedGreenlet measures the memory of a parked greenlet: b.N
// greenlets sleep at once (virtual clock, no MaxStacks limit), and
// "B/parked" is the growth of heap plus stacks per greenlet while they all
// wait. Run it with -benchtime=100000x.
func BenchmarkParkedGreenlet(b *testing.B) {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxBlockingTime: -1, StartBatch: 1 << 30, MaxStacks: -1})
	defer h.Close()
	n := b.N
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	err := h.Run(func() error {
		gs := make([]*green.Greenlet, n)
		for i := range gs {
			gs[i] = green.Spawn(func() error { green.Sleep(time.Second); return nil })
		}
		green.Yield() // all start and park
		runtime.ReadMemStats(&during)
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if n >= 10000 { // below that, allocator slack dominates: use -benchtime=100000x
		used := (during.HeapInuse + during.StackInuse) - (before.HeapInuse + before.StackInuse)
		b.ReportMetric(float64(used)/float64(n), "B/parked")
	}
}

// BenchmarkBaselineGoSpawnJoin: start a goroutine that returns at once and
// wait for it, the plain-Go counterpart of BenchmarkSpawnJoin.
func BenchmarkBaselineGoSpawnJoin(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
	}
}
