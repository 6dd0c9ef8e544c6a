package green_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// A Wake from another greenlet of the hub, from a plain goroutine, and one
// that comes before the Wait all end the wait with nil.
func TestWaiter_WakeFromAnywhere(t *testing.T) {
	cases := []struct {
		name string
		wake func(w *green.Waiter) // called from a greenlet, after the waiter parked
	}{
		{"Greenlet", func(w *green.Waiter) { green.Spawn(func() error { w.Wake(); return nil }) }},
		{"Goroutine", func(w *green.Waiter) { go w.Wake() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHub(t, green.Options{})
			var w green.Waiter
			err := run(t, h, func() error {
				g := green.Spawn(w.Wait)
				green.Yield() // g parks
				c.wake(&w)
				return g.Join()
			})
			require.NoError(t, err)
		})
	}
}

func TestWaiter_WakeBeforeWaitIsRemembered(t *testing.T) {
	h := virtualHub(t)
	var w green.Waiter
	err := run(t, h, func() error {
		assert.False(t, w.Wake(), "Wake with nobody waiting")
		assert.False(t, w.Wake(), "a second Wake counts as the first")
		if err := w.WaitTimeout(time.Hour); err != nil {
			return err
		}
		start := green.Now()
		// The Wake was taken: this wait times out.
		err := w.WaitTimeout(time.Second)
		if !errors.Is(err, green.ErrTimeout) {
			return fmt.Errorf("second wait: %v, want a timeout", err)
		}
		if d := green.Now().Sub(start); d != time.Second {
			return fmt.Errorf("timed out after %v of virtual time, want 1s", d)
		}
		return nil
	})
	require.NoError(t, err)
}

func TestWaiter_ResetForgetsLateWake(t *testing.T) {
	h := virtualHub(t)
	var w green.Waiter
	err := run(t, h, func() error {
		if err := w.WaitTimeout(time.Millisecond); !errors.Is(err, green.ErrTimeout) {
			return fmt.Errorf("first wait: %v", err)
		}
		w.Wake() // late: its wait is over
		w.Reset()
		if err := w.WaitTimeout(time.Millisecond); !errors.Is(err, green.ErrTimeout) {
			return fmt.Errorf("a late Wake ended the wait after Reset: %v", err)
		}
		return nil
	})
	require.NoError(t, err)
}

// Kill, WithTimeout and WithContext end a wait as they end any green wait,
// and a Wake after that is harmless.
func TestWaiter_EndedLikeAnyWait(t *testing.T) {
	h := virtualHub(t)
	var w green.Waiter
	w.What = "sim read"
	err := run(t, h, func() error {
		// Timeout.
		err := green.WithTimeout(time.Second, w.Wait)
		if !errors.Is(err, green.ErrTimeout) {
			return fmt.Errorf("WithTimeout: %v", err)
		}
		w.Wake()
		w.Reset()
		// Context.
		ctx, cancel := context.WithCancel(context.Background())
		green.Spawn(func() error { cancel(); return nil })
		if err := green.WithContext(ctx, w.Wait); !errors.Is(err, context.Canceled) {
			return fmt.Errorf("WithContext: %v", err)
		}
		// Kill: the waiter unwinds, running its deferred calls.
		unwound := false
		g := green.Spawn(func() error {
			defer func() { unwound = true }()
			return w.Wait()
		})
		green.Yield()
		if s := h.Info(); !containsWait(s, "sim read") {
			return fmt.Errorf("Info does not name the wait:\n%v", s)
		}
		g.Kill()
		if !g.Killed() || !unwound {
			return fmt.Errorf("killed %v, unwound %v", g.Killed(), unwound)
		}
		w.Wake() // late
		w.Reset()
		// The Waiter still works.
		g = green.Spawn(w.Wait)
		green.Yield()
		w.Wake()
		return g.Join()
	})
	require.NoError(t, err)
}

func containsWait(info []green.GreenletInfo, what string) bool {
	for _, g := range info {
		if g.WaitsOn == what {
			return true
		}
	}
	return false
}

// A greenlet waiting with nothing to wake it is in a deadlock, reported
// with what it waits on.
func TestWaiter_Deadlock(t *testing.T) {
	h := virtualHub(t)
	var w green.Waiter
	err := run(t, h, w.Wait)
	require.ErrorIs(t, err, green.ErrDeadlock)
	assert.Contains(t, err.Error(), "waiter")
}

func TestWaiter_TwoWaitsPanic(t *testing.T) {
	h := virtualHub(t)
	var w green.Waiter
	err := run(t, h, func() (err error) {
		green.Spawn(w.Wait)
		green.Yield()
		defer func() {
			if p := recover(); p == nil {
				err = errors.New("no panic")
			} else if s := fmt.Sprint(p); s != "green: two waits at once on one Waiter" {
				err = fmt.Errorf("panic %q", s)
			}
			w.Wake()
		}()
		return w.Wait()
	})
	require.NoError(t, err)
	err = run(t, h, func() (err error) {
		g := green.Spawn(w.Wait)
		green.Yield()
		defer func() {
			if p := recover(); p == nil {
				err = errors.New("Reset during a wait: no panic")
			}
			w.Wake()
			g.Join()
		}()
		w.Reset()
		return nil
	})
	require.NoError(t, err)
}

// From a plain goroutine, Wait blocks the goroutine; in a synctest bubble
// that block is durable, so time moves and WaitTimeout returns after
// exactly its timeout.
func TestWaiter_Goroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var w green.Waiter
		start := time.Now()
		err := w.WaitTimeout(3 * time.Second)
		require.ErrorIs(t, err, green.ErrTimeout)
		assert.Equal(t, 3*time.Second, time.Since(start))
		assert.ErrorIs(t, w.WaitTimeout(0), green.ErrTimeout, "zero timeout: expired")

		go func() {
			time.Sleep(time.Second)
			w.Wake()
		}()
		require.NoError(t, w.Wait())
		assert.Equal(t, 4*time.Second, time.Since(start))
		w.Wake()
		assert.NoError(t, w.WaitTimeout(-1), "a remembered Wake beats an expired timeout")
	})
}

// Many wakes from many goroutines racing with timeouts never lose a Wake
// nor wake a later wait (run with -race).
func TestWaiter_RacingWakes(t *testing.T) {
	h := newHub(t, green.Options{})
	err := run(t, h, func() error {
		for i := 0; i < 200; i++ {
			var w green.Waiter
			go w.Wake()
			go w.Wake()
			if err := w.WaitTimeout(time.Duration(i%3) * time.Microsecond); err != nil && !errors.Is(err, green.ErrTimeout) {
				return err
			}
			w.Reset()
		}
		return nil
	})
	require.NoError(t, err)
}

func TestInherited_ChildrenInherit(t *testing.T) {
	h := virtualHub(t)
	var host green.Inherited[string]
	err := run(t, h, func() error {
		if _, ok := host.Lookup(); ok {
			return errors.New("a value before Set")
		}
		host.Set("a")
		child := green.Spawn(func() error {
			grand := green.Spawn(func() error {
				if got := host.Get(); got != "a" {
					return fmt.Errorf("grandchild sees %q", got)
				}
				return nil
			})
			host.Set("b") // the child's own, from now on
			if err := grand.Join(); err != nil {
				return err
			}
			later := green.SpawnLater(time.Second, func() error {
				if got := host.Get(); got != "b" {
					return fmt.Errorf("SpawnLater child sees %q", got)
				}
				return nil
			})
			return later.Join()
		})
		if err := child.Join(); err != nil {
			return err
		}
		if got, _ := host.Of(child); got != "b" {
			return fmt.Errorf("Of(child) = %q", got)
		}
		if got := host.Get(); got != "a" {
			return fmt.Errorf("the parent's value changed to %q", got)
		}
		return nil
	})
	require.NoError(t, err)
	// Spawned from a plain goroutine: nothing inherited.
	g := h.Spawn(func() error { return nil })
	require.NoError(t, g.Join())
	_, ok := host.Of(g)
	assert.False(t, ok)
}

func TestInherited_SeveralValues(t *testing.T) {
	h := virtualHub(t)
	var name green.Inherited[string]
	var n green.Inherited[int]
	err := run(t, h, func() error {
		name.Set("a")
		n.Set(1)
		name.Set("b") // replaces a, keeps n
		child := green.Spawn(func() error {
			if got, ok := n.Lookup(); !ok || got != 1 {
				return fmt.Errorf("child's n = %d, %v", got, ok)
			}
			name.Set("c") // the child's own; n stays inherited
			if got := n.Get(); got != 1 {
				return fmt.Errorf("child's n after its Set of name = %d", got)
			}
			return nil
		})
		if err := child.Join(); err != nil {
			return err
		}
		if got, _ := name.Of(child); got != "c" {
			return fmt.Errorf("Of(child) = %q", got)
		}
		if got, got2 := name.Get(), n.Get(); got != "b" || got2 != 1 {
			return fmt.Errorf("the parent's values changed to %q, %d", got, got2)
		}
		return nil
	})
	require.NoError(t, err)
}

func TestInherited_Misuse(t *testing.T) {
	var l green.Inherited[int]
	assert.PanicsWithValue(t, "green: Inherited used outside a greenlet", func() { l.Get() })
	assert.PanicsWithValue(t, "green: Inherited used outside a greenlet", func() { l.Set(1) })
	assert.PanicsWithValue(t, "green: Greenlet.Inherited.Of called on a nil *Greenlet", func() { l.Of(nil) })
}

func BenchmarkWaiter_WaitWake(b *testing.B) {
	h := newHub(b, green.Options{})
	err := h.Run(func() error {
		var w green.Waiter
		g := green.Spawn(func() error {
			for {
				if err := w.Wait(); err != nil {
					return err
				}
			}
		})
		green.Yield()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			w.Wake()
			green.Yield()
		}
		b.StopTimer()
		g.Kill()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
