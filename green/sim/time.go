package sim

import (
	"context"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Time  = stdTime{}
	_ iface.Timer = stdTimer{}
)

// Time returns the world's time module, which every host shares (per-host
// clock offsets are for later): with Mode Greenlets the cooperative
// green.Time on the world's hub, whose virtual clock is the world's; with
// Mode Goroutines package time's, which in a synctest bubble is the
// bubble's fake clock.
func (w *World) Time() iface.Time {
	if w.hub != nil {
		return green.Time{Hub: w.hub}
	}
	return stdTime{}
}

// stdTime is package time and context, for a world of goroutines.
type stdTime struct{}

func (stdTime) Now() time.Time                         { return time.Now() }
func (stdTime) Since(t time.Time) time.Duration        { return time.Since(t) }
func (stdTime) Until(t time.Time) time.Duration        { return time.Until(t) }
func (stdTime) Sleep(d time.Duration)                  { time.Sleep(d) }
func (stdTime) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (stdTime) Tick(d time.Duration) <-chan time.Time  { return time.Tick(d) }
func (stdTime) NewTimer(d time.Duration) iface.Timer   { return stdTimer{time.NewTimer(d)} }
func (stdTime) NewTicker(d time.Duration) iface.Ticker { return stdTicker{time.NewTicker(d)} }
func (stdTime) AfterFunc(d time.Duration, f func()) iface.Timer {
	return stdTimer{time.AfterFunc(d, f)}
}
func (stdTime) WithTimeout(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(p, d)
}
func (stdTime) WithDeadline(p context.Context, t time.Time) (context.Context, context.CancelFunc) {
	return context.WithDeadline(p, t)
}

type stdTimer struct{ t *time.Timer }

func (t stdTimer) C() <-chan time.Time        { return t.t.C }
func (t stdTimer) Stop() bool                 { return t.t.Stop() }
func (t stdTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }

type stdTicker struct{ t *time.Ticker }

func (t stdTicker) C() <-chan time.Time   { return t.t.C }
func (t stdTicker) Stop()                 { t.t.Stop() }
func (t stdTicker) Reset(d time.Duration) { t.t.Reset(d) }
