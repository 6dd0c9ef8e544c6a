package green_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// chaos runs a random mix of sleeps, yields, events, joins, kills, raw
// switches and timeouts, chosen by seed, and returns its log.
func chaos(t testing.TB, seed uint64) string {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxBlockingTime: -1, StartBatch: 3})
	defer h.Close()
	r := rand.New(rand.NewPCG(seed, seed))
	var log strings.Builder
	events := make([]*green.Event, 4)
	for i := range events {
		events[i] = new(green.Event)
	}
	var gs []*green.Greenlet
	say := func(format string, args ...any) {
		fmt.Fprintf(&log, "%v ", h.Now().Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
		fmt.Fprintf(&log, format+"\n", args...)
	}
	var body func(id, depth int) func() error
	body = func(id, depth int) func() error {
		steps := r.IntN(6) + 1
		ops := make([]int, steps)
		args := make([]int, steps)
		for i := range ops {
			ops[i], args[i] = r.IntN(9), r.IntN(1000)
		}
		return func() error {
			defer say("g%d exits", id)
			for i, op := range ops {
				a := args[i]
				switch op {
				case 0:
					green.Sleep(time.Duration(a) * time.Millisecond)
					say("g%d slept", id)
				case 1:
					green.Yield()
					say("g%d yielded", id)
				case 2:
					events[a%4].Set()
					say("g%d set e%d", id, a%4)
				case 3:
					err := events[a%4].WaitTimeout(time.Duration(a) * time.Millisecond)
					say("g%d waited e%d: %v", id, a%4, errors.Is(err, green.ErrTimeout))
				case 4:
					if depth < 3 {
						child := h.Spawn(body(id*10+i, depth+1))
						gs = append(gs, child)
						err := child.JoinTimeout(time.Duration(a) * time.Millisecond)
						say("g%d joined child: %v", id, err)
					}
				case 5:
					if len(gs) > 0 {
						v := gs[a%len(gs)]
						if v != green.Current() {
							v.KillAsync()
							say("g%d killed one", id)
						}
					}
				case 6:
					err := green.WithTimeout(time.Duration(a%50)*time.Millisecond, func() error {
						green.Sleep(time.Duration(a%70) * time.Millisecond)
						return nil
					})
					say("g%d timed sleep: %v", id, err != nil)
				case 7:
					events[a%4].Clear()
				case 8:
					rg := green.Raw(func(v any) (any, error) {
						green.Sleep(time.Millisecond)
						return v.(int) + 1, nil
					})
					v, err := rg.Switch(a)
					say("g%d raw got %v %v", id, v, err)
				}
			}
			return nil
		}
	}
	err := h.Run(func() error {
		for i := 0; i < 20; i++ {
			gs = append(gs, h.Spawn(body(i, 0)))
		}
		for len(gs) > 0 { // gs grows while we join
			g := gs[0]
			gs = gs[1:]
			g.JoinTimeout(10 * time.Second)
			g.Kill()
		}
		return nil
	})
	if err != nil && !errors.Is(err, green.ErrDeadlock) {
		t.Errorf("seed %d: Run = %v", seed, err)
	}
	fmt.Fprintf(&log, "end %v", err)
	return log.String()
}

func TestHub_ChaosIsDeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		done := make(chan [2]string, 1)
		go func() { done <- [2]string{chaos(t, seed), chaos(t, seed)} }()
		select {
		case got := <-done:
			if strings.Count(got[0], "\n") < 20 {
				t.Fatalf("seed %d: suspiciously short log:\n%s", seed, got[0])
			}
			if got[0] != got[1] {
				t.Fatalf("seed %d: two runs differ:\n%s\n---\n%s", seed, got[0], got[1])
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("seed %d: hung", seed)
		}
	}
}

// Plain goroutines hammer one hub with green operations while its greenlets
// run: every call completes, and the race detector sees no unsynchronized
// access to the hub's state.
func TestHub_ManyOutsideGoroutines(t *testing.T) {
	h := newHub(t, green.Options{})
	release := h.Hold()
	defer release()
	evs := make([]*green.Event, 8)
	for i := range evs {
		evs[i] = new(green.Event).Bind(h)
	}
	counter := 0 // touched only by greenlets of h
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				switch j % 4 {
				case 0:
					g := h.Spawn(func() error { counter++; green.Yield(); return nil })
					if err := g.Join(); err != nil {
						t.Error(err)
					}
				case 1:
					evs[(i+j)%8].Set()
				case 2:
					if err := h.WithTimeout(time.Millisecond, evs[(i+j)%8].Wait); err != nil && !errors.Is(err, green.ErrTimeout) {
						t.Error(err)
					}
				case 3:
					evs[(i+j)%8].Clear()
					h.Stats()
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("outside goroutines did not finish")
	}
	var got int
	h.Spawn(func() error { got = counter; return nil }).Join()
	if got != 16*13 {
		t.Errorf("counter = %d, want %d", got, 16*13)
	}
}
