package green_test

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// monitorGuard bounds the tests' waits for monitor reports, in real time:
// below run's five seconds, so that a test missing its reports fails with
// what it saw.
const monitorGuard = 4 * time.Second

// releaseAfter returns a channel closed once release is called or guard has
// passed, whichever comes first, and release itself (idempotent).
func releaseAfter(t *testing.T, guard time.Duration) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(ch) }) }
	timer := time.AfterFunc(guard, release)
	t.Cleanup(func() { timer.Stop(); release() })
	return ch, release
}

func TestMonitor_ReportsBlockingGreenlet(t *testing.T) {
	// The greenlet waits natively (a Go channel, not through the hub)
	// until the monitor has reported that wait three times: the hold lasts
	// as long as the reports take, however loaded the machine.
	const want = 3
	released, release := releaseAfter(t, monitorGuard)
	var mu sync.Mutex
	var reports []green.Blocked
	inWait := 0 // reports of the held greenlet in its wait
	h := newHub(t, green.Options{
		HandoffAfter:    -1, // gevent's behaviour: the hub stays held
		MaxBlockingTime: 20 * time.Millisecond,
		OnBlocked: func(b green.Blocked) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, b)
			if b.Name == "held" && b.Wait != "" {
				if inWait++; inWait == want {
					release()
				}
			}
		},
	})
	err := run(t, h, func() error {
		g := h.Spawn(func() error {
			<-released // native: holds the hub
			return nil
		}).SetName("held")
		return g.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	closeHub(t, h) // no report after this
	mu.Lock()
	defer mu.Unlock()
	var held []green.Blocked
	for _, b := range reports {
		if b.Name == "held" {
			held = append(held, b)
		}
	}
	if inWait < want {
		t.Fatalf("%d reports of the held greenlet in its wait within %v, want %d (at 20ms, then doubling): %v", inWait, monitorGuard, want, held)
	}
	// Reported at 20ms, then again at twice the time held at each report
	// (at least 40ms, 80ms): the report repeats while the hold lasts.
	// Before the greenlet reaches its wait, a machine that stalls its
	// thread for 20ms makes the monitor report it running; after the
	// release, one that stalls it long enough to double the hold again
	// makes it report it running or leaving. Neither is the wait's report.
	first := slices.IndexFunc(held, func(b green.Blocked) bool { return b.Wait != "" })
	for i, b := range held {
		if b.Greenlet == nil || b.For < 20*time.Millisecond<<i || i > 0 && b.For < 2*held[i-1].For {
			t.Errorf("report %d: %+v", i, b)
		}
		if i < first || i >= first+want {
			continue
		}
		if !strings.Contains(b.Stack, "monitor_test.go") || b.Wait != "chan receive" || !strings.Contains(b.String(), "is blocked in chan receive") {
			t.Errorf("report %d: %v", i, b)
		}
	}
	if n := h.Stats().Blocked; n != uint64(len(reports)) {
		t.Errorf("Stats.Blocked = %d, want %d", n, len(reports))
	}
}

func TestMonitor_QuietForCooperativeGreenlets(t *testing.T) {
	const threshold = 60 * time.Millisecond
	const sleep = 150 * time.Millisecond
	var mu sync.Mutex
	var reports []green.Blocked
	h := newHub(t, green.Options{
		MaxBlockingTime: threshold,
		OnBlocked:       func(b green.Blocked) { mu.Lock(); reports = append(reports, b); mu.Unlock() },
	})
	// A loaded machine can stop the thread running the hub for longer than
	// any threshold (stalls of 600ms were measured on a busy 2-core
	// machine), and the monitor rightly sees the hub held then. So the
	// greenlet measures how long it was stopped: the longest span over two
	// of its Yields (a hold the monitor sees lies between two switches,
	// each inside a Yield), and how much its Sleep overran. A report no
	// longer than that is the machine's; any other is the monitor's error.
	var stalled time.Duration
	err := run(t, h, func() error {
		// Busy but yielding, and idle sleeping: neither blocks the hub.
		prev, last := time.Now(), time.Now()
		deadline := last.Add(100 * time.Millisecond)
		for last.Before(deadline) {
			green.Yield()
			now := time.Now()
			stalled = max(stalled, now.Sub(prev))
			prev, last = last, now
		}
		green.Sleep(sleep)
		stalled = max(stalled, time.Since(last)-sleep)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	closeHub(t, h) // no report after this
	mu.Lock()
	defer mu.Unlock()
	for _, b := range reports {
		if b.For > stalled {
			t.Errorf("a report for a cooperative greenlet, held %v, though it never stopped for longer than %v: %v", b.For, stalled, b)
		}
	}
	if len(reports) > 0 {
		t.Logf("%d reports while the machine stopped the greenlet for up to %v", len(reports), stalled)
	}
}

func TestMonitor_EnvironmentSetsThreshold(t *testing.T) {
	tests := []struct {
		env     string
		reports bool
	}{
		{"10ms", true},
		{"0", false},   // disabled
		{"10s", false}, // longer than the block
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(green.MaxBlockingTimeEnv, tt.env)
			released, release := releaseAfter(t, monitorGuard)
			var mu sync.Mutex
			n := 0
			h := green.New(green.Options{HandoffAfter: -1, OnBlocked: func(green.Blocked) {
				mu.Lock()
				n++
				mu.Unlock()
				release()
			}}) // not newHub: it would set MaxBlockingTime
			t.Cleanup(h.Close)
			err := run(t, h, func() error {
				if tt.reports {
					<-released // native: holds the hub until the report
				} else {
					time.Sleep(80 * time.Millisecond) // native: holds the hub
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			closeHub(t, h)
			mu.Lock()
			defer mu.Unlock()
			if (n > 0) != tt.reports {
				t.Errorf("%d reports", n)
			}
		})
	}
}

func TestMonitor_ReportsComputationWithElapsedTime(t *testing.T) {
	// The computation goes on until the monitor has reported it three
	// times: it lasts as long as the reports take, however loaded the
	// machine.
	const want = 3
	var mu sync.Mutex
	var reports []green.Blocked
	var n atomic.Int32
	h := newHub(t, green.Options{
		MaxBlockingTime: 10 * time.Millisecond,
		OnBlocked: func(b green.Blocked) {
			mu.Lock()
			reports = append(reports, b)
			mu.Unlock()
			n.Add(1)
		},
	})
	err := run(t, h, func() error {
		// A computation holds the hub whatever the hand-off: only waits
		// can be handed off.
		guard := time.Now().Add(monitorGuard)
		for n.Load() < want && time.Now().Before(guard) {
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	closeHub(t, h) // no report after this
	mu.Lock()
	defer mu.Unlock()
	if len(reports) < want {
		t.Fatalf("%d reports of a computation with a 10ms threshold within %v, want it repeated %d times", len(reports), monitorGuard, want)
	}
	for i := range reports {
		if i > 0 && reports[i].For < 2*reports[i-1].For {
			t.Errorf("report %d after %v, report %d after %v: want at least twice", i, reports[i].For, i-1, reports[i-1].For)
		}
		if reports[i].Wait != "" || !strings.Contains(reports[i].String(), "appears to be blocked") {
			t.Errorf("report %d: %v", i, reports[i])
		}
	}
	last := reports[len(reports)-1].For
	if sites := h.HeldSites(); len(sites) != 1 || sites[0].Wait != "running" || sites[0].Holds != 1 || sites[0].Held < last {
		t.Errorf("HeldSites = %+v, want the one hold, of at least %v", sites, last)
	}
}
