package green

import (
	"sync/atomic"
	"time"
)

// Clock is the time source of a hub's timers: [RealClock] or a
// [*VirtualClock]. It is sealed; other clocks are not supported, because the
// hub must know whether waiting for a timer means sleeping or jumping.
type Clock interface {
	Now() time.Time
	isClock()
}

// RealClock is the wall clock (with its monotonic reading): timers wait for
// real time to pass. It is the default.
type RealClock struct{}

func (RealClock) Now() time.Time { return time.Now() }
func (RealClock) isClock()       {}

// VirtualClock is a clock that stands still while any greenlet can run and
// jumps straight to the next timer when every greenlet is blocked and nothing
// outside the hub (I/O, thread-pool work, native regions, outside calls) is in
// flight, as testing/synctest's bubbles do. A program on virtual time is
// deterministic: the same program prints the same output in the same order
// on every run, and a 1-hour Sleep takes no wall time.
//
// A VirtualClock belongs to one hub; Now may be read from any goroutine.
type VirtualClock struct {
	start time.Time
	off   atomic.Int64 // nanoseconds since start; written only by the hub
	used  atomic.Bool  // a hub has taken it
}

// NewVirtualClock returns a virtual clock reading start. A zero start means
// 2000-01-01 00:00:00 UTC, so that printed times are the same on every run.
func NewVirtualClock(start time.Time) *VirtualClock {
	if start.IsZero() {
		start = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return &VirtualClock{start: start}
}

func (c *VirtualClock) Now() time.Time { return c.start.Add(time.Duration(c.off.Load())) }
func (c *VirtualClock) isClock()       {}
