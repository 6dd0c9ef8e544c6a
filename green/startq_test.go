package green_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// A greenlet killed before it starts costs nothing: it leaves the start
// queue at once, so new greenlets and outside calls do not queue behind a
// pile of dead ones. Supervisors spawn and kill a worker in every round,
// 25 times as many as the hub starts per round (StartBatch 4); a probe
// spawned in a round must have run by the next, Stats must count only the
// living, and an outside call must run in the round after it arrives.
func TestHub_KilledBeforeStartCostsNothing(t *testing.T) {
	const supervisors, warmup = 100, 200
	h := newHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{}), StartBatch: 4})
	ev := new(green.Event).Bind(h)
	signal := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(signal) }) }
	defer release() // the outside goroutine ends however the test does
	outside := make(chan struct{})
	go func() {
		defer close(outside)
		<-signal
		ev.Set()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- h.Run(func() error {
			stop, started := false, 0
			var sups []*green.Greenlet
			for range supervisors {
				sups = append(sups, green.Spawn(func() error {
					started++
					for !stop {
						w := green.Spawn(func() error {
							t.Error("a greenlet killed before it started ran")
							return nil
						})
						w.Kill()
						green.Yield()
					}
					return nil
				}))
			}
			defer func() { stop = true; green.JoinAll(sups, green.JoinOptions{}) }()
			for started < supervisors {
				green.Yield() // StartBatch at a time
			}
			base, arrived := 0, -1
			for round := 0; !ev.IsSet(); round++ {
				if ctx.Err() != nil {
					t.Errorf("the outside Event.Set did not run within 30s (round %d)", round)
					return nil
				}
				probe := green.Spawn(func() error { return nil })
				green.Yield()
				if !probe.Ready() {
					t.Errorf("round %d: a greenlet spawned a round ago has not run", round)
					return nil
				}
				s := h.Stats()
				if s.Runnable > s.Live {
					t.Errorf("round %d: Stats.Runnable %d > Live %d: dead greenlets counted", round, s.Runnable, s.Live)
					return nil
				}
				switch {
				case round == warmup:
					base = s.Live
					release()
				case round > warmup && arrived < 0 && s.Live > base:
					arrived = round // the outside call's greenlet is in the hub
				case arrived >= 0 && round-arrived > 2:
					t.Errorf("the outside call arrived in round %d and has not run by round %d", arrived, round)
					return nil
				}
			}
			return nil
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not end within 30s")
	}
	release()
	select {
	case <-outside:
	case <-ctx.Done():
		t.Fatal("the outside Event.Set did not return within 30s")
	}
	s := h.Stats()
	if want := uint64(supervisors * warmup); s.Spawned < want {
		t.Errorf("Spawned %d, want at least %d", s.Spawned, want)
	}
}
