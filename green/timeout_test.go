package green_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestWithTimeout(t *testing.T) {
	h := virtualHub(t)
	tests := []struct {
		name    string
		d       time.Duration
		fn      func() error
		timeout bool
	}{
		{"sleep unwinds", time.Second, func() error { green.Sleep(time.Hour); return nil }, true},
		{"in time", time.Hour, func() error { green.Sleep(time.Second); return nil }, false},
		{"event wait returns it", time.Second, func() error { var e green.Event; return e.Wait() }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t, h, func() error {
				start := h.Now()
				err := green.WithTimeout(tt.d, tt.fn)
				if got := errors.Is(err, green.ErrTimeout); got != tt.timeout {
					t.Errorf("WithTimeout = %v, timeout %v, want %v", err, got, tt.timeout)
				}
				var te *green.TimeoutError
				if tt.timeout && (!errors.As(err, &te) || te.After != tt.d || h.Now().Sub(start) < tt.d) {
					t.Errorf("error %v after %v", err, h.Now().Sub(start))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A busy greenlet that only yields never lets virtual time move (nothing
// is ever blocked), so this one runs on the real clock.
func TestWithTimeout_YieldLoop(t *testing.T) {
	h := newHub(t, green.Options{})
	err := run(t, h, func() error {
		n := 0
		err := green.WithTimeout(20*time.Millisecond, func() error {
			for {
				green.Yield()
				n++
			}
		})
		if !errors.Is(err, green.ErrTimeout) || n == 0 {
			t.Errorf("WithTimeout = %v after %d yields", err, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWithTimeout_Nested(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		// A wait with an error result returns the outer timeout's error
		// through the inner region.
		var inner error
		outer := green.WithTimeout(time.Second, func() error {
			inner = green.WithTimeout(time.Hour, func() error {
				var e green.Event
				return e.Wait()
			})
			return inner
		})
		var te *green.TimeoutError
		if !errors.As(outer, &te) || te.After != time.Second {
			t.Errorf("outer = %v", outer)
		}
		if !errors.As(inner, &te) || te.After != time.Second {
			t.Errorf("inner saw %v, want the outer timeout", inner)
		}
		// One without an error result unwinds past the inner region.
		afterInner := false
		outer = green.WithTimeout(time.Second, func() error {
			green.WithTimeout(time.Hour, func() error {
				green.Sleep(time.Minute)
				return nil
			})
			afterInner = true
			return nil
		})
		if !errors.As(outer, &te) || te.After != time.Second || afterInner {
			t.Errorf("outer = %v, code after the unwound wait ran: %v", outer, afterInner)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWithContext(t *testing.T) {
	h := newHub(t, green.Options{})
	err := run(t, h, func() error {
		ctx, cancel := context.WithCancel(context.Background())
		h.Spawn(func() error { green.Sleep(5 * time.Millisecond); cancel(); return nil })
		err := green.WithContext(ctx, func() error {
			green.Sleep(time.Hour)
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("WithContext = %v, want context.Canceled", err)
		}
		done, stop := context.WithCancel(context.Background())
		stop()
		if err := green.WithContext(done, func() error { return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("already done: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
