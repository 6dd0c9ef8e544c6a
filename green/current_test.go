package green_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// A plain goroutine is never taken for a greenlet of a hub, even when it
// reuses the runtime's record of a goroutine that ran one: once Close has
// stopped the hub's coroutines, new goroutines get their records back.
func TestHub_PlainGoroutineIsNoGreenletAfterClose(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	err := run(t, h, func() error {
		var gs []*green.Greenlet
		for range 100 {
			gs = append(gs, green.Spawn(func() error { green.Yield(); return nil }))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	closeHub(t, h)
	// Goroutines alive at once, so that they draw many records from the
	// runtime's free lists, the stopped coroutines' among them.
	const n = 5000
	start := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		go func() {
			<-start
			errs <- func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("panic: %v", p)
					}
				}()
				return h.Run(func() error { return nil })
			}()
		}()
	}
	close(start)
	for range n {
		select {
		case err := <-errs:
			if !errors.Is(err, green.ErrClosed) {
				t.Fatalf("Run from a plain goroutine on a closed hub = %v, want ErrClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run on a closed hub did not return within 5s")
		}
	}
}
