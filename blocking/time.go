package blocking

import (
	"context"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Time = Time{}
	_ iface.Time = (*Time)(nil)
)

// Time is the time module on Clock, or on package time if Clock is nil.
//
// With a nil Clock each method calls the function of the same name in package
// time (context for WithTimeout and WithDeadline) directly, and timers and
// tickers are *time.Timer and *time.Ticker behind [iface.Timer] and
// [iface.Ticker].
//
// With a Clock the methods call it instead, and the timers and tickers it
// makes are adapted to keep the guarantees of [iface.Timer]: see the package
// documentation. Given a [*clock.Mock], time moves only when the test calls
// its Add or Set, and every wait (Sleep, After, timers, tickers, contexts)
// waits for that; Sleep with d <= 0 still returns at once. Some differences
// from package time remain with the mock, which the adapters cannot fix from
// outside it:
//
//   - AfterFunc(d, f) and Timer.Reset(d) with d <= 0 fire only at the next
//     Add or Set (even Add(0)), not at once.
//   - Timers and tickers due at the same instant fire in no fixed order.
//   - WithTimeout and WithDeadline return the mock's own context type; a
//     parent that can be cancelled costs a goroutine until the child ends.
type Time struct {
	Clock clock.Clock
}

// Now copies time.Now.
func (t Time) Now() time.Time {
	if t.Clock == nil {
		return time.Now()
	}
	return t.Clock.Now()
}

// Since copies time.Since, on t's clock.
func (t Time) Since(u time.Time) time.Duration {
	if t.Clock == nil {
		return time.Since(u)
	}
	return t.Clock.Since(u)
}

// Until copies time.Until, on t's clock.
func (t Time) Until(u time.Time) time.Duration {
	if t.Clock == nil {
		return time.Until(u)
	}
	return t.Clock.Until(u)
}

// Sleep copies time.Sleep: it returns after at least d on t's clock, and at
// once if d <= 0.
func (t Time) Sleep(d time.Duration) {
	if t.Clock == nil {
		time.Sleep(d)
		return
	}
	if d <= 0 {
		return
	}
	t.Clock.Sleep(d)
}

// After copies time.After.
func (t Time) After(d time.Duration) <-chan time.Time {
	if t.Clock == nil {
		return time.After(d)
	}
	return t.Clock.After(d)
}

// Tick copies time.Tick: it returns nil if d <= 0.
func (t Time) Tick(d time.Duration) <-chan time.Time {
	if t.Clock == nil {
		return time.Tick(d)
	}
	if d <= 0 {
		return nil
	}
	return t.Clock.Ticker(d).C
}

// NewTimer copies time.NewTimer.
func (t Time) NewTimer(d time.Duration) iface.Timer {
	if t.Clock == nil {
		return realTimer{time.NewTimer(d)}
	}
	return clockTimer{t.Clock.Timer(d)}
}

// NewTicker copies time.NewTicker: it panics if d <= 0.
func (t Time) NewTicker(d time.Duration) iface.Ticker {
	if t.Clock == nil {
		return realTicker{time.NewTicker(d)}
	}
	if d <= 0 {
		panic("blocking: non-positive interval for NewTicker")
	}
	return clockTicker{t.Clock.Ticker(d)}
}

// AfterFunc copies time.AfterFunc. The Timer's C is nil.
func (t Time) AfterFunc(d time.Duration, f func()) iface.Timer {
	if t.Clock == nil {
		return realTimer{time.AfterFunc(d, f)}
	}
	return clockTimer{t.Clock.AfterFunc(d, f)}
}

// WithTimeout copies context.WithTimeout, with the deadline on t's clock.
func (t Time) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if t.Clock == nil {
		return context.WithTimeout(parent, d)
	}
	return t.Clock.WithTimeout(parent, d)
}

// WithDeadline copies context.WithDeadline, with the deadline on t's clock.
func (t Time) WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	if t.Clock == nil {
		return context.WithDeadline(parent, d)
	}
	return t.Clock.WithDeadline(parent, d)
}
