package blocking

import (
	"time"

	"github.com/benbjohnson/clock"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Ticker = realTicker{}
	_ iface.Ticker = clockTicker{}
)

// realTicker is a *time.Ticker behind iface.Ticker. Like realTimer, it
// drains the channel in Stop and Reset only with pre-Go 1.23 timer channels.
type realTicker struct {
	t *time.Ticker
}

func (r realTicker) C() <-chan time.Time { return r.t.C }

func (r realTicker) Stop() {
	r.t.Stop()
	if asyncTimerChan {
		drain(r.t.C)
	}
}

func (r realTicker) Reset(d time.Duration) {
	if asyncTimerChan && d > 0 {
		r.Stop()
	}
	r.t.Reset(d)
}

// clockTicker is a *clock.Ticker behind iface.Ticker. As with clockTimer, a
// *clock.Mock ticker keeps a tick in its channel after Stop and Reset, which
// Go 1.23 tickers discard; so Stop drains the channel after stopping, and
// Reset stops and drains before it restarts. The mock does not check Reset's
// argument, and a non-positive period would make its Add loop forever, so
// Reset panics on it as (*time.Ticker).Reset does.
type clockTicker struct {
	t *clock.Ticker
}

func (c clockTicker) C() <-chan time.Time { return c.t.C }

func (c clockTicker) Stop() {
	c.t.Stop()
	drain(c.t.C)
}

func (c clockTicker) Reset(d time.Duration) {
	if d <= 0 {
		panic("blocking: non-positive interval for Ticker.Reset")
	}
	c.Stop()
	c.t.Reset(d)
}
