package iface

import (
	"context"
	"time"
)

// Time is the time module: the clock and everything that waits on it. Every
// method copies the function of the same name in package time (WithTimeout
// and WithDeadline copy package context), measured on the implementation's
// clock, which need not be the wall clock: a virtual clock jumps forward
// instead of waiting.
type Time interface {
	// Now copies time.Now.
	Now() time.Time
	// Since copies time.Since, on this clock.
	Since(t time.Time) time.Duration
	// Until copies time.Until, on this clock.
	Until(t time.Time) time.Duration
	// Sleep copies time.Sleep: it returns after at least d; d <= 0 returns at once.
	Sleep(d time.Duration)
	// After copies time.After.
	After(d time.Duration) <-chan time.Time
	// Tick copies time.Tick: it returns nil if d <= 0.
	Tick(d time.Duration) <-chan time.Time
	// NewTimer copies time.NewTimer.
	NewTimer(d time.Duration) Timer
	// NewTicker copies time.NewTicker: it panics if d <= 0.
	NewTicker(d time.Duration) Ticker
	// AfterFunc copies time.AfterFunc: f runs once, in its own goroutine (or,
	// in a cooperative implementation, its own greenlet), after d. The
	// returned Timer's C is nil.
	AfterFunc(d time.Duration, f func()) Timer
	// WithTimeout copies context.WithTimeout, with the deadline on this clock.
	WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc)
	// WithDeadline copies context.WithDeadline, with the deadline on this clock.
	WithDeadline(parent context.Context, t time.Time) (context.Context, context.CancelFunc)
}

// Timer copies *time.Timer, with its channel behind a method.
//
// As in Go 1.23 and later, Stop and Reset guarantee that no stale value is
// received from C after they return.
type Timer interface {
	// C returns the channel on which the time is delivered when the timer
	// fires; nil for timers made by AfterFunc.
	C() <-chan time.Time
	// Stop copies (*time.Timer).Stop: it reports whether the call stopped the
	// timer, false if it had already fired or been stopped.
	Stop() bool
	// Reset copies (*time.Timer).Reset: it reports whether the timer had been
	// active, and makes it fire after d.
	Reset(d time.Duration) bool
}

// Ticker copies *time.Ticker, with its channel behind a method.
type Ticker interface {
	// C returns the channel on which the ticks are delivered.
	C() <-chan time.Time
	// Stop copies (*time.Ticker).Stop.
	Stop()
	// Reset copies (*time.Ticker).Reset: it panics if d <= 0.
	Reset(d time.Duration)
}
