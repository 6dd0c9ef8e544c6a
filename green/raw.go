package green

// Raw creates a greenlet that the hub does not schedule: greenlet's own
// API. It starts when a greenlet switches to it, receiving the switched value
// as fn's argument; when fn returns, its result goes to the greenlet's parent
// (the greenlet that called Raw, unless changed with SetParent), whose Switch
// returns it. A raw greenlet that waits (Sleep, a queue) is parked and resumed
// by the hub like any other.
func (h *Hub) Raw(fn func(any) (any, error)) *Greenlet {
	if fn == nil {
		panic("green: Raw of a nil function")
	}
	g := h.newGreenlet(nil)
	g.pc = funcPC(fn)
	g.ext().raw = fn
	g.x.parent = h.current()
	inherit(g, g.x.parent)
	if !h.do(func() { h.adopt(g, "raw") }) {
		// As Spawn on a closed hub: a greenlet that ended unstarted.
		g.state, g.err = stDead, ErrClosed
	}
	return g
}

// Parent returns the greenlet that receives g's result when g ends, or nil.
func (g *Greenlet) Parent() *Greenlet {
	g.check("Parent")
	var p *Greenlet
	g.h.read(func() {
		if g.x != nil {
			p = g.x.parent
		}
	})
	return p
}

// SetParent makes p the greenlet that receives g's result. It panics if that
// would make a cycle.
func (g *Greenlet) SetParent(p *Greenlet) {
	g.check("SetParent")
	g.h.do(func() {
		for q := p; q != nil; q = q.Parent() {
			if q == g {
				panic("green: SetParent would make a cycle")
			}
		}
		g.ext().parent = p
	})
}

// Switch hands control to g at once, passing v: a new raw greenlet starts
// with fn(v); one suspended in its own Switch sees that Switch return (v,
// nil). The caller stays suspended until something switches back to it, or
// until a greenlet whose parent it is ends, and then returns what it was
// given. Switch must be called from a greenlet of g's hub, and g must be a new
// or suspended raw greenlet (or the caller, which returns v at once).
func (g *Greenlet) Switch(v any) (any, error) { return g.switchTo(v, nil) }

// Throw is Switch delivering an error: the target's pending Switch returns
// (nil, err). A raw greenlet that has not started does not start: it ends at
// once with err, which goes to its parent.
func (g *Greenlet) Throw(err error) (any, error) {
	if err == nil {
		panic("green: Throw of a nil error")
	}
	return g.switchTo(nil, err)
}

func (g *Greenlet) switchTo(v any, err error) (any, error) {
	g.check("Switch")
	h := g.h
	c := h.current()
	if c == nil {
		panic("green: Switch called from outside a greenlet of the target's hub")
	}
	if c == g {
		return v, err
	}
	ok := g.state == stSuspended || g.state == stNew && g.x != nil && g.x.raw != nil
	if !ok {
		panic("green: Switch to " + g.Name() + ", which is " + g.state.String() +
			"; only a new or suspended raw greenlet can be switched to")
	}
	c.state = stSuspended
	c.waitsOn = "switch"
	if g.state == stNew {
		if err != nil {
			g.err = err
			g.finish() // hands the error to its parent
		} else {
			g.x.swVal = v
			h.direct = g
		}
	} else {
		g.ext().swVal, g.x.swErr = v, err
		h.direct = g
	}
	c.giveUp()
	if werr := c.resumed(); werr != nil {
		return nil, werr
	}
	x := c.ext()
	rv, rerr := x.swVal, x.swErr
	x.swVal, x.swErr = nil, nil
	return rv, rerr
}

// returnToParent hands an ended raw greenlet's result to the nearest living
// ancestor suspended in Switch. Hub context.
func (g *Greenlet) returnToParent() {
	p := g.x.parent
	for p != nil && p.state == stDead {
		if p.x == nil {
			return
		}
		p = p.x.parent
	}
	if p == nil || p.state != stSuspended {
		return
	}
	p.ext().swVal, p.x.swErr = g.value, g.err
	g.h.direct = p
}
