package green

import (
	"time"
	"weak"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Timer  = realTimer{}
	_ iface.Ticker = realTicker{}
	_ iface.Timer  = (*vtimer)(nil)
	_ iface.Ticker = vTicker{}
)

// asyncTimerChan reports whether this binary runs with the timer channels of
// Go 1.22 and earlier (GODEBUG=asynctimerchan=1), whose channel keeps a fired
// value that Stop and Reset leave there; Go 1.23 channels report cap 0.
var asyncTimerChan = func() bool {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	return cap(t.C) > 0
}()

// drainTime receives a value from c if one is ready, and reports whether it did.
func drainTime(c <-chan time.Time) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// realTimer is a *time.Timer behind iface.Timer, for real-time hubs. With Go
// 1.23 timer channels it forwards each call; with the older ones it drains
// the channel in Stop and Reset so that the iface guarantees still hold.
type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }

func (r realTimer) Stop() bool {
	active := r.t.Stop()
	if asyncTimerChan && drainTime(r.t.C) {
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

// realTicker is a *time.Ticker behind iface.Ticker, for real-time hubs.
type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }

func (r realTicker) Stop() {
	r.t.Stop()
	if asyncTimerChan {
		drainTime(r.t.C)
	}
}

func (r realTicker) Reset(d time.Duration) {
	if d <= 0 {
		panic("green: non-positive interval for Ticker.Reset") // as vTicker's
	}
	if asyncTimerChan {
		r.Stop()
	}
	r.t.Reset(d)
}

// vtimer is a timer, ticker or AfterFunc of a virtual-time hub: an entry in
// the hub's timers, so it fires when virtual time reaches it, in the
// hub's deterministic timer order.
//
// Every field but the immutable ones (h, c, f, hf) is hub-only: the methods
// reach it through h.do, so no lock is needed.
//
// The Go 1.23 guarantees come from a channel with a buffer of one that only
// the hub writes: a fire puts the value in the buffer (or hands it to a
// greenlet parked in Recv on it), and Stop and Reset, on the hub, empty the
// buffer and count a value they removed as the timer having been active,
// as the runtime counts an expired, unreceived timer.
type vtimer struct {
	h      *Hub
	t      timer
	c      chan time.Time // nil for AfterFunc
	f      func()         // AfterFunc: run in a greenlet of its own
	hf     func()         // run on the hub itself (contexts' deadlines)
	period time.Duration  // a ticker's; 0 for a timer
	recvq  waitq          // greenlets parked in Recv on c
	// outside: last armed by a plain goroutine, which will want to act on
	// its firing before virtual time moves on (see touchOutside).
	outside bool
}

// newVTimer arms a timer of h that falls due after d, then every period if
// period > 0. With f or hf non-nil it has no channel and runs them instead.
func (h *Hub) newVTimer(d, period time.Duration, f, hf func()) *vtimer {
	vt := &vtimer{h: h, f: f, hf: hf, period: period, t: timer{idx: -1}}
	if f == nil && hf == nil {
		vt.c = make(chan time.Time, 1)
		var key <-chan time.Time = vt.c
		registerHubChan(key, vt, timerFeeder{weak.Make(vt)})
	}
	vt.t.f = vt.fire
	vt.do(func() { h.addTimer(&vt.t, h.after(d)) })
	return vt
}

// do runs f in hub context. A plain goroutine's call keeps virtual time
// still for a moment (see Time and touchOutside).
func (vt *vtimer) do(f func()) {
	h := vt.h
	if h.current() != nil {
		vt.outside = false
		f()
		raceReleaseHub(h)
		return
	}
	h.read(func() {
		vt.outside = true
		h.touchOutside()
		f()
	})
}

// fire runs on the hub when vt falls due; the hub has taken vt.t off its heap.
//
// A timer armed by a plain goroutine makes the hub hold virtual time for a
// moment when it delivers (touchOutside), so that the goroutine acts on the
// value at the time it was sent. A tick dropped because nobody took the
// last one does not: a forgotten ticker then costs the hub a fire per
// period, rather than stretching every period to OutsideGrace of real time.
func (vt *vtimer) fire() {
	h := vt.h
	now := h.timeAt(vt.t.when)
	if vt.c == nil { // a context's deadline, or AfterFunc
		if vt.outside {
			h.touchOutside()
		}
		if vt.hf != nil {
			vt.hf()
			return
		}
		f := vt.f
		h.enqueue(h.newGreenlet(func() (any, error) { f(); return nil, nil }).SetName("AfterFunc"))
		return
	}
	if vt.period > 0 {
		h.addTimer(&vt.t, vt.t.when+int64(vt.period))
	}
	if g := vt.recvq.pop(); g != nil {
		g.wval = now
		h.ready(g)
		return
	}
	select {
	case vt.c <- now:
		if vt.outside {
			h.touchOutside()
		}
	default: // as Go's tickers: a tick nobody took is dropped
	}
}

// disarm takes vt off the heap and reports whether it was on it. Hub context
// (or after the hub has ended, when the heap is gone).
func (vt *vtimer) disarm() bool {
	if vt.t.idx == -1 {
		return false
	}
	if vt.h.timers.holds(&vt.t) {
		vt.h.timers.remove(&vt.t)
	} else {
		vt.t.idx = -1 // the hub has closed and dropped its timers
	}
	return true
}

// stop disarms vt and empties its channel; it reports whether vt was
// active. Hub context.
func (vt *vtimer) stop() bool {
	active := vt.disarm()
	if vt.c != nil && drainTime(vt.c) {
		active = true
	}
	return active
}

func (vt *vtimer) C() <-chan time.Time {
	if vt.c == nil {
		return nil
	}
	return vt.c
}

func (vt *vtimer) Stop() bool {
	var active bool
	vt.do(func() { active = vt.stop() })
	return active
}

func (vt *vtimer) Reset(d time.Duration) bool {
	var active bool
	vt.do(func() {
		active = vt.stop()
		vt.h.addTimer(&vt.t, vt.h.after(d))
	})
	return active
}

// vTicker is a vtimer with a period behind iface.Ticker.
type vTicker struct{ *vtimer }

func (t vTicker) Stop() { t.vtimer.Stop() }

func (t vTicker) Reset(d time.Duration) {
	if d <= 0 {
		panic("green: non-positive interval for Ticker.Reset")
	}
	t.do(func() {
		t.stop()
		t.period = d
		t.h.addTimer(&t.t, t.h.after(d))
	})
}
