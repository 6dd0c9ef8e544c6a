package green

import (
	"runtime"
	"sync"
	"time"
	"weak"
)

// Channels that a virtual-time hub feeds itself: those of the time
// module's timers and tickers, and the Done channels of its contexts.
//
// Recv must not wait on such a channel with a helper goroutine: while one
// waits, the hub counts outside work in flight and holds virtual time
// still, so the timer that would feed the channel never fires and the
// greenlet waits forever. So Recv asks recvHubChan first: for these
// channels the greenlet parks on the timer or context, and the hub hands
// it the value (or the close) when virtual time gets there, in its
// deterministic order. A Timeout, context or kill ends the wait as for any
// green wait.

// hubChans maps each such channel, typed as Recv sees it (<-chan T), to its
// feeder. An entry goes when the timer or context is collected: once no heap
// and no handle refers to it, nothing will ever send on the channel.
var hubChans sync.Map // <-chan T -> hubFeeder

// hubFeeder waits for what the hub delivers on one channel.
type hubFeeder interface {
	// recv waits, in g, for the next value or the close of the channel,
	// unless the feeder belongs to another hub (handled false). Hub
	// context, on g.
	recv(g *Greenlet) (v any, ok bool, err error, handled bool)
}

// registerHubChan records that the hub feeds key through f, for as long as
// owner (which f refers to weakly) lives.
func registerHubChan[K comparable, O any](key K, owner *O, f hubFeeder) {
	hubChans.Store(key, f)
	runtime.AddCleanup(owner, func(k K) { hubChans.Delete(k) }, key)
}

// recvHubChan is Recv's slow path for a channel the hub feeds itself; it
// reports handled false for any other channel. Hub context, on the calling
// greenlet of h. gochan.go's Recv calls it after its fast path.
func recvHubChan[T any](h *Hub, ch <-chan T) (v T, ok bool, err error, handled bool) {
	if h.virtual == nil {
		return v, false, nil, false
	}
	f, found := hubChans.Load(ch)
	if !found {
		return v, false, nil, false
	}
	x, ok, err, handled := f.(hubFeeder).recv(h.current())
	if x != nil {
		v = x.(T)
	}
	return v, ok, err, handled
}

// timerFeeder feeds a vtimer's channel.
type timerFeeder struct{ p weak.Pointer[vtimer] }

func (f timerFeeder) recv(g *Greenlet) (any, bool, error, bool) {
	vt := f.p.Value()
	if vt == nil || vt.h != g.h {
		return nil, false, nil, false
	}
	select {
	case v := <-vt.c:
		return v, true, nil, true
	default:
	}
	vt.recvq.push(g)
	if err := g.park("timer channel"); err != nil {
		return nil, false, err, true
	}
	v, _ := g.wval.(time.Time)
	g.wval = nil
	return v, true, nil, true
}

// ctxFeeder feeds (closes) a vctx's Done channel.
type ctxFeeder struct{ p weak.Pointer[vctx] }

func (f ctxFeeder) recv(g *Greenlet) (any, bool, error, bool) {
	c := f.p.Value()
	if c == nil || c.h != g.h {
		return nil, false, nil, false
	}
	select {
	case <-c.done:
		return nil, false, nil, true
	default:
	}
	c.recvq.push(g)
	if err := g.park("context done"); err != nil {
		return nil, false, err, true
	}
	return nil, false, nil, true
}
