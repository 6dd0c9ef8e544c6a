package green_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestMonitor_ReportsBlockingGreenlet(t *testing.T) {
	var mu sync.Mutex
	var reports []green.Blocked
	h := newHub(t, green.Options{
		MaxBlockingTime: 20 * time.Millisecond,
		OnBlocked: func(b green.Blocked) {
			mu.Lock()
			reports = append(reports, b)
			mu.Unlock()
		},
	})
	err := run(t, h, func() error {
		g := h.Spawn(func() error {
			time.Sleep(150 * time.Millisecond) // native: holds the hub
			return nil
		}).SetName("sleepy")
		return g.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var sleepy []green.Blocked
	for _, b := range reports {
		if b.Name == "sleepy" {
			sleepy = append(sleepy, b)
		}
	}
	if len(sleepy) != 1 {
		t.Fatalf("%d reports on the sleepy greenlet, want one per stretch of blocking", len(sleepy))
	}
	b := sleepy[0]
	if b.Greenlet == nil || b.For < 20*time.Millisecond || !strings.Contains(b.Stack, "time.Sleep") ||
		!strings.Contains(b.Stack, "monitor_test.go") || !strings.Contains(b.String(), "appears to be blocked") {
		t.Errorf("report %+v", b)
	}
	if n := h.Stats().Blocked; n != uint64(len(reports)) {
		t.Errorf("Stats.Blocked = %d, want %d", n, len(reports))
	}
}

func TestMonitor_QuietForCooperativeGreenlets(t *testing.T) {
	var mu sync.Mutex
	n := 0
	h := newHub(t, green.Options{
		MaxBlockingTime: 60 * time.Millisecond, // well above scheduling hiccups of a loaded machine
		OnBlocked:       func(green.Blocked) { mu.Lock(); n++; mu.Unlock() },
	})
	err := run(t, h, func() error {
		// Busy but yielding, and idle sleeping: neither blocks the hub.
		deadline := time.Now().Add(100 * time.Millisecond)
		for time.Now().Before(deadline) {
			green.Yield()
		}
		green.Sleep(150 * time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if n != 0 {
		t.Errorf("%d reports for a cooperative greenlet", n)
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
			var mu sync.Mutex
			n := 0
			h := green.New(green.Options{OnBlocked: func(green.Blocked) { mu.Lock(); n++; mu.Unlock() }})
			defer h.Close()
			err := run(t, h, func() error { time.Sleep(80 * time.Millisecond); return nil })
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if (n > 0) != tt.reports {
				t.Errorf("%d reports", n)
			}
		})
	}
}
