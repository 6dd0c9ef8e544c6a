package blocking_test

import (
	"context"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// guard bounds every wait of these tests, in real time.
const guard = 5 * time.Second

func TestTime_Conformance(t *testing.T) {
	cases := []struct {
		name string
		tm   blocking.Time
	}{
		{"Zero", blocking.Time{}},
		{"RealClock", blocking.Time{Clock: clock.New()}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { ifacetest.TestTime(t, c.tm) })
	}
}

// recv receives from c within guard of real time.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(guard)
	defer timer.Stop()
	select {
	case v := <-c:
		return v
	case <-timer.C:
		t.Fatalf("%s: nothing received within %v", what, guard)
		panic("unreachable")
	}
}

// noRecv fails t if a value is ready on c.
func noRecv[T any](t *testing.T, c <-chan T, what string) {
	t.Helper()
	select {
	case v := <-c:
		t.Errorf("%s: received %v, want nothing", what, v)
	default:
	}
}

// advanceUntil moves mock forward by step until done delivers, and returns
// what it delivered. The goroutine that sends on done may start waiting on
// the mock at any time, so the mock is moved in steps rather than once.
func advanceUntil[T any](t *testing.T, mock *clock.Mock, step time.Duration, done <-chan T) T {
	t.Helper()
	stop := time.Now().Add(guard)
	for time.Now().Before(stop) {
		select {
		case v := <-done:
			return v
		default:
			mock.Add(step)
		}
	}
	t.Fatalf("nothing received within %v while moving the mock clock", guard)
	panic("unreachable")
}

// TestTime_Mock drives a Time on a *clock.Mock by hand and checks that it
// keeps the semantics of package time, in particular the Go 1.23 results of
// Timer.Stop and Timer.Reset, which clock.Mock alone does not.
func TestTime_Mock(t *testing.T) {
	const d = 10 * time.Second
	cases := []struct {
		name string
		run  func(t *testing.T, mock *clock.Mock, tm iface.Time)
	}{
		{"Now", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			assert.Equal(t, mock.Now(), start)
			mock.Add(time.Hour)
			assert.Equal(t, time.Hour, tm.Since(start))
			assert.Equal(t, time.Hour, tm.Until(start.Add(2*time.Hour)))
		}},
		{"Sleep", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			slept := make(chan time.Duration, 1)
			go func() {
				tm.Sleep(d)
				slept <- tm.Since(start)
			}()
			assert.GreaterOrEqual(t, advanceUntil(t, mock, time.Second, slept), d)
		}},
		{"SleepNonPositive", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			done := make(chan struct{})
			go func() {
				defer close(done)
				tm.Sleep(0)
				tm.Sleep(-d)
			}()
			recv(t, done, "Sleep(0) and Sleep(-d) without moving the clock")
		}},
		{"After", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			c := tm.After(d)
			mock.Add(d - 1)
			noRecv(t, c, "After before d")
			mock.Add(1)
			assert.Equal(t, start.Add(d), recv(t, c, "After"))
		}},
		{"TimerFires", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			timer := tm.NewTimer(d)
			mock.Add(d - 1)
			noRecv(t, timer.C(), "timer before d")
			mock.Add(1)
			assert.Equal(t, start.Add(d), recv(t, timer.C(), "timer"))
			assert.False(t, timer.Stop(), "Stop after the value was received")
		}},
		{"TimerStopActive", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			timer := tm.NewTimer(d)
			assert.True(t, timer.Stop(), "Stop on an active timer")
			assert.False(t, timer.Stop(), "second Stop")
			mock.Add(2 * d)
			noRecv(t, timer.C(), "C after Stop")
		}},
		{"TimerStopExpired", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			timer := tm.NewTimer(d)
			mock.Add(d)
			assert.True(t, timer.Stop(), "Stop on a timer that fired unreceived")
			noRecv(t, timer.C(), "C after Stop")
			assert.False(t, timer.Stop(), "second Stop")
		}},
		{"TimerResetActive", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			timer := tm.NewTimer(d)
			assert.True(t, timer.Reset(2*d), "Reset on an active timer")
			mock.Add(d)
			noRecv(t, timer.C(), "C at the old time")
			mock.Add(d)
			assert.Equal(t, start.Add(2*d), recv(t, timer.C(), "reset timer"))
		}},
		{"TimerResetExpired", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			timer := tm.NewTimer(d)
			mock.Add(d)
			assert.True(t, timer.Reset(d), "Reset on a timer that fired unreceived")
			noRecv(t, timer.C(), "C after Reset")
			mock.Add(d)
			assert.Equal(t, start.Add(2*d), recv(t, timer.C(), "reset timer"))
		}},
		{"TimerResetFired", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			timer := tm.NewTimer(d)
			mock.Add(d)
			recv(t, timer.C(), "timer")
			assert.False(t, timer.Reset(d), "Reset after the value was received")
			mock.Add(d)
			recv(t, timer.C(), "reset timer")
		}},
		{"TimerResetStopped", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			timer := tm.NewTimer(d)
			timer.Stop()
			assert.False(t, timer.Reset(d), "Reset after Stop")
			mock.Add(d)
			recv(t, timer.C(), "reset timer")
		}},
		{"AfterFunc", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			ran := make(chan time.Time, 1)
			timer := tm.AfterFunc(d, func() { ran <- tm.Now() })
			assert.Nil(t, timer.C(), "C of an AfterFunc timer")
			start := tm.Now()
			mock.Add(d)
			assert.Equal(t, start.Add(d), recv(t, ran, "AfterFunc"))
			assert.False(t, timer.Stop(), "Stop after f ran")
			assert.False(t, timer.Reset(d), "Reset after f ran")
			mock.Add(d)
			recv(t, ran, "AfterFunc after Reset")
		}},
		{"AfterFuncStop", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			ran := make(chan struct{}, 1)
			timer := tm.AfterFunc(d, func() { ran <- struct{}{} })
			assert.True(t, timer.Stop(), "Stop before f ran")
			// A later AfterFunc that does run shows the mock passed the
			// stopped one's time.
			later := make(chan struct{})
			tm.AfterFunc(2*d, func() { close(later) })
			mock.Add(2 * d)
			recv(t, later, "later AfterFunc")
			noRecv(t, ran, "f of a stopped AfterFunc")
		}},
		{"Ticker", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			ticker := tm.NewTicker(d)
			for i := 1; i <= 2; i++ {
				mock.Add(d)
				assert.Equal(t, start.Add(time.Duration(i)*d), recv(t, ticker.C(), "tick"))
			}
			mock.Add(d) // a tick left in the channel
			ticker.Stop()
			noRecv(t, ticker.C(), "C after Stop")
			mock.Add(3 * d)
			noRecv(t, ticker.C(), "C after Stop")
		}},
		{"TickerReset", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			ticker := tm.NewTicker(d)
			defer ticker.Stop()
			mock.Add(d) // a tick left in the channel
			ticker.Reset(3 * d)
			noRecv(t, ticker.C(), "C after Reset")
			mock.Add(2 * d)
			noRecv(t, ticker.C(), "C before the new period")
			mock.Add(d)
			assert.Equal(t, start.Add(4*d), recv(t, ticker.C(), "tick after Reset"))
		}},
		{"TickerNonPositive", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			assert.PanicsWithValue(t, "blocking: non-positive interval for NewTicker", func() { tm.NewTicker(0) })
			ticker := tm.NewTicker(d)
			defer ticker.Stop()
			assert.PanicsWithValue(t, "blocking: non-positive interval for Ticker.Reset", func() { ticker.Reset(-d) })
			assert.Nil(t, tm.Tick(0), "Tick(0)")
		}},
		{"Tick", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			c := tm.Tick(d)
			mock.Add(d)
			assert.Equal(t, start.Add(d), recv(t, c, "tick"))
		}},
		{"WithTimeout", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			start := tm.Now()
			ctx, cancel := tm.WithTimeout(context.Background(), d)
			defer cancel()
			deadline, ok := ctx.Deadline()
			require.True(t, ok, "context has a deadline")
			assert.Equal(t, start.Add(d), deadline)
			mock.Add(d - 1)
			assert.NoError(t, ctx.Err(), "Err before the deadline")
			mock.Add(1)
			recv(t, ctx.Done(), "Done")
			assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		}},
		{"WithDeadline", func(t *testing.T, mock *clock.Mock, tm iface.Time) {
			ctx, cancel := tm.WithDeadline(context.Background(), tm.Now().Add(d))
			cancel()
			recv(t, ctx.Done(), "Done after cancel")
			assert.ErrorIs(t, ctx.Err(), context.Canceled)

			ctx, cancel = tm.WithDeadline(context.Background(), tm.Now().Add(-d))
			defer cancel()
			recv(t, ctx.Done(), "Done of a past deadline")
			assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mock := clock.NewMock()
			c.run(t, mock, blocking.Time{Clock: mock})
		})
	}
}

// TestTime_MockStaleValue pins down the behaviour of clock.Mock v1.3.5 that
// Time's timer adapter corrects: a fired, unreceived timer reports false from
// Stop and still delivers its value afterwards. If this test fails, the
// library changed and the adapter's draining may be unnecessary.
func TestTime_MockStaleValue(t *testing.T) {
	mock := clock.NewMock()
	timer := mock.Timer(time.Second)
	mock.Add(time.Second)
	assert.False(t, timer.Stop(), "clock.Mock Stop on a fired, unreceived timer")
	select {
	case <-timer.C:
	default:
		t.Error("clock.Mock no longer keeps the stale value after Stop")
	}
}

var sinkTime time.Time

func BenchmarkTimeNow(b *testing.B) {
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			sinkTime = time.Now()
		}
	})
	b.Run("iface", func(b *testing.B) {
		var tm iface.Time = blocking.Time{}
		for b.Loop() {
			sinkTime = tm.Now()
		}
	})
}
