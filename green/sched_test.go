package green_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestYield_EveryOtherRunnableRunsFirst(t *testing.T) {
	h := virtualHub(t)
	var log []string
	err := run(t, h, func() error {
		var gs []*green.Greenlet
		for _, name := range []string{"a", "b", "c"} {
			gs = append(gs, h.Spawn(func() error {
				for i := 1; i <= 3; i++ {
					log = append(log, fmt.Sprint(name, i))
					green.Yield()
				}
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(log, " "), "a1 b1 c1 a2 b2 c2 a3 b3 c3"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

// Yield from an outside goroutine is runtime.Gosched: it does not wait for
// the hub, even while a greenlet holds it.
func TestYield_OutsideDoesNotWaitForHub(t *testing.T) {
	h := newHub(t, green.Options{})
	running, release := make(chan struct{}), make(chan struct{})
	h.Spawn(func() error {
		close(running)
		<-release // holds the hub: a native wait
		return nil
	})
	defer close(release)
	select {
	case <-running:
	case <-time.After(5 * time.Second):
		t.Fatal("greenlet did not start within 5s")
	}
	done := make(chan struct{})
	go func() { h.Yield(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("outside Yield waited for the hub")
	}
}

func TestSleep_VirtualClockJumps(t *testing.T) {
	h := virtualHub(t)
	var log []string
	err := run(t, h, func() error {
		start := h.Now()
		var gs []*green.Greenlet
		for _, d := range []time.Duration{3 * time.Hour, time.Hour, 2 * time.Hour, time.Hour} {
			gs = append(gs, h.Spawn(func() error {
				green.Sleep(d)
				log = append(log, fmt.Sprintf("%v@%v", d, h.Now().Sub(start)))
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Ties fire in arming order.
	if got, want := strings.Join(log, " "), "1h0m0s@1h0m0s 1h0m0s@1h0m0s 2h0m0s@2h0m0s 3h0m0s@3h0m0s"; got != want {
		t.Errorf("wake order %q, want %q", got, want)
	}
}

func TestSleep_RealClock(t *testing.T) {
	h := newHub(t, green.Options{})
	var log []string
	err := run(t, h, func() error {
		sleep := func(d time.Duration) *green.Greenlet {
			return h.Spawn(func() error {
				start := h.Now()
				green.Sleep(d)
				if took := h.Now().Sub(start); took < d {
					t.Errorf("Sleep(%v) woke after %v on the hub's clock", d, took)
				}
				log = append(log, d.String())
				return nil
			})
		}
		a, b := sleep(30*time.Millisecond), sleep(10*time.Millisecond)
		_, err := green.JoinAll([]*green.Greenlet{a, b}, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(log, " "); got != "10ms 30ms" {
		t.Errorf("order %q", got)
	}
}

func TestSleep_FromOutsideUsesHubClock(t *testing.T) {
	h := virtualHub(t)
	before := h.Now()
	h.Sleep(time.Hour)
	if d := h.Now().Sub(before); d != time.Hour {
		t.Errorf("hub clock moved %v, want 1h", d)
	}
}

func TestSpawnLater_StartsAfterDelay(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		start := h.Now()
		var at time.Duration
		g := h.SpawnLater(90*time.Second, func() error { at = h.Now().Sub(start); return nil })
		if err := g.Join(); err != nil {
			return err
		}
		if at != 90*time.Second {
			t.Errorf("started at %v, want 90s", at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// program is a small concurrent program whose output depends on the order
// in which greenlets run and timers fire.
func program(h *green.Hub) string {
	var b strings.Builder
	var q []int
	var ev green.Event
	err := h.Run(func() error {
		var gs []*green.Greenlet
		for i := 0; i < 8; i++ {
			gs = append(gs, h.Spawn(func() error {
				for j := 0; j < 3; j++ {
					green.Sleep(time.Duration((i*7+j*3)%5) * time.Millisecond)
					q = append(q, i)
					if len(q) == 12 {
						ev.Set()
					}
					green.Yield()
				}
				return nil
			}))
		}
		ev.Wait()
		fmt.Fprintf(&b, "half at %v: %v\n", h.Now().Format("15:04:05.000"), q)
		_, err := green.JoinAll(gs, green.JoinOptions{})
		fmt.Fprintf(&b, "all at %v: %v\n", h.Now().Format("15:04:05.000"), q)
		return err
	})
	if err != nil {
		fmt.Fprintln(&b, err)
	}
	return b.String()
}

func TestVirtualClock_Deterministic(t *testing.T) {
	var first string
	for i := 0; i < 5; i++ {
		h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxBlockingTime: -1})
		out := program(h)
		h.Close()
		if i == 0 {
			first = out
			continue
		}
		if out != first {
			t.Fatalf("run %d differs:\n%s\nfirst:\n%s", i, out, first)
		}
	}
	if !strings.Contains(first, "all at 00:00:00.") {
		t.Errorf("unexpected output:\n%s", first)
	}
}

func TestVirtualClock_StartsAtFixedTime(t *testing.T) {
	c := green.NewVirtualClock(time.Time{})
	if got := c.Now(); !got.Equal(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Now = %v", got)
	}
}

func TestVirtualClock_OneHubOnly(t *testing.T) {
	c := green.NewVirtualClock(time.Time{})
	h := newHub(t, green.Options{Clock: c})
	_ = h
	defer func() {
		if p := recover(); p == nil || !strings.HasPrefix(fmt.Sprint(p), "green: ") {
			t.Errorf("recover = %v", p)
		}
	}()
	green.New(green.Options{Clock: c})
}
