package sim

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/greenshim/greenshim/iface"
)

var _ iface.Time = hostTime{}

// A host's clock is the world's, shifted by an offset and running fast or
// slow by a drift: at world time t (since the world began) the host reads
// start + t + Offset + Drift·t. Only what the host reads is skewed (Now,
// Since, Until, and the deadlines it gives WithDeadline, which are on its
// clock): its timers, sleeps and timeouts last their duration in world
// time, so they fire in the world's order of events, whatever the clocks
// say. Conn deadlines stay times on the world's clock (see Conn).
type hostClock struct {
	offset time.Duration
	drift  float64
}

// MaxDrift bounds a host clock's drift: 0.1 is a clock 10% fast, far
// beyond any quartz (100 ppm is 0.0001).
const MaxDrift = 0.1

// SetClock sets h's clock offset and drift (see Host.Now). It fails for a
// drift outside [-MaxDrift, MaxDrift] or not a number.
func (h *Host) SetClock(offset time.Duration, drift float64) error {
	if math.IsNaN(drift) || drift < -MaxDrift || drift > MaxDrift {
		return fmt.Errorf("sim: host %q: clock drift %v is not in [-%v, %v]", h.name, drift, MaxDrift, MaxDrift)
	}
	if offset == 0 && drift == 0 {
		h.x.clock.Store(nil)
	} else {
		h.x.clock.Store(&hostClock{offset: offset, drift: drift})
	}
	if h.w.tr != nil {
		h.w.mu.Lock()
		h.w.traceLocked("clock", h, 0, fmt.Sprintf("%s offset=%v drift=%v", h.name, offset, drift))
		h.w.unlockRun()
	}
	return nil
}

// Clock returns h's clock offset and drift.
func (h *Host) Clock() (offset time.Duration, drift float64) {
	if c := h.x.clock.Load(); c != nil {
		return c.offset, c.drift
	}
	return 0, 0
}

// Now returns the time on h's clock: the world's (World.Now) plus the
// offset, plus the drift times the world time since the world began.
func (h *Host) Now() time.Time {
	t := h.w.Now()
	c := h.x.clock.Load()
	if c == nil {
		return t
	}
	return t.Add(c.skew(t.Sub(h.w.start)))
}

func (c *hostClock) skew(elapsed time.Duration) time.Duration {
	return c.offset + time.Duration(float64(elapsed)*c.drift)
}

// worldTimeOf converts a time on h's clock to the world's clock.
func (h *Host) worldTimeOf(t time.Time) time.Time {
	c := h.x.clock.Load()
	if c == nil {
		return t
	}
	// t = start + e + offset + drift·e, so e = (t - start - offset)/(1+drift).
	e := float64(t.Sub(h.w.start)-c.offset) / (1 + c.drift)
	return h.w.start.Add(time.Duration(e))
}

// hostTime is a host's time module: the world's, read on the host's clock.
type hostTime struct {
	h    *Host
	base iface.Time
}

func (t hostTime) Now() time.Time                         { return t.h.Now() }
func (t hostTime) Since(u time.Time) time.Duration        { return t.h.Now().Sub(u) }
func (t hostTime) Until(u time.Time) time.Duration        { return u.Sub(t.h.Now()) }
func (t hostTime) Sleep(d time.Duration)                  { t.base.Sleep(d) }
func (t hostTime) After(d time.Duration) <-chan time.Time { return t.base.After(d) }
func (t hostTime) Tick(d time.Duration) <-chan time.Time  { return t.base.Tick(d) }
func (t hostTime) NewTimer(d time.Duration) iface.Timer   { return t.base.NewTimer(d) }
func (t hostTime) NewTicker(d time.Duration) iface.Ticker { return t.base.NewTicker(d) }
func (t hostTime) AfterFunc(d time.Duration, f func()) iface.Timer {
	return t.base.AfterFunc(d, f)
}
func (t hostTime) WithTimeout(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return t.base.WithTimeout(p, d)
}

// WithDeadline takes dl on the host's clock; the context's Deadline is the
// same moment on the world's.
func (t hostTime) WithDeadline(p context.Context, dl time.Time) (context.Context, context.CancelFunc) {
	return t.base.WithDeadline(p, t.h.worldTimeOf(dl))
}
