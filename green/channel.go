package green

import "time"

// Channel is a rendezvous between greenlets, gevent.queue.Channel: it holds
// no item, so a Put waits until a Get takes its value and a Get waits until
// a Put brings one. Waiting putters and getters are served in the order they
// came.
//
// A Put that finds a getter parked hands its value over and returns at once,
// without switching, like a send on an unbuffered Go channel whose receiver
// is waiting: the getter runs when the putter next waits or yields. gevent's
// Channel.put switches to the hub even then; that extra switch buys nothing
// and would double the cost of a handoff.
//
// The zero Channel is ready to use and binds to the hub of its first user
// (see Bind). Its methods may be called from greenlets of that hub and from
// outside goroutines; an outside goroutine that waits blocks only itself
// (see Queue for holding the hub while outside goroutines wait on each other).
type Channel[T any] struct {
	b binding

	// Hub-only state: read and written only in hub context.
	getters waitq    // parked in Get; only while putters is empty
	putters waitq    // parked in Put, each with its value in a node
	nodes   nodes[T] // recycled handoff nodes
}

// NewChannel returns a Channel; the zero Channel is as good.
func NewChannel[T any]() *Channel[T] { return &Channel[T]{} }

// Bind binds ch to h, for a Channel whose first user might be an outside
// goroutine of a hub other than the default one. It panics if ch is already
// bound to another hub. It returns ch.
func (ch *Channel[T]) Bind(h *Hub) *Channel[T] {
	ch.b.bind(h, "Channel")
	return ch
}

// Put hands v to a getter, waiting until one takes it. It returns nil once
// one has, or the error of an enclosing Timeout, a deadlock or a closed hub.
// A kill unwinds from the wait (v is not delivered), unless a getter took v
// already: then Put returns nil and the kill comes at the next wait.
func (ch *Channel[T]) Put(v T) error {
	h := ch.b.hub()
	if c := h.current(); c != nil {
		return ret(h, ch.put(c, v, block, 0))
	}
	return h.op(func(c *Greenlet) error { return ch.put(c, v, block, 0) })
}

// TryPut hands v to a getter that is already waiting, or returns ErrFull.
func (ch *Channel[T]) TryPut(v T) error { return ch.putFront(v, nowait, 0) }

// PutTimeout is Put bounded by d on the hub's clock: if no getter took v by
// then, it returns an error matching both ErrFull and ErrTimeout.
func (ch *Channel[T]) PutTimeout(v T, d time.Duration) error { return ch.putFront(v, bounded, d) }

// Get takes a value from a putter, waiting until one comes. It fails only
// with the error of an enclosing Timeout, a deadlock or a closed hub. A kill
// unwinds from the wait, unless a value was already handed over: then Get
// returns it and the kill comes at the caller's next wait.
func (ch *Channel[T]) Get() (T, error) {
	h := ch.b.hub()
	if c := h.current(); c != nil {
		v, err := ch.get(c, block, 0)
		raceReleaseHub(h)
		return v, err
	}
	return ch.getOutside(h, block, 0)
}

// TryGet takes a value from a putter that is already waiting, or returns
// ErrEmpty.
func (ch *Channel[T]) TryGet() (T, error) { return ch.getFront(nowait, 0) }

// GetTimeout is Get bounded by d on the hub's clock: if no putter came by
// then, it returns an error matching both ErrEmpty and ErrTimeout.
func (ch *Channel[T]) GetTimeout(d time.Duration) (T, error) { return ch.getFront(bounded, d) }

// Balance returns the number of waiting putters minus the number of waiting
// getters, gevent's Channel.balance.
func (ch *Channel[T]) Balance() int {
	h := ch.b.hub()
	if h.current() != nil {
		return ret(h, ch.putters.len()-ch.getters.len())
	}
	var n int
	h.read(func() { n = ch.putters.len() - ch.getters.len() })
	return n
}

func (ch *Channel[T]) putFront(v T, m mode, d time.Duration) error {
	h := ch.b.hub()
	if c := h.current(); c != nil {
		return ret(h, ch.put(c, v, m, d))
	}
	return h.op(func(c *Greenlet) error { return ch.put(c, v, m, d) })
}

func (ch *Channel[T]) getFront(m mode, d time.Duration) (T, error) {
	h := ch.b.hub()
	if c := h.current(); c != nil {
		v, err := ch.get(c, m, d)
		raceReleaseHub(h)
		return v, err
	}
	return ch.getOutside(h, m, d)
}

func (ch *Channel[T]) getOutside(h *Hub, m mode, d time.Duration) (T, error) {
	var v T
	err := h.op(func(c *Greenlet) error {
		var err error
		v, err = ch.get(c, m, d)
		return err
	})
	return v, err
}

// put is the hub-context Put; c is nil if the hub has closed. This and get
// are the handoff path of BenchmarkChannelHandoff: no allocation once the
// node list is warm, no lock.
func (ch *Channel[T]) put(c *Greenlet, v T, m mode, d time.Duration) error {
	if g := ch.getters.pop(); g != nil {
		g.wval = ch.nodes.get(v)
		g.h.ready(g)
		return nil
	}
	switch {
	case m == nowait:
		return ErrFull
	case m == bounded && d <= 0:
		return &queueError{ErrFull, &TimeoutError{After: d}}
	case c == nil:
		return ErrClosed
	}
	n := ch.nodes.get(v)
	ch.putters.push(c)
	defer func() {
		// However the wait ends without a getter taking n (an error, or a
		// kill unwinding through here), n goes back to the free list.
		if c.wval == any(n) {
			ch.nodes.take(n)
			c.wval = nil
		}
	}()
	var err error
	if m == bounded {
		var te error
		if err, te = awaitFor(c, "Channel.Put", n, d); err != nil && err == te {
			err = &queueError{ErrFull, te}
		}
	} else {
		err = await(c, "Channel.Put", n)
	}
	return err
}

// get is the hub-context Get; c is nil if the hub has closed.
func (ch *Channel[T]) get(c *Greenlet, m mode, d time.Duration) (T, error) {
	var zero T
	if p := ch.putters.pop(); p != nil {
		v := ch.nodes.take(p.wval.(*node[T]))
		p.wval = granted
		p.h.ready(p)
		return v, nil
	}
	switch {
	case m == nowait:
		return zero, ErrEmpty
	case m == bounded && d <= 0:
		return zero, &queueError{ErrEmpty, &TimeoutError{After: d}}
	case c == nil:
		return zero, ErrClosed
	}
	ch.getters.push(c)
	var err error
	if m == bounded {
		var te error
		if err, te = awaitFor(c, "Channel.Get", nil, d); err != nil && err == te {
			err = &queueError{ErrEmpty, te}
		}
	} else {
		err = await(c, "Channel.Get", nil)
	}
	if err != nil {
		return zero, err
	}
	n := c.wval.(*node[T])
	c.wval = nil
	return ch.nodes.take(n), nil
}
