package green_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// timeClocks are the two kinds of hub the time module runs on, each with the
// way a greenlet receives from the module's channels there.
var timeClocks = []struct {
	name string
	opts func() green.Options
	recv func(<-chan time.Time) (time.Time, bool, error)
}{
	{"Real", func() green.Options { return green.Options{} }, green.Recv[time.Time]},
	{"Virtual", func() green.Options { return green.Options{Clock: green.NewVirtualClock(vtime0)} }, green.Recv[time.Time]},
}

func TestTime_Conformance(t *testing.T) {
	for _, c := range timeClocks {
		t.Run(c.name, func(t *testing.T) {
			ifacetest.TestTime(t, green.Time{Hub: newHub(t, c.opts())})
		})
	}
}

// Two greenlets sleeping on the time module take turns, each parking only
// itself; on virtual time the order and the times are exact, and timers due
// at the same time fire in the order they were armed (b's at 30ms, a's at
// 40ms).
func TestTime_SleepInterleaves(t *testing.T) {
	h := virtualHub(t)
	tm := green.Time{Hub: h}
	var log []string
	sleeper := func(name string, d time.Duration) func() error {
		return func() error {
			for range 3 {
				tm.Sleep(d)
				log = append(log, fmt.Sprintf("%s@%v", name, tm.Since(vtime0)))
			}
			return nil
		}
	}
	err := run(t, h, func() error {
		a := green.Spawn(sleeper("a", 20*time.Millisecond))
		b := green.Spawn(sleeper("b", 30*time.Millisecond))
		_, err := green.JoinAll([]*green.Greenlet{a, b}, green.JoinOptions{})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"a@20ms", "b@30ms", "a@40ms", "b@60ms", "a@60ms", "b@90ms"}, log)
}

// An hour of sleep on virtual time takes no wall time (run bounds it to a
// few seconds), from a greenlet and from a plain goroutine.
func TestTime_VirtualSleepHour(t *testing.T) {
	t.Run("Greenlet", func(t *testing.T) {
		h := virtualHub(t)
		tm := green.Time{Hub: h}
		var slept time.Duration
		require.NoError(t, run(t, h, func() error {
			start := tm.Now()
			tm.Sleep(time.Hour)
			slept = tm.Since(start)
			return nil
		}))
		assert.Equal(t, time.Hour, slept)
	})
	t.Run("Goroutine", func(t *testing.T) {
		h := virtualHub(t)
		tm := green.Time{Hub: h}
		start := tm.Now()
		done := make(chan struct{})
		go func() {
			defer close(done)
			tm.Sleep(time.Hour)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Sleep(1h) on virtual time did not return within 5s")
		}
		assert.GreaterOrEqual(t, tm.Since(start), time.Hour)
	})
}

// A zero Time uses the hub of the calling greenlet, not the default hub.
func TestTime_ZeroUsesCallersHub(t *testing.T) {
	h := virtualHub(t)
	var tm green.Time
	var now time.Time
	require.NoError(t, run(t, h, func() error {
		tm.Sleep(time.Hour)
		now = tm.Now()
		return nil
	}))
	assert.Equal(t, vtime0.Add(time.Hour), now)
}

// AfterFunc's f runs in a greenlet of the hub, on both timeClocks.
func TestTime_AfterFuncRunsInGreenlet(t *testing.T) {
	for _, c := range timeClocks {
		t.Run(c.name, func(t *testing.T) {
			h := newHub(t, c.opts())
			tm := green.Time{Hub: h}
			onHub := make(chan bool, 1)
			tm.AfterFunc(time.Millisecond, func() {
				g := green.Current()
				onHub <- g != nil && g.Hub() == h
			})
			select {
			case ok := <-onHub:
				assert.True(t, ok, "f ran outside a greenlet of the hub")
			case <-time.After(5 * time.Second):
				t.Fatal("AfterFunc's f did not run within 5s")
			}
		})
	}
}

// A greenlet receives from the module's channels with green.Recv (see
// timeClocks); it parks
// only itself, so another greenlet runs meanwhile. On virtual time the hub
// hands it the value at exactly the time the timer fell due.
func TestTime_RecvFromGreenlet(t *testing.T) {
	const d = 30 * time.Millisecond
	for _, c := range timeClocks {
		t.Run(c.name, func(t *testing.T) {
			h := newHub(t, c.opts())
			tm := green.Time{Hub: h}
			err := run(t, h, func() error {
				ran := false
				green.Spawn(func() error { ran = true; return nil })
				start := tm.Now()
				v, ok, err := c.recv(tm.After(d))
				if err != nil || !ok {
					return fmt.Errorf("Recv(After): ok %v, err %v", ok, err)
				}
				assert.True(t, ran, "the other greenlet ran while Recv waited")
				assert.False(t, v.Before(start.Add(d)), "value %v before start %v + d", v, start)

				ticker := tm.NewTicker(d)
				defer ticker.Stop()
				first, _, err1 := c.recv(ticker.C())
				second, _, err2 := c.recv(ticker.C())
				if err := errors.Join(err1, err2); err != nil {
					return err
				}
				assert.True(t, second.After(first), "second tick %v after first %v", second, first)
				if c.name == "Virtual" {
					assert.Equal(t, start.Add(d), v, "After's value on virtual time")
					assert.Equal(t, d, second.Sub(first), "ticker period on virtual time")
				}
				return nil
			})
			require.NoError(t, err)
		})
	}
}

// A Timeout bounds a Recv on a timer channel like any green wait.
func TestTime_RecvTimeout(t *testing.T) {
	h := virtualHub(t)
	tm := green.Time{Hub: h}
	err := run(t, h, func() error {
		timer := tm.NewTimer(time.Hour)
		err := green.WithTimeout(time.Minute, func() error {
			_, _, err := green.Recv(timer.C())
			return err
		})
		assert.ErrorIs(t, err, green.ErrTimeout)
		assert.True(t, timer.Stop(), "Stop of the timer the Recv gave up on")
		return nil
	})
	require.NoError(t, err)
}

// On a real-clock hub, a plain receive from a timer channel in a greenlet
// holds the hub (natively) but still returns: the runtime fires the timer.
func TestTime_NativeReceiveRealClock(t *testing.T) {
	h := newHub(t, green.Options{})
	tm := green.Time{Hub: h}
	require.NoError(t, run(t, h, func() error {
		<-tm.After(time.Millisecond)
		return nil
	}))
}

// Timers driven from a greenlet on virtual time keep the Go 1.23 results of
// Stop and Reset, deterministically.
func TestTime_TimerStopResetInGreenlet(t *testing.T) {
	const d = 10 * time.Millisecond
	received := func(c <-chan time.Time) bool {
		select {
		case <-c:
			return true
		default:
			return false
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T, tm green.Time)
	}{
		{"StopActive", func(t *testing.T, tm green.Time) {
			timer := tm.NewTimer(d)
			assert.True(t, timer.Stop())
			tm.Sleep(2 * d)
			assert.False(t, received(timer.C()))
		}},
		{"StopExpired", func(t *testing.T, tm green.Time) {
			timer := tm.NewTimer(d)
			tm.Sleep(2 * d)
			assert.True(t, timer.Stop(), "Stop of an expired, unreceived timer")
			assert.False(t, received(timer.C()))
			assert.False(t, timer.Stop())
		}},
		{"StopFired", func(t *testing.T, tm green.Time) {
			timer := tm.NewTimer(d)
			tm.Sleep(2 * d)
			assert.True(t, received(timer.C()))
			assert.False(t, timer.Stop())
		}},
		{"ResetExpired", func(t *testing.T, tm green.Time) {
			timer := tm.NewTimer(d)
			tm.Sleep(2 * d)
			assert.True(t, timer.Reset(3*d))
			tm.Sleep(2 * d)
			assert.False(t, received(timer.C()), "value before the reset time")
			tm.Sleep(2 * d)
			assert.True(t, received(timer.C()), "value after the reset time")
		}},
		{"TickerDropsUntaken", func(t *testing.T, tm green.Time) {
			ticker := tm.NewTicker(d)
			tm.Sleep(5*d + d/2)
			assert.Len(t, ticker.C(), 1, "ticks buffered")
			ticker.Stop()
			assert.False(t, received(ticker.C()), "tick after Stop")
		}},
		{"AfterFuncStop", func(t *testing.T, tm green.Time) {
			ran := false
			timer := tm.AfterFunc(d, func() { ran = true })
			assert.True(t, timer.Stop())
			tm.Sleep(2 * d)
			assert.False(t, ran)
			assert.False(t, timer.Reset(d))
			tm.Sleep(2 * d)
			assert.True(t, ran)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := virtualHub(t)
			require.NoError(t, run(t, h, func() error {
				c.run(t, green.Time{Hub: h})
				return nil
			}))
		})
	}
}

// WithTimeout's context ends on hub time: on virtual time, a green wait
// bounded by it ends exactly at the deadline, and contexts derived from it
// see DeadlineExceeded too.
func TestTime_WithTimeoutOnHubTime(t *testing.T) {
	h := virtualHub(t)
	tm := green.Time{Hub: h}
	err := run(t, h, func() error {
		start := tm.Now()
		ctx, cancel := tm.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		child, cancelChild := context.WithCancel(ctx)
		defer cancelChild()
		deadline, ok := child.Deadline()
		assert.True(t, ok)
		assert.Equal(t, start.Add(time.Hour), deadline)

		err := green.WithContext(ctx, func() error {
			green.Sleep(2 * time.Hour)
			return nil
		})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, time.Hour, tm.Since(start), "time at which the context ended")
		_, _, err = green.Recv(child.Done())
		assert.NoError(t, err)
		assert.ErrorIs(t, child.Err(), context.DeadlineExceeded, "derived context's error")
		return nil
	})
	require.NoError(t, err)
}

// Cancelling a virtual-time context early ends it with Canceled and takes
// its timer off the hub, so the hub can tell that nothing is left to wait
// for.
func TestTime_WithDeadlineCancel(t *testing.T) {
	h := virtualHub(t)
	tm := green.Time{Hub: h}
	err := run(t, h, func() error {
		ctx, cancel := tm.WithDeadline(context.Background(), tm.Now().Add(time.Hour))
		assert.Equal(t, 1, h.Stats().Timers, "timers armed with the context")
		cancel()
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
		assert.Zero(t, h.Stats().Timers, "timers armed after cancel")
		stopped := context.AfterFunc(ctx, func() {})
		assert.False(t, stopped(), "AfterFunc on an ended context")
		return nil
	})
	require.NoError(t, err)
}

// vtime0 is where the virtual clocks of these tests start.
var vtime0 = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// A greenlet waits for a virtual-time context's Done channel like for a
// timer's: the hub closes it at the deadline, or when it is cancelled from
// a greenlet or a plain goroutine, and wakes the greenlet.
func TestTime_RecvContextDone(t *testing.T) {
	recv := green.Recv[struct{}]
	cases := []struct {
		name   string
		cancel func(h *green.Hub, cancel context.CancelFunc) // nil: wait for the deadline
		want   error
	}{
		{"Deadline", nil, context.DeadlineExceeded},
		{"CancelFromGreenlet", func(_ *green.Hub, cancel context.CancelFunc) {
			green.Spawn(func() error { green.Sleep(time.Minute); cancel(); return nil })
		}, context.Canceled},
		// The hub cannot see a plain goroutine coming: Hold says one will
		// act, or virtual time would reach the deadline first.
		{"CancelFromGoroutine", func(h *green.Hub, cancel context.CancelFunc) {
			release := h.Hold()
			go func() {
				defer release()
				cancel()
			}()
		}, context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := virtualHub(t)
			tm := green.Time{Hub: h}
			err := run(t, h, func() error {
				start := tm.Now()
				ctx, cancel := tm.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				if c.cancel != nil {
					c.cancel(h, cancel)
				}
				_, ok, err := recv(ctx.Done())
				if err != nil {
					return err
				}
				assert.False(t, ok, "receive from a closed Done")
				assert.ErrorIs(t, ctx.Err(), c.want)
				if c.cancel == nil {
					assert.Equal(t, time.Hour, tm.Since(start), "time at which Done closed")
				}
				return nil
			})
			require.NoError(t, err)
		})
	}
}
