package green_test

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestNative_ReleasesHub(t *testing.T) {
	h := newHub(t, green.Options{MaxBlockingTime: 50 * time.Millisecond, OnBlocked: func(b green.Blocked) {
		t.Errorf("monitor reported %s during a native region", b.Name)
	}})
	boom := errors.New("boom")
	err := run(t, h, func() error {
		var ran atomic.Int32
		other := h.Spawn(func() error {
			for i := 0; i < 5; i++ {
				green.Sleep(time.Millisecond)
				ran.Add(1)
			}
			return nil
		})
		// The native region blocks until the other greenlet has run: if
		// it held the hub, that would not happen, and it would give up.
		err := green.Native(func() error {
			for guard := time.Now().Add(4 * time.Second); ran.Load() == 0 && time.Now().Before(guard); {
				time.Sleep(time.Millisecond)
			}
			return boom
		})
		if err != boom {
			t.Errorf("Native = %v", err)
		}
		if ran.Load() == 0 {
			t.Error("no other greenlet ran during the native region (4s)")
		}
		return other.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A native function that calls runtime.Goexit (t.FailNow on its goroutine,
// say) still ends the wait, with an error, and Close does not hang.
func TestNative_GoexitEndsWait(t *testing.T) {
	tests := []struct {
		name string
		call func(h *green.Hub) error
	}{
		{"Native", func(h *green.Hub) error {
			return h.Native(func() error { runtime.Goexit(); return nil })
		}},
		{"ThreadPool.Apply", func(h *green.Hub) error {
			_, err := h.ThreadPool().Apply(func() (any, error) { runtime.Goexit(); return nil, nil })
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := green.New(green.Options{MaxBlockingTime: -1})
			var got error
			err := run(t, h, func() error {
				got = tt.call(h)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !strings.Contains(got.Error(), "Goexit") {
				t.Errorf("error = %v, want one naming runtime.Goexit", got)
			}
			closed := make(chan struct{})
			go func() { h.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("Close did not return within 5s")
			}
		})
	}
}
