package blocking

import (
	"time"

	"github.com/benbjohnson/clock"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Timer = realTimer{}
	_ iface.Timer = clockTimer{}
)

// asyncTimerChan reports whether this binary runs with the timer channels of
// Go 1.22 and earlier (GODEBUG=asynctimerchan=1, the default for a main
// module whose go line is older than 1.23). Their channel holds the fired
// value in a buffer of one, which Stop and Reset leave there; the channels of
// Go 1.23 report a capacity of 0.
var asyncTimerChan = func() bool {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	return cap(t.C) > 0
}()

// drain receives a value from c if one is ready, and reports whether it did.
func drain(c <-chan time.Time) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// realTimer is a *time.Timer behind iface.Timer. With Go 1.23 timer channels
// it forwards each call; with the older ones it drains the channel in Stop
// and Reset, as clockTimer does.
type realTimer struct {
	t *time.Timer
}

func (r realTimer) C() <-chan time.Time { return r.t.C }

func (r realTimer) Stop() bool {
	active := r.t.Stop()
	if asyncTimerChan && drain(r.t.C) {
		active = true
	}
	return active
}

func (r realTimer) Reset(d time.Duration) bool {
	if !asyncTimerChan {
		return r.t.Reset(d)
	}
	active := r.Stop()
	r.t.Reset(d)
	return active
}

// clockTimer is a *clock.Timer behind iface.Timer.
//
// The channel of a *clock.Mock timer holds the fired value in a buffer of
// one, and its Stop and Reset neither discard that value nor count it: Stop
// on a timer that fired unreceived returns false and the stale value is
// received later. Go 1.23 timers instead report such a timer as active and
// never deliver its value after Stop or Reset returns. So Stop stops the
// timer, after which the mock sends nothing, then drains the channel and
// counts a drained value as the timer having been active, as the runtime
// does; Reset does the same before it restarts the timer, so that a value
// sent by the restarted timer is never the one drained.
type clockTimer struct {
	t *clock.Timer
}

func (c clockTimer) C() <-chan time.Time { return c.t.C }

func (c clockTimer) Stop() bool {
	active := c.t.Stop()
	if drain(c.t.C) {
		active = true
	}
	return active
}

func (c clockTimer) Reset(d time.Duration) bool {
	active := c.Stop()
	c.t.Reset(d)
	return active
}
