package green

import (
	"slices"
	"time"
)

// Group is a set of greenlets that are waited for and killed together,
// gevent.pool.Group: Spawn starts a member, Join waits until none is left,
// Kill kills them all. A greenlet leaves the group when it ends.
//
// The zero Group is empty and binds to the hub of its first user (see Bind).
// Its methods may be called from greenlets of that hub and from outside
// goroutines; an outside goroutine that waits blocks only itself.
type Group struct{ g group }

// Pool is a Group with at most size members at once, gevent.pool.Pool:
// Spawn waits while the pool is full, and Map, Imap and ImapUnordered run
// their calls at most size at a time. Waiting spawners get the free slots in
// the order they came.
//
// The zero Pool has no size limit (gevent's Pool(None)), which makes it a
// Group with Pool's methods.
type Pool struct{ g group }

// NewGroup returns an empty Group; the zero Group is as good.
func NewGroup() *Group { return &Group{} }

// NewPool returns an empty Pool of size slots. It panics if size < 1.
func NewPool(size int) *Pool {
	if size < 1 {
		panic("green: NewPool with a size below one")
	}
	return &Pool{g: group{size: size}}
}

// group is what Group and Pool share.
type group struct {
	b binding

	// Hub-only state: read and written only in hub context.
	size     int                  // > 0: at most this many members (Pool)
	members  map[*Greenlet]member // live members
	seq      uint64               // joining order
	reserved int                  // slots handed to woken spawners not yet spawned
	spawners waitq                // greenlets waiting for a free slot
	joiners  waitq                // greenlets in Join
	err      error                // first error a member ended with
}

// Spawner is where Map, Imap and ImapUnordered start their calls: a *Pool
// (at most its size at once) or a *Group (all at once).
type Spawner interface {
	group() *group
}

func (p *Pool) group() *group {
	if p == nil {
		panic("green: a nil *Pool used as a Spawner")
	}
	return &p.g
}

func (g *Group) group() *group {
	if g == nil {
		panic("green: a nil *Group used as a Spawner")
	}
	return &g.g
}

// Bind binds g to h, for a Group whose first user might be an outside
// goroutine of a hub other than the default one. It panics if g is already
// bound to another hub. It returns g.
func (g *Group) Bind(h *Hub) *Group {
	g.g.b.bind(h, "Group")
	return g
}

// Spawn starts fn in a new greenlet of the group's hub and adds it to g. On
// a closed hub it returns a greenlet that ended unstarted with Err
// ErrClosed, as Hub.Spawn does.
func (g *Group) Spawn(fn func() error) *Greenlet {
	return g.g.spawnFront(wrapErr(fn), funcPC(fn), "Group.Spawn")
}

// SpawnValue is Spawn for a function with a result.
func (g *Group) SpawnValue(fn func() (any, error)) *Greenlet {
	if fn == nil {
		panic("green: Group.SpawnValue of a nil function")
	}
	return g.g.spawnFront(fn, funcPC(fn), "Group.Spawn")
}

// Add adds gr, a greenlet of the group's hub, to g; it leaves g when it
// ends. Adding a greenlet that has ended does nothing.
func (g *Group) Add(gr *Greenlet) { g.g.addFront(gr) }

// Discard removes gr from g without waiting for it or killing it.
func (g *Group) Discard(gr *Greenlet) { g.g.discardFront(gr) }

// Len returns the number of members.
func (g *Group) Len() int { return g.g.lenFront() }

// Greenlets returns the members, in the order they joined.
func (g *Group) Greenlets() []*Greenlet { return g.g.list() }

// Join waits until g has no member left. It returns the first error a
// member of g ended with (a killed member's is nil), or the error of an
// enclosing Timeout, a deadlock or a closed hub.
func (g *Group) Join() error { return g.g.joinFront(block, 0) }

// JoinTimeout is Join bounded by d: it returns a *TimeoutError (errors.Is(err,
// ErrTimeout)) if members are still running by then.
func (g *Group) JoinTimeout(d time.Duration) error { return g.g.joinFront(bounded, d) }

// Kill kills every member and waits until they have ended.
func (g *Group) Kill() { KillAll(g.g.list()...) }

// Bind is Group.Bind.
func (p *Pool) Bind(h *Hub) *Pool {
	p.g.b.bind(h, "Pool")
	return p
}

// Spawn waits until p has a free slot, then starts fn in a new greenlet that
// holds the slot until it ends. The wait has no error result: in a greenlet
// a Timeout, kill or deadlock unwinds from it; an outside goroutine panics
// on a deadlock. If the hub is closed or closes meanwhile, Spawn returns a
// greenlet that ended unstarted with Err ErrClosed, as Hub.Spawn does.
func (p *Pool) Spawn(fn func() error) *Greenlet {
	return p.g.spawnFront(wrapErr(fn), funcPC(fn), "Pool.Spawn")
}

// SpawnValue is Spawn for a function with a result.
func (p *Pool) SpawnValue(fn func() (any, error)) *Greenlet {
	if fn == nil {
		panic("green: Pool.SpawnValue of a nil function")
	}
	return p.g.spawnFront(fn, funcPC(fn), "Pool.Spawn")
}

// Add adds gr, a greenlet of the pool's hub, to p without waiting for a
// slot, as gevent's Pool.add does not; it counts against the size.
func (p *Pool) Add(gr *Greenlet) { p.g.addFront(gr) }

// Discard is Group.Discard; the slot is free at once.
func (p *Pool) Discard(gr *Greenlet) { p.g.discardFront(gr) }

// Len returns the number of members.
func (p *Pool) Len() int { return p.g.lenFront() }

// Size returns the number of slots; 0 means no limit.
func (p *Pool) Size() int {
	var n int
	p.g.inspect(func() { n = p.g.size })
	return n
}

// FreeCount returns the number of free slots; for a pool without a limit it
// is math.MaxInt.
func (p *Pool) FreeCount() int {
	var n int
	p.g.inspect(func() { n = p.g.free() })
	return n
}

// WaitAvailable waits until p has a free slot, without taking it. It
// returns nil then, or the error of an enclosing Timeout, a deadlock or a
// closed hub.
func (p *Pool) WaitAvailable() error { return p.g.waitAvailable(block, 0) }

// WaitAvailableTimeout is WaitAvailable bounded by d: it returns a
// *TimeoutError (errors.Is(err, ErrTimeout)) if p is still full by then.
func (p *Pool) WaitAvailableTimeout(d time.Duration) error { return p.g.waitAvailable(bounded, d) }

// Greenlets is Group.Greenlets.
func (p *Pool) Greenlets() []*Greenlet { return p.g.list() }

// Join is Group.Join.
func (p *Pool) Join() error { return p.g.joinFront(block, 0) }

// JoinTimeout is Group.JoinTimeout.
func (p *Pool) JoinTimeout(d time.Duration) error { return p.g.joinFront(bounded, d) }

// Kill is Group.Kill.
func (p *Pool) Kill() { KillAll(p.g.list()...) }

func wrapErr(fn func() error) func() (any, error) {
	if fn == nil {
		panic("green: Spawn of a nil function")
	}
	return func() (any, error) { return nil, fn() }
}

// inspect runs f in hub context, for the read-only methods; on a closed hub
// they answer from its final state.
func (g *group) inspect(f func()) { g.b.hub().read(f) }

func (g *group) lenFront() int {
	var n int
	g.inspect(func() { n = len(g.members) })
	return n
}

// free returns the number of free slots. Hub context.
func (g *group) free() int {
	if g.size <= 0 {
		return int(^uint(0) >> 1)
	}
	return max(0, g.size-len(g.members)-g.reserved)
}

func (g *group) list() []*Greenlet {
	var l []*Greenlet
	g.inspect(func() {
		l = make([]*Greenlet, 0, len(g.members))
		for m := range g.members {
			l = append(l, m)
		}
		slices.SortFunc(l, func(a, b *Greenlet) int {
			if g.members[a].seq < g.members[b].seq {
				return -1
			}
			return 1
		})
	})
	return l
}

func (g *group) spawnFront(fn func() (any, error), pc uintptr, what string) *Greenlet {
	h := g.b.hub()
	if c := h.current(); c != nil {
		gr, err := g.spawn(c, fn, pc, nil)
		raceReleaseHub(h)
		must(err)
		return gr
	}
	var gr *Greenlet
	err := h.op(func(c *Greenlet) error {
		var err error
		gr, err = g.spawn(c, fn, pc, nil)
		return err
	})
	if err == ErrClosed {
		// As Hub.Spawn on a closed hub: a greenlet that ended unstarted.
		gr = h.newGreenlet(fn)
		gr.state, gr.err = stDead, ErrClosed
		return gr
	}
	orPanic(err, what)
	return gr
}

// spawn waits for a free slot, then starts fn in a new member; note, if
// not nil, runs in hub context when the member ends. Hub context; c is nil
// if the hub has closed.
func (g *group) spawn(c *Greenlet, fn func() (any, error), pc uintptr, note func(*Greenlet)) (*Greenlet, error) {
	if c == nil {
		return nil, ErrClosed
	}
	if err := g.waitSlot(c, false, block, 0); err != nil {
		return nil, err
	}
	h := g.b.hub()
	gr := h.newGreenlet(fn)
	gr.pc = pc
	h.enqueue(gr)
	g.add(gr, note)
	return gr, nil
}

// waitSlot waits until a slot is free (or reserved for c by the member that
// freed it); with keep false it takes the slot, else it leaves it free.
// Hub context.
func (g *group) waitSlot(c *Greenlet, keep bool, m mode, d time.Duration) error {
	if g.free() > 0 {
		return nil
	}
	switch {
	case m == bounded && d <= 0:
		return &TimeoutError{After: d}
	case c == nil:
		return ErrClosed
	}
	g.spawners.push(c)
	var err error
	if m == bounded {
		err, _ = awaitFor(c, "Pool.Spawn", nil, d)
	} else {
		err = await(c, "Pool.Spawn", nil)
	}
	if err != nil {
		return err
	}
	g.reserved-- // the slot the waker reserved for c is c's now
	if keep {
		g.handOff()
	}
	return nil
}

// handOff gives free slots to waiting spawners, reserving one for each.
// Hub context.
func (g *group) handOff() {
	for g.free() > 0 {
		s := g.spawners.pop()
		if s == nil {
			return
		}
		g.reserved++
		s.wval = granted
		s.h.ready(s)
	}
}

func (g *group) waitAvailable(m mode, d time.Duration) error {
	h := g.b.hub()
	if c := h.current(); c != nil {
		return ret(h, g.waitSlot(c, true, m, d))
	}
	return h.call2(func(c *Greenlet) error { return g.waitSlot(c, true, m, d) })
}

// add makes gr a member. Hub context.
func (g *group) add(gr *Greenlet, note func(*Greenlet)) {
	if gr.state == stDead {
		if note != nil {
			note(gr)
		}
		return
	}
	if _, ok := g.members[gr]; ok {
		return
	}
	if g.members == nil {
		g.members = make(map[*Greenlet]member)
	}
	g.seq++
	leave := &notifier{f: func() {
		if gr.err != nil && g.err == nil {
			g.err = gr.err
		}
		g.discard(gr)
	}}
	g.members[gr] = member{seq: g.seq, leave: leave}
	gr.addNote(leave)
	if note != nil {
		// Apart from leave: a member discarded early still reports its
		// end to whoever spawned it (Map's results).
		gr.addNote(&notifier{f: func() { note(gr) }})
	}
}

// member is what a group keeps of a live member.
type member struct {
	seq   uint64    // order of joining
	leave *notifier // on gr's notes: leaves the group when gr ends
}

func (g *group) addFront(gr *Greenlet) {
	if gr == nil {
		panic("green: Add of a nil greenlet")
	}
	h := g.b.hub()
	if gr.h != h {
		panic("green: Add of a greenlet of another hub")
	}
	h.do(func() { g.add(gr, nil) })
}

func (g *group) discardFront(gr *Greenlet) { g.b.hub().do(func() { g.discard(gr) }) }

// discard removes gr from the members and passes its slot on. Hub context.
func (g *group) discard(gr *Greenlet) {
	m, ok := g.members[gr]
	if !ok {
		return
	}
	delete(g.members, gr)
	// A discarded greenlet's end is no longer the group's business (its
	// error is not Join's), and a later Add links a fresh notifier.
	gr.dropNote(m.leave)
	g.handOff()
	if len(g.members) == 0 {
		for j := g.joiners.pop(); j != nil; j = g.joiners.pop() {
			j.wval = granted
			j.h.ready(j)
		}
	}
}

func (g *group) joinFront(m mode, d time.Duration) error {
	h := g.b.hub()
	if c := h.current(); c != nil {
		return ret(h, g.join(c, m, d))
	}
	return h.call2(func(c *Greenlet) error { return g.join(c, m, d) })
}

// join waits until no member is left. Hub context.
func (g *group) join(c *Greenlet, m mode, d time.Duration) error {
	if len(g.members) > 0 {
		switch {
		case m == bounded && d <= 0:
			return &TimeoutError{After: d}
		case c == nil:
			return ErrClosed
		}
		g.joiners.push(c)
		var err error
		if m == bounded {
			err, _ = awaitFor(c, "Group.Join", nil, d)
		} else {
			err = await(c, "Group.Join", nil)
		}
		if err != nil {
			return err
		}
	}
	return g.err
}
