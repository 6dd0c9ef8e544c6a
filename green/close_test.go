package green_test

import (
	"errors"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"go.uber.org/goleak"
)

func TestHub_CloseKillsAndLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	h := green.New(green.Options{MaxBlockingTime: time.Second})
	var cleaned []string
	ready := make(chan struct{})
	var ev green.Event
	h.Spawn(func() error {
		defer func() { cleaned = append(cleaned, "sleeper") }()
		green.Sleep(time.Hour)
		return nil
	})
	h.Spawn(func() error {
		defer func() { cleaned = append(cleaned, "waiter") }()
		close(ready)
		return ev.Wait()
	})
	late := h.SpawnLater(time.Hour, func() error { t.Error("SpawnLater ran on a closed hub"); return nil })
	h.ThreadPool().Spawn(func() (any, error) { time.Sleep(10 * time.Millisecond); return nil, nil })
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("waiter did not start within 5s")
	}
	closeHub(t, h)
	if len(cleaned) != 2 {
		t.Errorf("deferred calls that ran: %v", cleaned)
	}
	if !late.Ready() || !late.Killed() {
		t.Error("SpawnLater greenlet not killed")
	}
	if !h.Closed() {
		t.Error("Closed() = false")
	}
	// Operations on a closed hub.
	g := h.Spawn(func() error { t.Error("ran on a closed hub"); return nil })
	if err := g.Join(); !errors.Is(err, green.ErrClosed) {
		t.Errorf("Join of a greenlet spawned on a closed hub = %v", err)
	}
	if err := h.Run(func() error { return nil }); !errors.Is(err, green.ErrClosed) {
		t.Errorf("Run on a closed hub = %v", err)
	}
	if err := ev.Wait(); !errors.Is(err, green.ErrClosed) {
		t.Errorf("Event.Wait on a closed hub = %v", err)
	}
	h.Close() // again: no-op
}

func TestHub_CloseFromGreenletPanics(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		h.Close()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHub_OutsideCallDuringClose(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	var ev green.Event
	g := h.Spawn(func() error { return ev.Wait() })
	errc := make(chan error, 1)
	release := h.Hold()
	defer release()
	go func() { errc <- g.Join() }() // an outside goroutine waiting in the hub
	waitUntil(t, "parked in Join", func() bool { return h.Stats().Parked == 2 })
	closeHub(t, h)
	select {
	case err := <-errc:
		if err != nil && !errors.Is(err, green.ErrClosed) {
			t.Errorf("outside Join = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("outside caller still blocked after Close")
	}
}
