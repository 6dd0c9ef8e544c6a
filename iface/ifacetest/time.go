package ifacetest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/iface"
)

// tick is the unit of the time suite, measured on the clock under test: long
// enough that timers a few ticks apart fire in order on a loaded machine,
// short enough that the suite takes well under a second of real time.
const tick = 5 * time.Millisecond

// TestTime tests an implementation of [iface.Time] whose clock advances by
// itself. See the package documentation for what it checks.
func TestTime(t *testing.T, tm iface.Time) {
	t.Run("Now", func(t *testing.T) { testNow(t, tm) })
	t.Run("Sleep", func(t *testing.T) { testSleep(t, tm) })
	t.Run("SleepOrder", func(t *testing.T) { testSleepOrder(t, tm) })
	t.Run("After", func(t *testing.T) { testAfter(t, tm) })
	t.Run("Tick", func(t *testing.T) { testTick(t, tm) })
	t.Run("Timer", func(t *testing.T) { testTimer(t, tm) })
	t.Run("Ticker", func(t *testing.T) { testTicker(t, tm) })
	t.Run("AfterFunc", func(t *testing.T) { testAfterFunc(t, tm) })
	t.Run("WithTimeout", func(t *testing.T) { testWithTimeout(t, tm) })
	t.Run("WithDeadline", func(t *testing.T) { testWithDeadline(t, tm) })
}

func testNow(t *testing.T, tm iface.Time) {
	t0 := tm.Now()
	t1 := tm.Now()
	assert.False(t, t1.Before(t0), "Now went back: %v then %v", t0, t1)
	assert.GreaterOrEqual(t, tm.Since(t0), time.Duration(0), "Since(Now())")
	assert.LessOrEqual(t, tm.Until(t0), time.Duration(0), "Until(Now())")

	const ahead = time.Hour
	until := tm.Until(t0.Add(ahead))
	assert.LessOrEqual(t, until, ahead, "Until(Now()+1h)")
	assert.Greater(t, until, ahead/2, "Until(Now()+1h)")
	since := tm.Since(t0.Add(-ahead))
	assert.GreaterOrEqual(t, since, ahead, "Since(Now()-1h)")
}

func testSleep(t *testing.T, tm iface.Time) {
	for _, d := range []time.Duration{tick, 0, -tick} {
		start := tm.Now()
		sleep(t, tm, d)
		assert.GreaterOrEqual(t, tm.Since(start), d, "time slept by Sleep(%v)", d)
	}
}

// sleepOrderAttempts bounds the attempts of testSleepOrder. A goroutine
// whose sleep ended first is not promised to run first: on a loaded machine
// the Go scheduler, or the kernel descheduling its thread, can let a sleeper
// woken later report before it, however far apart the deadlines (stalls of
// hundreds of milliseconds were measured on a busy 2-core machine). So an
// attempt whose order came out mixed up is tried again; an implementation
// that wakes sleepers in another order than their deadlines' (first in,
// first out, say) mixes up every attempt.
const sleepOrderAttempts = 5

func testSleepOrder(t *testing.T, tm iface.Time) {
	// Sleepers wake in the order of their deadlines. Each deadline is
	// taken from the clock when its sleeper starts, so that a goroutine
	// that a loaded machine starts late is judged by its own deadline.
	var mixed []string
	for range sleepOrderAttempts {
		bad := sleepOrderOnce(t, tm)
		if bad == "" {
			return
		}
		mixed = append(mixed, bad)
	}
	t.Errorf("sleepers woke out of the order of their deadlines in all %d attempts:\n%s",
		sleepOrderAttempts, strings.Join(mixed, "\n"))
}

// sleepOrderOnce runs sleepers of 30, 10 and 20 ms at once and describes
// the first pair that woke out of deadline order, or returns "".
func sleepOrderOnce(t *testing.T, tm iface.Time) string {
	durations := []time.Duration{6 * tick, 2 * tick, 4 * tick}
	type woke struct {
		d        time.Duration
		deadline time.Time
	}
	start := make(chan struct{})
	wokeCh := make(chan woke, len(durations))
	for _, d := range durations {
		go func() {
			<-start
			t0 := tm.Now()
			tm.Sleep(d)
			wokeCh <- woke{d, t0.Add(d)}
		}()
	}
	close(start)
	var order []woke
	for range durations {
		order = append(order, recv(t, wokeCh, "Sleep"))
	}
	for i := 1; i < len(order); i++ {
		a, b := order[i-1], order[i]
		if b.deadline.Before(a.deadline) {
			return fmt.Sprintf("sleeper of %v (deadline %v) woke before the one of %v (deadline %v, earlier)",
				a.d, a.deadline.Format(time.StampMicro), b.d, b.deadline.Format(time.StampMicro))
		}
	}
	return ""
}

func testAfter(t *testing.T, tm iface.Time) {
	start := tm.Now()
	v := recv(t, tm.After(tick), "After")
	assert.False(t, v.Before(start.Add(tick)), "After(%v) delivered %v, before start %v + d", tick, v, start)
	assert.GreaterOrEqual(t, tm.Since(start), tick, "time waited for After")
}

func testTick(t *testing.T, tm iface.Time) {
	assert.Nil(t, tm.Tick(0), "Tick(0)")
	assert.Nil(t, tm.Tick(-tick), "Tick(-d)")
	start := tm.Now()
	c := tm.Tick(tick)
	require.NotNil(t, c, "Tick(d)")
	v := recv(t, c, "Tick")
	assert.False(t, v.Before(start.Add(tick)), "Tick(%v) delivered %v, before start %v + d", tick, v, start)
}

// testTimer checks the Stop and Reset results of Go 1.23 timers, whose
// channel holds no value until it is received from: a timer whose time has
// passed but whose value nobody took still counts as active, and Stop or
// Reset discard that value.
func testTimer(t *testing.T, tm iface.Time) {
	cases := []struct {
		name string
		run  func(t *testing.T, tm iface.Time)
	}{
		{"Fires", func(t *testing.T, tm iface.Time) {
			start := tm.Now()
			timer := tm.NewTimer(tick)
			v := recv(t, timer.C(), "timer")
			assert.False(t, v.Before(start.Add(tick)), "timer delivered %v, before start %v + d", v, start)
			assert.GreaterOrEqual(t, tm.Since(start), tick, "time waited for timer")
		}},
		{"StopActive", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(tick)
			assert.True(t, timer.Stop(), "Stop on an active timer")
			assert.False(t, timer.Stop(), "second Stop")
			sleep(t, tm, 2*tick)
			noRecv(t, timer.C(), "C after Stop")
		}},
		{"StopFired", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(tick)
			recv(t, timer.C(), "timer")
			assert.False(t, timer.Stop(), "Stop after the value was received")
		}},
		{"StopExpired", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(tick)
			sleep(t, tm, 2*tick)
			assert.True(t, timer.Stop(), "Stop on an expired timer whose value was not received")
			noRecv(t, timer.C(), "C after Stop")
			assert.False(t, timer.Stop(), "second Stop")
		}},
		{"ResetActive", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(time.Hour)
			start := tm.Now()
			assert.True(t, timer.Reset(tick), "Reset on an active timer")
			recv(t, timer.C(), "reset timer")
			assert.GreaterOrEqual(t, tm.Since(start), tick, "time waited for reset timer")
		}},
		{"ResetFired", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(tick)
			recv(t, timer.C(), "timer")
			assert.False(t, timer.Reset(tick), "Reset after the value was received")
			recv(t, timer.C(), "reset timer")
		}},
		{"ResetStopped", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(time.Hour)
			timer.Stop()
			assert.False(t, timer.Reset(tick), "Reset after Stop")
			recv(t, timer.C(), "reset timer")
		}},
		{"ResetExpired", func(t *testing.T, tm iface.Time) {
			timer := tm.NewTimer(tick)
			sleep(t, tm, 2*tick)
			assert.True(t, timer.Reset(time.Hour), "Reset on an expired timer whose value was not received")
			noRecv(t, timer.C(), "C after Reset")
			assert.True(t, timer.Stop(), "Stop after Reset")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, tm) })
	}
}

func testTicker(t *testing.T, tm iface.Time) {
	t.Run("Ticks", func(t *testing.T) {
		start := tm.Now()
		ticker := tm.NewTicker(tick)
		first := recv(t, ticker.C(), "first tick")
		second := recv(t, ticker.C(), "second tick")
		ticker.Stop()
		assert.False(t, first.Before(start.Add(tick)), "first tick %v, before start %v + d", first, start)
		assert.True(t, second.After(first), "second tick %v, not after first %v", second, first)
		sleep(t, tm, 3*tick)
		noRecv(t, ticker.C(), "C after Stop")
	})
	t.Run("Reset", func(t *testing.T) {
		ticker := tm.NewTicker(time.Hour)
		defer ticker.Stop()
		start := tm.Now()
		ticker.Reset(tick)
		recv(t, ticker.C(), "tick after Reset")
		assert.GreaterOrEqual(t, tm.Since(start), tick, "time waited for tick")
	})
	t.Run("NonPositive", func(t *testing.T) {
		for _, d := range []time.Duration{0, -tick} {
			assert.Panics(t, func() { tm.NewTicker(d) }, "NewTicker(%v)", d)
			ticker := tm.NewTicker(time.Hour)
			assert.Panics(t, func() { ticker.Reset(d) }, "Reset(%v)", d)
			ticker.Stop()
		}
	})
}

func testAfterFunc(t *testing.T, tm iface.Time) {
	t.Run("Runs", func(t *testing.T) {
		var runs atomic.Int32
		ran := make(chan struct{}, 2)
		timer := tm.AfterFunc(tick, func() {
			runs.Add(1)
			ran <- struct{}{}
		})
		assert.Nil(t, timer.C(), "C of an AfterFunc timer")
		recv(t, ran, "AfterFunc")
		assert.False(t, timer.Stop(), "Stop after f ran")
		sleep(t, tm, 3*tick)
		assert.Equal(t, int32(1), runs.Load(), "times f ran")

		assert.False(t, timer.Reset(tick), "Reset after f ran")
		recv(t, ran, "AfterFunc after Reset")
		assert.Equal(t, int32(2), runs.Load(), "times f ran")
	})
	t.Run("Stop", func(t *testing.T) {
		var runs atomic.Int32
		timer := tm.AfterFunc(tick, func() { runs.Add(1) })
		assert.True(t, timer.Stop(), "Stop before f ran")
		sleep(t, tm, 3*tick)
		assert.Zero(t, runs.Load(), "times f ran after Stop")
	})
}

func testWithTimeout(t *testing.T, tm iface.Time) {
	t.Run("Expires", func(t *testing.T) {
		start := tm.Now()
		ctx, cancel := tm.WithTimeout(context.Background(), tick)
		defer cancel()
		deadline, ok := ctx.Deadline()
		require.True(t, ok, "WithTimeout context has a deadline")
		assert.False(t, deadline.Before(start.Add(tick)), "deadline %v, before start %v + d", deadline, start)
		recv(t, ctx.Done(), "Done")
		assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		assert.GreaterOrEqual(t, tm.Since(start), tick, "time waited for Done")
	})
	t.Run("Cancel", func(t *testing.T) {
		ctx, cancel := tm.WithTimeout(context.Background(), time.Hour)
		assert.NoError(t, ctx.Err())
		cancel()
		recv(t, ctx.Done(), "Done after cancel")
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
	})
}

func testWithDeadline(t *testing.T, tm iface.Time) {
	t.Run("Expires", func(t *testing.T) {
		want := tm.Now().Add(tick)
		ctx, cancel := tm.WithDeadline(context.Background(), want)
		defer cancel()
		deadline, ok := ctx.Deadline()
		require.True(t, ok, "WithDeadline context has a deadline")
		assert.True(t, deadline.Equal(want), "Deadline() = %v, want %v", deadline, want)
		recv(t, ctx.Done(), "Done")
		assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		assert.False(t, tm.Now().Before(want), "Done before the deadline")
	})
	t.Run("Past", func(t *testing.T) {
		ctx, cancel := tm.WithDeadline(context.Background(), tm.Now().Add(-tick))
		defer cancel()
		recv(t, ctx.Done(), "Done")
		assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	})
	t.Run("Cancel", func(t *testing.T) {
		ctx, cancel := tm.WithDeadline(context.Background(), tm.Now().Add(time.Hour))
		cancel()
		recv(t, ctx.Done(), "Done after cancel")
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
	})
}

// sleep calls tm.Sleep(d), failing t if it has not returned within guard.
func sleep(t *testing.T, tm iface.Time, d time.Duration) {
	t.Helper()
	within(t, "Sleep("+d.String()+")", func() { tm.Sleep(d) })
}
