package green

import (
	"context"
	"sync"
	"time"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Time = Time{}
	_ iface.Time = (*Time)(nil)
)

// Time is the time module on a hub's clock and timers: the cooperative
// [iface.Time]. Hub is the hub; nil means the caller's hub, that of the
// calling greenlet, or the default hub when called from a plain goroutine,
// as the package-level functions do.
//
// Sleep parks only the calling greenlet; called from a plain goroutine it
// blocks only that goroutine, for d on the hub's clock. AfterFunc runs f in
// a greenlet of the hub. Everything else depends on the hub's clock:
//
//   - Real time: timers, tickers, After, Tick and the contexts of
//     WithTimeout and WithDeadline are those of package time and context,
//     run by the Go runtime. Their timing is that of the hub's clock anyway,
//     and a greenlet that receives from their channel natively (a plain
//     `<-timer.C()`) holds the hub for the wait but still gets its value,
//     and the blocking monitor reports it, as for time.Sleep.
//   - Virtual time: they are timers of the hub, so they fire when virtual
//     time reaches them and a program that uses them stays deterministic.
//     A plain `<-timer.C()` in a greenlet then holds the hub forever: time
//     moves only when every greenlet waits cooperatively. Receive with
//     [Recv] instead: the hub hands the value straight to the parked
//     greenlet (see # Modules in the package doc).
//
// Either way, a greenlet should wait on a timer's channel with [Recv] (or
// [Select], on real time only), never with a plain receive or select.
//
// Virtual time moves when nothing on the hub can run. A plain goroutine's
// calls cannot be seen coming, so while plain goroutines call a virtual
// hub's Time (create or stop timers, sleep) the hub holds virtual time still
// until they have made no call for [OutsideGrace] of real time: otherwise
// an hour-long timer created from a plain goroutine would fire before its
// creator could stop it. Greenlets never take this grace, so a program run
// by greenlets alone stays deterministic.
//
// Timers and tickers keep the Go 1.23 guarantees of [iface.Timer]. On
// virtual time, stop tickers: a running ticker (and every Tick) keeps a
// timer in the hub, so virtual time never stands still and the hub declares
// no deadlock while it runs.
//
// The zero value is ready to use. Time is a value: copies share the hub.
type Time struct {
	Hub *Hub
}

func (t Time) hub() *Hub {
	if t.Hub != nil {
		return t.Hub
	}
	return hubOf()
}

// Now copies time.Now, on the hub's clock.
func (t Time) Now() time.Time { return t.hub().Now() }

// Since copies time.Since, on the hub's clock.
func (t Time) Since(u time.Time) time.Duration { return t.hub().Now().Sub(u) }

// Until copies time.Until, on the hub's clock.
func (t Time) Until(u time.Time) time.Duration { return u.Sub(t.hub().Now()) }

// Sleep copies time.Sleep on the hub's clock. From a greenlet of the hub it
// is [Hub.Sleep]: only the caller waits, d <= 0 yields, and a Timeout or
// kill ends it by unwinding. From a plain goroutine it blocks that goroutine
// for d on the hub's clock and returns at once if d <= 0.
func (t Time) Sleep(d time.Duration) {
	h := t.hub()
	if h.current() != nil {
		h.Sleep(d)
		return
	}
	if d <= 0 || h.virtual == nil {
		// Nothing for the hub to do, but an outside call all the same:
		// Stats counts it, and the goroutine waiting in it.
		h.stats.addOutside()
		if d > 0 {
			h.stats.outWait.Add(1)
			time.Sleep(d)
			h.stats.outWait.Add(-1)
		}
		return
	}
	// Hold virtual time from the start of the call and again as the
	// sleep ends, so that the caller sees the time it woke at.
	err := h.call(func() error {
		h.touchOutside()
		err := h.current().sleepFor(d)
		h.touchOutside()
		return err
	})
	if err != ErrClosed {
		orPanic(err, "Time.Sleep")
	}
}

// After copies time.After: NewTimer(d).C().
func (t Time) After(d time.Duration) <-chan time.Time {
	h := t.hub()
	if h.virtual == nil {
		return time.After(d)
	}
	return h.newVTimer(d, 0, nil, nil).c
}

// Tick copies time.Tick: NewTicker(d).C(), or nil if d <= 0.
func (t Time) Tick(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	h := t.hub()
	if h.virtual == nil {
		return time.Tick(d)
	}
	return h.newVTimer(d, d, nil, nil).c
}

// NewTimer copies time.NewTimer.
func (t Time) NewTimer(d time.Duration) iface.Timer {
	h := t.hub()
	if h.virtual == nil {
		return realTimer{time.NewTimer(d)}
	}
	return h.newVTimer(d, 0, nil, nil)
}

// NewTicker copies time.NewTicker: it panics if d <= 0.
func (t Time) NewTicker(d time.Duration) iface.Ticker {
	if d <= 0 {
		panic("green: non-positive interval for NewTicker")
	}
	h := t.hub()
	if h.virtual == nil {
		return realTicker{time.NewTicker(d)}
	}
	return vTicker{h.newVTimer(d, d, nil, nil)}
}

// AfterFunc copies time.AfterFunc, except that f runs in a greenlet of the
// hub (named "AfterFunc"), not a goroutine of its own. The Timer's C is nil;
// Stop reports whether it stopped the timer before the greenlet was spawned.
// If the hub has closed by then, f never runs.
func (t Time) AfterFunc(d time.Duration, f func()) iface.Timer {
	if f == nil {
		panic("green: AfterFunc of a nil function")
	}
	h := t.hub()
	spawn := func() { h.Spawn(func() error { f(); return nil }).SetName("AfterFunc") }
	if h.virtual == nil {
		return realTimer{time.AfterFunc(d, spawn)}
	}
	return h.newVTimer(d, 0, f, nil)
}

// WithTimeout copies context.WithTimeout, with the deadline on the hub's
// clock: WithDeadline(parent, Now().Add(d)).
func (t Time) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if parent == nil {
		panic("green: Time.WithTimeout of a nil parent context")
	}
	h := t.hub()
	if h.virtual == nil {
		return context.WithTimeout(parent, d)
	}
	return h.withVirtualDeadline(parent, h.Now().Add(d))
}

// WithDeadline copies context.WithDeadline, with the deadline on the hub's
// clock. On virtual time the context's Deadline is a virtual time, which
// code that compares it with the wall clock (net.Dialer, conn deadlines)
// misreads: give such code contexts of real time.
func (t Time) WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	if parent == nil {
		panic("green: Time.WithDeadline of a nil parent context")
	}
	h := t.hub()
	if h.virtual == nil {
		return context.WithDeadline(parent, d)
	}
	return h.withVirtualDeadline(parent, d)
}

// OutsideGrace is how long a virtual-time hub keeps its clock still after a
// plain goroutine's last call to its [Time], or after one of their timers or
// sleeps ended (see Time). It bounds how long a plain goroutine may take
// between two calls that must see the same virtual time, such as creating a
// timer and stopping it; each wait of a plain goroutine on virtual time costs
// about this much real time.
const OutsideGrace = 20 * time.Millisecond

// outsideHold keeps a virtual-time hub's clock still while plain goroutines
// use its Time module. Its fields are hub-only.
type outsideHold struct {
	held bool      // h.holds counts this hold
	last time.Time // real time of the last touch
}

// outsideHolds has an entry per hub under an outside hold.
var outsideHolds sync.Map // *Hub -> *outsideHold

// touchOutside records that a plain goroutine has just called the Time
// module of h, or is about to see the end of a wait: h holds its virtual
// clock still until OutsideGrace has passed without another touch. Hub
// context.
func (h *Hub) touchOutside() {
	if h.Closed() {
		return // run by a plain goroutine after the hub's end: nothing to hold
	}
	v, _ := outsideHolds.LoadOrStore(h, &outsideHold{})
	o := v.(*outsideHold)
	o.last = time.Now()
	if !o.held {
		o.held = true
		h.holds++
		o.arm(h, OutsideGrace)
	}
}

// arm checks on o after d of real time, on the hub.
func (o *outsideHold) arm(h *Hub, d time.Duration) {
	time.AfterFunc(d, func() {
		if !h.post(func() { o.check(h) }) {
			outsideHolds.Delete(h) // closed: nothing holds any more
		}
	})
}

// check releases the hold once OutsideGrace has passed since the last
// touch. Hub context.
func (o *outsideHold) check(h *Hub) {
	if left := OutsideGrace - time.Since(o.last); left > 0 {
		o.arm(h, left)
		return
	}
	o.held = false
	h.holds--
	outsideHolds.Delete(h)
}
