package green_test

import (
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestHub_Stats(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var ev green.Event
		for i := 0; i < 3; i++ {
			h.Spawn(func() error { return ev.Wait() })
		}
		h.Spawn(func() error { green.Sleep(time.Hour); return nil })
		s := h.Stats()
		if s.Runnable != 4 || s.Parked != 0 {
			t.Errorf("before they start: %+v", s)
		}
		green.Yield()
		s = h.Stats()
		if s.Parked != 4 || s.Timers != 1 || s.Live != 5 || s.Workers < 5 || s.Switches == 0 || s.Spawned < 5 {
			t.Errorf("parked: %+v", s)
		}
		ev.Set()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHub_MaxStacksBoundsVirtualMemory(t *testing.T) {
	tests := []struct {
		maxStacks int
		lastStart time.Duration
		peak      int
	}{
		{-1, 0, 40},              // no limit: all start at once
		{10, 4 * time.Second, 9}, // main holds one of the ten stacks: nine sleepers a second
	}
	for _, tt := range tests {
		h := newHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxStacks: tt.maxStacks})
		var last time.Duration
		peak := 0
		err := run(t, h, func() error {
			start := h.Now()
			live := 0
			var gs []*green.Greenlet
			for i := 0; i < 40; i++ {
				gs = append(gs, h.Spawn(func() error {
					live++
					peak = max(peak, live)
					last = max(last, h.Now().Sub(start))
					green.Sleep(time.Second)
					live--
					return nil
				}))
			}
			_, err := green.JoinAll(gs, green.JoinOptions{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if last != tt.lastStart || peak != tt.peak {
			t.Errorf("MaxStacks %d: last start at %v, peak %d live; want %v, %d", tt.maxStacks, last, peak, tt.lastStart, tt.peak)
		}
	}
}

func TestHub_IndependentHubsRunInParallel(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := green.New(green.Options{MaxBlockingTime: -1})
			defer h.Close()
			h.Run(func() error {
				var gs []*green.Greenlet
				for j := 0; j < 10; j++ {
					gs = append(gs, green.Spawn(func() error {
						for k := 0; k < 100; k++ {
							results[i]++ // no lock: one hub, one greenlet at a time
							green.Yield()
						}
						return nil
					}))
				}
				_, err := green.JoinAll(gs, green.JoinOptions{})
				return err
			})
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("hubs did not finish")
	}
	for i, n := range results {
		if n != 1000 {
			t.Errorf("hub %d counted %d", i, n)
		}
	}
}
