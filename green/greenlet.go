package green

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"unsafe"
)

type gstate uint8

const (
	stNew       gstate = iota // spawned or created, not started
	stRunnable                // in the run queue
	stRunning                 // holds the hub
	stWaiting                 // parked in a wait
	stSuspended               // raw: parked in Switch, resumed only by a switch to it
	stDead                    // ended
	stDetached                // in a foreign wait, detached from the hub (handoff.go)
)

var stateNames = [...]string{"new", "runnable", "running", "waiting", "suspended", "dead", "detached"}

func (s gstate) String() string { return stateNames[s] }

// Greenlet is a function running on a hub, cooperatively: it holds the hub
// from the moment it is resumed until it waits, yields or returns.
//
// A Greenlet is made by Spawn, SpawnLater or Raw. Its methods may be called
// from any goroutine; from outside the hub they wait only the calling
// goroutine.
type Greenlet struct {
	h     *Hub
	w     *worker // set when it starts, never cleared
	fn    func() (any, error)
	efn   func() error // Spawn's function, kept as given: no wrapper closure per spawn
	pc    uintptr      // entry of the function spawned, for its default name
	state gstate
	id    uint32 // see ID; in state's padding, so a Greenlet fits the 256-byte size class

	value  any
	err    error
	killed bool

	// The wait it is parked in.
	wq           *waitq
	wnext, wprev *Greenlet
	wval         any    // value handed over by a waker
	waitsOn      string // what it waits on, for dumps (see describeWait)
	wakeErr      error  // why it was woken, if not by its waker
	killReq      bool   // a kill is pending: unwind at the next wait
	sleep        timer

	anext, aprev *Greenlet  // in h.all
	x            *extra     // rarely used fields
	inh          *inherited // Inherited values; shared with children, copied on write
	note         *notifier  // the first of the notifiers run when it ends (see addNote)

	// name is read by the blocking monitor's goroutine, hence atomic.
	name atomic.Pointer[string]
}

// extra holds what most greenlets never use, to keep a parked greenlet small.
type extra struct {
	outside  bool // runs an outside goroutine's call (see call)
	parent   *Greenlet
	raw      func(any) (any, error)
	links    []func(*Greenlet)
	joiners  waitq
	locals   map[any]any
	timeouts []*timeout
	pendErr  error       // a timeout that fell due while it was not waiting
	swVal    any         // value passed by Switch
	swErr    error       // error passed by Throw
	notes    []*notifier // notifiers after note, run when it ends (see addNote)
}

// addNote links n to run when g ends (a Wait, a JoinAll, a group's
// membership). The first one goes in g.note, in the Greenlet itself: a
// greenlet watched at all has one watcher most of the time, and extra is
// an allocation of its own. They run in the order they were linked: the
// slot is taken only when no later note is waiting in extra. Hub context.
func (g *Greenlet) addNote(n *notifier) {
	if g.note == nil && (g.x == nil || len(g.x.notes) == 0) {
		g.note = n
		return
	}
	x := g.ext()
	x.notes = append(x.notes, n)
}

// dropNote unlinks n, which may have run already. Hub context.
func (g *Greenlet) dropNote(n *notifier) {
	if g.note == n {
		g.note = nil
	} else if g.x != nil {
		unlinkNote(&g.x.notes, n)
	}
}

// runNote runs and clears the note in the slot. Hub context.
func (g *Greenlet) runNote() {
	if n := g.note; n != nil {
		g.note = nil
		n.run()
	}
}

func (g *Greenlet) ext() *extra {
	if g.x == nil {
		g.x = &extra{}
	}
	return g.x
}

// check panics if g is nil, so that a method called on a nil *Greenlet (a
// slot of a slice never filled, say) says so at the call.
func (g *Greenlet) check(method string) {
	if g == nil {
		panic("green: Greenlet." + method + " called on a nil *Greenlet")
	}
}

// ID returns g's number in its hub: 1 for the first greenlet spawned (or
// created with Raw), 2 for the next, and so on, in the order the hub
// registered them; 0 until it has (a Spawn from a plain goroutine
// registers when the hub takes it in). On a virtual clock IDs are the same
// on every run, which makes them the names of greenlets in a [Trace]. They
// wrap after 2^32 greenlets.
func (g *Greenlet) ID() uint64 { g.check("ID"); return uint64(g.id) }

// Hub returns the hub g runs on.
func (g *Greenlet) Hub() *Hub { g.check("Hub"); return g.h }

// Name returns g's name: the one given with SetName, or its spawn site,
// the function spawned and where it is defined ("main.serve.func1
// (server.go:42)"), or else "greenlet-<addr>".
func (g *Greenlet) Name() string {
	g.check("Name")
	if p := g.name.Load(); p != nil {
		return *p
	}
	if g.pc != 0 {
		if s, ok := siteNames.Load(g.pc); ok {
			return s.(string)
		}
		if f := runtime.FuncForPC(g.pc); f != nil {
			file, line := f.FileLine(g.pc)
			s, _ := siteNames.LoadOrStore(g.pc, fmt.Sprintf("%s (%s:%d)", f.Name(), filepath.Base(file), line))
			return s.(string)
		}
	}
	return fmt.Sprintf("greenlet-%p", g)
}

// siteNames caches spawn-site names by function entry: a process has few
// sites and may have a million greenlets to name.
var siteNames sync.Map // uintptr -> string

// SetName names g in dumps, reports and errors, and returns g. It may be
// called from any goroutine at any time.
func (g *Greenlet) SetName(name string) *Greenlet {
	g.check("SetName")
	g.name.Store(&name)
	return g
}

func (g *Greenlet) String() string { return g.Name() }

func (h *Hub) newGreenlet(fn func() (any, error)) *Greenlet {
	return &Greenlet{h: h, fn: fn, sleep: timer{idx: -1}}
}

// funcPC returns the entry of the function f (a func value of any type):
// a func value points to a closure record whose first word is the entry.
func funcPC[F any](f F) uintptr {
	return **(**uintptr)(unsafe.Pointer(&f))
}

// enqueue registers a new greenlet and schedules its start. Hub context.
func (h *Hub) enqueue(g *Greenlet) {
	h.adopt(g, "")
	h.stats.Spawned++
	h.startq.push(g)
}

// run runs g's function on its worker and records how it ended.
func (g *Greenlet) run() {
	normal := false
	defer func() {
		// A detached greenlet rejoins the hub before it ends (current
		// waits for it); for any other, this is one load.
		g.h.current()
		if normal {
			g.finish()
			return
		}
		p := recover()
		switch u := p.(type) {
		case nil:
			// runtime.Goexit is unwinding this goroutine and cannot be
			// stopped: end g, hand control back to the hub for good, and
			// let the hub retire the worker (which resumes us to finish
			// the Goexit on a throwaway goroutine).
			g.err = errGoexit
			g.finish()
			w := g.w
			w.dead = true
			w.yield(struct{}{})
			return
		case unwind:
			if u.err == errKill {
				g.killed = true
			} else {
				g.err = u.err
			}
		default:
			g.err = &PanicError{Value: p, Stack: debug.Stack()}
		}
		if _, ok := g.err.(*PanicError); ok {
			g.h.stats.Panics++
			g.h.reportPanic(g)
		}
		g.finish()
	}()
	if g.x != nil && g.x.raw != nil {
		raw, v := g.x.raw, g.x.swVal
		raceReleaseHub(g.h)
		g.value, g.err = raw(v)
	} else {
		fn, efn := g.fn, g.efn
		raceReleaseHub(g.h)
		if efn != nil {
			g.err = efn()
		} else {
			g.value, g.err = fn()
		}
	}
	normal = true
}

// finish marks g dead and tells whoever waits for it. Hub context, on g's worker.
func (g *Greenlet) finish() {
	h := g.h
	g.state = stDead
	if h.tr != nil {
		h.traceEnd(g)
	}
	g.fn, g.efn = nil, nil
	h.all.remove(g)
	if g.x == nil {
		g.runNote()
		return
	}
	for _, t := range g.x.timeouts {
		t.cancel()
	}
	g.x.timeouts = nil
	for j := g.x.joiners.pop(); j != nil; j = g.x.joiners.pop() {
		h.ready(j)
	}
	g.runNote()
	notify(&g.x.notes)
	for _, f := range g.x.links {
		f := f
		h.enqueue(h.newGreenlet(func() (any, error) { f(g); return nil, nil }).SetName(g.Name() + " link"))
	}
	g.x.links = nil
	if g.x.raw != nil {
		g.x.raw = nil
		g.returnToParent()
	}
}

func (h *Hub) reportPanic(g *Greenlet) {
	if h.opts.OnPanic != nil {
		h.opts.OnPanic(g)
		return
	}
	fmt.Fprintf(os.Stderr, "green: %s ended in a panic (the hub keeps running):\n%v\n", g.Name(), g.err)
}

// Ready reports whether g has ended.
func (g *Greenlet) Ready() bool {
	g.check("Ready")
	var r bool
	g.h.read(func() { r = g.state == stDead })
	return r
}

// Successful reports whether g ended without error (a killed greenlet ends
// successfully, as in gevent: GreenletExit is not a failure).
func (g *Greenlet) Successful() bool {
	g.check("Successful")
	var r bool
	g.h.read(func() { r = g.state == stDead && g.err == nil })
	return r
}

// Killed reports whether g ended because it was killed.
func (g *Greenlet) Killed() bool {
	g.check("Killed")
	var r bool
	g.h.read(func() { r = g.killed })
	return r
}

// Value returns what g's function returned (nil until it has ended, and for
// greenlets spawned with a func() error).
func (g *Greenlet) Value() any {
	g.check("Value")
	var v any
	g.h.read(func() { v = g.value })
	return v
}

// Err returns the error g ended with: its function's error, a *PanicError,
// a timeout or deadlock error that unwound it, or nil.
func (g *Greenlet) Err() error {
	g.check("Err")
	var err error
	g.h.read(func() { err = g.err })
	return err
}

// Link arranges for f(g) to run in a greenlet of its own once g has ended
// (at once if it has).
func (g *Greenlet) Link(f func(*Greenlet)) {
	g.check("Link")
	if f == nil {
		panic("green: Link of a nil function")
	}
	g.h.do(func() {
		if g.state == stDead {
			g.h.enqueue(g.h.newGreenlet(func() (any, error) { f(g); return nil, nil }))
			return
		}
		g.ext().links = append(g.ext().links, f)
	})
}

// gList is an intrusive doubly-linked list of the hub's live greenlets.
type gList struct {
	head *Greenlet
	n    int
}

func (l *gList) add(g *Greenlet) {
	g.anext = l.head
	if l.head != nil {
		l.head.aprev = g
	}
	l.head = g
	l.n++
}

func (l *gList) remove(g *Greenlet) {
	if g.aprev != nil {
		g.aprev.anext = g.anext
	} else if l.head == g {
		l.head = g.anext
	} else {
		return
	}
	if g.anext != nil {
		g.anext.aprev = g.aprev
	}
	g.anext, g.aprev = nil, nil
	l.n--
}

// describeWait says what g waits on, for dumps and deadlock reports. A join
// or kill names its target, which it keeps in wval while it waits.
func (g *Greenlet) describeWait() string {
	if t, ok := g.wval.(*Greenlet); ok && (g.waitsOn == "join" || g.waitsOn == "kill") {
		return g.waitsOn + " " + t.Name()
	}
	return g.waitsOn
}
