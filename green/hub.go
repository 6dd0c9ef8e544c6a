package green

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a hub. The zero value is a real-time hub with the
// defaults below.
type Options struct {
	// Clock is the clock of the hub's timers: nil or RealClock{} for real
	// time, a *VirtualClock for virtual time.
	Clock Clock

	// MaxBlockingTime is how long one greenlet may hold the hub before the
	// blocking monitor reports it. Zero means the value of the environment
	// variable GREENSHIM_MAX_BLOCKING_TIME (a time.ParseDuration string), or
	// 100ms; negative disables the monitor.
	MaxBlockingTime time.Duration

	// OnBlocked receives the monitor's reports; nil prints them to stderr.
	// It runs on the monitor's goroutine while the hub is blocked, so it
	// must not wait on the hub (a Greenlet's methods, say).
	OnBlocked func(Blocked)

	// OnPanic receives greenlets that ended in a panic (their Err is a
	// *PanicError); nil prints the panic and its stack to stderr.
	OnPanic func(*Greenlet)

	// ThreadPoolSize is the number of goroutines in the hub's thread pool;
	// zero means 10, as gevent's hub.threadpool. Negative is invalid.
	ThreadPoolSize int

	// StartBatch bounds how many new greenlets start between two looks at
	// timers and the inbox; zero means 256. Negative is invalid. See the
	// package doc, # Scheduling.
	StartBatch int

	// MaxStacks applies to virtual time only: once this many started
	// greenlets hold a stack and none of them can run, the hub lets virtual
	// time move to the next timer before it starts more, so that early
	// greenlets end and hand their stacks on. Zero means 65536; negative
	// means no limit (every spawned greenlet starts before time moves).
	// See the package doc, # Scheduling.
	MaxStacks int

	// HandoffAfter is how long a greenlet may hold the hub inside a wait
	// the hub cannot see (a Go channel, mutex, select, sleep or system
	// call) before it is detached and the hub runs the others: see the
	// package doc, # Natives and hand-off. Zero means the value of the
	// environment variable GREENSHIM_HANDOFF (a time.ParseDuration string,
	// or "off"), or DefaultHandoffAfter; negative means never (gevent's
	// behaviour: the hub stays held and the monitor reports it).
	HandoffAfter time.Duration

	// OnHandoff receives a report the first time a greenlet is detached
	// at each call site; nil prints it to stderr. It runs on the monitor's
	// goroutine and must not wait on the hub.
	OnHandoff func(Handoff)

	// Name names the hub in reports; zero means "hub".
	Name string

	// Schedule chooses which runnable greenlet runs next: FIFO (the zero
	// value), Random or PCT, and the seed of their choices. See the
	// package doc, # Scheduling.
	Schedule Schedule

	// Trace, if set, records the hub's greenlet events; a Trace serves
	// one hub. See the package doc, # Tracing.
	Trace *Trace

	// StackSize is the stack, in bytes, each greenlet has before it runs;
	// zero leaves it to the runtime, which starts a new goroutine at
	// 2 KiB. A stack that gets too small is copied whole into one twice
	// its size, every frame on it: a hub whose greenlets go deeper than
	// 2 KiB (a simulated network's dial and accept do: green/sim sets
	// 4096 for its own hubs) saves that copy by growing the stack while
	// it is shallow. The cost is memory: an idle greenlet holds a stack
	// this large or larger. Rounded up to 4, 8, 16 or 32 KiB; negative or
	// over 32768 is invalid.
	StackSize int

	// Poller chooses how the socket module's greenlets wait on Linux:
	// PollerIOURing submits their reads, writes and accepts to an
	// io_uring, PollerEpoll waits for readiness on an epoll instance. Empty
	// means the environment variable GREENSHIM_POLLER, or io_uring. A hub
	// whose io_uring is refused uses epoll; Stats.Poller says which.
	Poller string
}

// Hub runs greenlets one at a time and switches only where a greenlet waits.
// A Hub is made by New; its methods may be called from any goroutine.
//
// Its state needs no lock: only one goroutine runs at a time among the hub's
// own goroutine and its greenlets' coroutines, and each coroutine switch
// orders their accesses (iter.Pull's switches are synchronizing for the race
// detector too). Outside goroutines reach the state only through the inbox,
// or, once the loop has ended, one at a time (afterMu).
type Hub struct {
	opts    Options
	virtual *VirtualClock
	base    time.Time // real time of hub time 0

	// cur is the greenlet running now (or last); with the worker's gid it
	// tells a greenlet of this hub from any other goroutine.
	cur atomic.Pointer[Greenlet]

	// Hub-only state.
	runq    ring       // started greenlets ready to resume, FIFO
	startq  waitq      // spawned greenlets not yet started, FIFO; a kill unlinks one (see kill)
	direct  *Greenlet  // resume before the queues (raw Switch hand-off)
	next    *Greenlet  // the one greenlet the running one woke, to run after it (see ready)
	slice   slice      // what the running greenlet's wakes did so far
	nexts   int        // greenlets run from next since the last pick from the queues
	runner  *Greenlet  // the greenlet running the scheduler, if any (see giveUp)
	round   int        // run-queue entries left in this round
	timers  timerQueue //
	tseq    uint64     // timer arming order
	idle    []*worker  // workers free for the next greenlet
	shares  bool       // trims to and takes from the spare list (spare.go)
	stack   int        // Options.StackSize as reserveStack takes it, or 0
	all     gList      // every greenlet not yet dead
	nparked int        // greenlets parked in a wait (not raw-suspended)
	ext     int        // outside work in flight: pool jobs, native regions, channel waits
	holds   int        // Hold calls not yet released; unlike ext, Close does not wait for them
	stats   hubStats   // counters; see Stats
	links   uint64     // notifiers Wait, IWait and JoinAll linked, ever (for a test of their cost)
	closing bool       // Close was called: kill everything, then end the loop
	monitor *monitor   //
	pool    *ThreadPool

	ho handoffState // the hand-off (handoff.go)

	// The socket module's poller (Stats.Poller; it changes once, if the
	// ring cannot be set up), and its io_uring once used, hub-only
	// (mod_socket_uring_linux.go).
	poller atomic.Pointer[string]
	uring  *uringRing

	// Schedule exploration and tracing (explore.go, trace_hooks.go).
	ex     *explorer // nil under FIFO
	tr     *Trace    // nil when not tracing
	watch  bool      // ex or tr is set: the yield path calls watchYield
	acting actor     // who acts in hub context while no greenlet runs
	gseq   uint32    // greenlet IDs given so far

	tracePanics uint64 // stats.Panics at the last end traced

	// Published for Stats while the hub is held (stats.go).
	pub     atomic.Pointer[Stats]
	wantPub atomic.Bool

	// Read by the blocking monitor's goroutine.
	tick     atomic.Uint64 // resumptions so far
	lastCall atomic.Int64  // real time (since base) of the last post: outside activity
	idling   atomic.Bool   // the loop is waiting for a timer or the inbox
	draining atomic.Bool   // the loop is running what outside goroutines posted

	mu      sync.Mutex // guards inbox, closed
	inbox   []func()
	closed  bool
	pending atomic.Bool   // inbox is non-empty
	wake    chan struct{} // cap 1: nudges an idle hub
	done    chan struct{} // closed when the loop has ended
	afterMu sync.Mutex    // serializes access to hub state once the loop has ended
}

// New starts a hub on a goroutine of its own. Close stops it. Invalid
// options (a negative ThreadPoolSize or StartBatch, a nil *VirtualClock, a
// VirtualClock another hub has taken) panic with a "green: " message that
// names the field, before anything is started or taken: a failed New
// leaves no hub behind and its VirtualClock free.
func New(opts Options) *Hub {
	opts.validate()
	h := &Hub{opts: opts, base: time.Now(), wake: make(chan struct{}, 1), done: make(chan struct{})}
	h.lastCall.Store(-int64(deadlockGrace))
	if vc, ok := opts.Clock.(*VirtualClock); ok && vc != nil {
		if !vc.used.CompareAndSwap(false, true) {
			panic("green: a VirtualClock belongs to one hub; this one is already used")
		}
		h.virtual = vc
	}
	if h.opts.StartBatch <= 0 {
		h.opts.StartBatch = 256
	}
	if h.opts.MaxStacks == 0 {
		h.opts.MaxStacks = 1 << 16
	}
	if h.opts.Name == "" {
		h.opts.Name = "hub"
	}
	h.shares = !inBubble()
	if opts.StackSize > 0 {
		h.stack = stackSize(opts.StackSize)
	}
	h.ho.init(h)
	poller := choosePoller(opts)
	h.poller.Store(&poller)
	h.ex = newExplorer(opts.Schedule)
	if opts.Trace != nil {
		opts.Trace.attach(h)
		h.tr = opts.Trace
	}
	h.watch = h.ex != nil || h.tr != nil
	addHub(h)
	h.pool = newThreadPool(h, opts.ThreadPoolSize)
	h.monitor = startMonitor(h)
	go h.loop()
	return h
}

// validate panics, naming the field, if o is invalid.
func (o Options) validate() {
	if vc, ok := o.Clock.(*VirtualClock); ok && vc == nil {
		panic("green: Options.Clock is a nil *VirtualClock; make one with NewVirtualClock")
	}
	if o.ThreadPoolSize < 0 {
		panic(fmt.Sprintf("green: Options.ThreadPoolSize is negative (%d); zero means %d", o.ThreadPoolSize, DefaultThreadPoolSize))
	}
	validStackSize(o.StackSize)
	if o.StartBatch < 0 {
		panic(fmt.Sprintf("green: Options.StartBatch is negative (%d); zero means 256", o.StartBatch))
	}
	switch o.Poller {
	case "", PollerIOURing, PollerEpoll:
	default:
		panic(fmt.Sprintf("green: Options.Poller is %q; want %q, %q or empty", o.Poller, PollerIOURing, PollerEpoll))
	}
	o.Schedule.validate()
	if t := o.Trace; t != nil {
		t.mu.Lock()
		used := t.hub != nil
		t.mu.Unlock()
		if used {
			panic("green: Options.Trace belongs to one hub; this one is already used")
		}
	}
}

// Clock returns the hub's clock.
func (h *Hub) Clock() Clock {
	if h.virtual != nil {
		return h.virtual
	}
	return RealClock{}
}

// Now returns the time on the hub's clock.
func (h *Hub) Now() time.Time { return h.Clock().Now() }

// now is hub time in nanoseconds.
func (h *Hub) now() int64 {
	if h.virtual != nil {
		return h.virtual.off.Load()
	}
	return int64(time.Since(h.base))
}

// after is the hub time d from now. It saturates: a duration meant as
// "forever" (math.MaxInt64) must not wrap around into the past and fire at
// once.
func (h *Hub) after(d time.Duration) int64 {
	now := h.now()
	if d > 0 && now > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return now + int64(d)
}

// timeAt converts hub time to a time.Time.
func (h *Hub) timeAt(ns int64) time.Time {
	if h.virtual != nil {
		return h.virtual.start.Add(time.Duration(ns))
	}
	return h.base.Add(time.Duration(ns))
}

// current returns the greenlet of h that is calling, or nil if the caller is
// not one (an outside goroutine, or a greenlet of another hub).
//
// A detached greenlet (handoff.go) is not current until it rejoins: its
// first call that finds it here waits for the hub.
func (h *Hub) current() *Greenlet {
	g := h.cur.Load()
	if g != nil && g.w.gid.Load() == getg() {
		raceReleaseHub(h)
		return g
	}
	return h.currentSlow()
}

// loop is the hub's goroutine: it runs the scheduler whenever no greenlet
// does (see giveUp), until the hub has closed.
func (h *Hub) loop() {
	defer close(h.done)
	h.schedule(nil)
}

// giveUp hands control away from g, which is running and has queued itself
// where it will be found (the run queue, a wait queue, a timer). It returns
// when g is resumed. This is the switch path: no allocation, no lock.
//
// The greenlet the hub's goroutine resumed (the runner) does not switch back
// to the hub's goroutine: it runs the scheduler itself, on its own stack,
// and the greenlets it resumes switch back to it. So a hand-off between the
// runner and another greenlet costs one coroutine switch, not two; when the
// scheduler picks the runner itself, giveUp just returns.
func (g *Greenlet) giveUp() {
	h := g.h
	if h.runner == g {
		h.schedule(g)
		return
	}
	g.w.yield(struct{}{})
}

// schedule runs greenlets until self is picked to run again; self is nil on
// the hub's goroutine, which schedules until the hub has closed.
//
// Order: a raw Switch's target first; then the one greenlet the last one
// woke (next, see ready), up to maxNexts in a row; then the run queue in
// rounds, where what becomes runnable during a round waits for the next
// one, so that Yield lets every other runnable greenlet run; between rounds the
// inbox, a bounded batch of new greenlets (so that early greenlets finish and
// hand their stacks on while later ones start), and due timers. Under Random
// and PCT the explorer's choice among every runnable greenlet, new ones
// included, replaces the pop from the run queue and the batch of starts.
func (h *Hub) schedule(self *Greenlet) {
	h.slice = sliceNone
	for {
		if g := h.direct; g != nil {
			h.direct = nil
			if h.next != nil {
				h.flushNext()
			}
			h.nexts = 0
			if g == self {
				h.cont(self)
				return
			}
			if g.w == nil { // a raw greenlet's first switch
				h.start(g, self)
				continue
			}
			h.resume(g, self)
			continue
		}
		if g := h.next; g != nil {
			h.next = nil
			if h.nexts < maxNexts {
				h.nexts++
				if g == self {
					h.cont(self)
					return
				}
				h.resume(g, self)
				continue
			}
			h.runq.push(g) // the chain is long enough: g waits its turn
		}
		if h.round > 0 {
			h.round--
			h.nexts = 0
			var g *Greenlet
			if h.ex == nil {
				g = h.runq.pop()
			} else if g = h.ex.next(h); g == nil || g.w == nil {
				if g == nil {
					h.round = 0
				} else {
					h.startNew(g, self)
				}
				continue
			}
			if g == self {
				h.cont(self)
				return
			}
			h.resume(g, self)
			continue
		}
		if h.pending.Load() {
			h.drainInbox()
		}
		if h.wantPub.Load() {
			h.publish()
		}
		h.nexts = 0
		for k := h.opts.StartBatch; h.ex == nil && k > 0 && h.startq.len() > 0 && h.direct == nil && h.next == nil && !h.deferStarts(); k-- {
			// Every entry is new: a greenlet killed before its start
			// has left the queue (see kill), so none uses up the batch.
			h.startNew(h.startq.pop(), self)
		}
		if h.uring != nil {
			h.uring.round()
		}
		if h.timers.len() > 0 {
			h.fireTimers(h.now())
		}
		if h.ex == nil {
			h.round = h.runq.len()
		} else {
			h.round = h.ex.runnable(h)
		}
		if h.round > 0 || h.startq.len() > 0 && !h.deferStarts() || h.direct != nil || h.next != nil || h.pending.Load() {
			continue
		}
		if h.closing {
			if h.all.n == 0 && h.ext == 0 {
				if self == nil && h.shutdown() {
					return
				}
				continue
			}
			if h.killAll() {
				continue
			}
		}
		h.idleWait()
	}
}

// deferStarts reports whether new greenlets should wait for virtual time to
// move first: too many stacks are held (Options.MaxStacks) and a timer can
// free some. Without a timer they start anyway, or nothing could run.
func (h *Hub) deferStarts() bool {
	return h.virtual != nil && h.opts.MaxStacks > 0 && h.timers.len() > 0 &&
		h.stats.Workers-len(h.idle) >= h.opts.MaxStacks
}

// startNew starts g, new, unless the hub is closing: a closing hub starts
// nothing new, except outside calls, which must report back to their
// goroutine.
func (h *Hub) startNew(g, self *Greenlet) {
	if h.closing && (g.x == nil || !g.x.outside) {
		g.killed = true
		g.finish()
		return
	}
	h.start(g, self)
}

// cont lets self, picked by the scheduler it is running, continue.
func (h *Hub) cont(self *Greenlet) {
	h.startSlice()
	self.state = stRunning
	h.cur.Store(self)
	h.tick.Add(1)
}

// resume switches to g until it gives up control, ends, or is detached
// (handoff.go); self is the greenlet running the scheduler, or nil for the
// hub's goroutine.
func (h *Hub) resume(g, self *Greenlet) {
	h.startSlice()
	g.state = stRunning
	h.cur.Store(g)
	h.tick.Add(1)
	if self == nil {
		h.runner = g
	}
	raceReleaseHub(h)
	w := g.w
	w.next()
	h.slice = sliceNone
	if self == nil {
		h.runner = nil
	}
	if g.state == stDead {
		if h.next != nil {
			// Its joiners (or whoever its end woke) wait their turn:
			// a greenlet joining many in turn would otherwise be
			// woken, and park on the next, once per greenlet, where
			// FIFO's round lets the others end first and its Joins
			// return at once.
			h.flushNext()
		}
		if w.dead {
			h.forget(w)
			w.retire()
			h.stats.Workers--
		} else if w.g == nil {
			h.release(w)
		}
	}
}

// start gives g a worker and runs it.
func (h *Hub) start(g, self *Greenlet) {
	var w *worker
	if n := len(h.idle); n > 0 {
		w = h.idle[n-1]
		h.idle[n-1] = nil
		h.idle = h.idle[:n-1]
	} else {
		if h.shares {
			w = takeSpare()
		}
		if w == nil {
			w = newWorker()
		}
		h.stats.Workers++
	}
	w.g = g
	g.w = w
	if h.tr != nil {
		h.tr.record(h, TraceStart, g, 0, "", "")
	}
	h.resume(g, self)
}

// forget clears cur if its greenlet ran on w, which is about to stop. A
// stopped worker's goroutine ends, and the runtime may give its record, and
// so its getg(), to any new goroutine: cur left pointing at a greenlet of w
// would make current take that goroutine for the greenlet.
func (h *Hub) forget(w *worker) {
	if g := h.cur.Load(); g != nil && g.w == w {
		h.cur.Store(nil)
	}
}

func (h *Hub) release(w *worker) {
	h.idle = append(h.idle, w)
}

// maxIdleWorkers is how many idle workers (and their stacks) the hub keeps
// once it has nothing to run.
const maxIdleWorkers = 1024

func (h *Hub) trimWorkers(keep int) {
	for len(h.idle) > keep {
		n := len(h.idle) - 1
		w := h.idle[n]
		h.idle[n] = nil
		h.idle = h.idle[:n]
		h.forget(w)
		if !h.shares || !putSpare(w) {
			w.stop()
		}
		h.stats.Workers--
	}
	if keep == 0 {
		h.idle = nil
	}
}

// ready makes a parked or suspended greenlet runnable.
//
// The first greenlet the running one wakes in its slice is kept in next
// rather than queued: if it stays the only one, it runs as soon as the
// running greenlet waits, ahead of the run queue, as Go's scheduler
// runs a goroutine readied by the one that blocks (its runnext). A pair that
// wakes each other and waits (a request and its reply, a lock passed back
// and forth) then runs as a unit while its stacks are in the CPU's caches,
// instead of each waiting behind every other runnable greenlet. A second
// wake in the slice queues both, in order: a broadcast keeps FIFO order.
// Wakes by the hub itself (timers, the inbox, the poller) queue as before,
// as do all wakes under Random and PCT, whose choices stay their own.
func (h *Hub) ready(g *Greenlet) {
	if g.state == stWaiting {
		h.nparked--
	}
	g.state = stRunnable
	if h.tr != nil {
		h.traceWake(g)
	}
	if h.acting == actNone && h.ex == nil {
		switch h.slice { // sliceNone: no greenlet's wake
		case sliceRuns:
			h.slice, h.next = sliceWokeOne, g
			return
		case sliceWokeOne:
			h.slice = sliceWokeMore
			h.flushNext()
		}
	}
	h.runq.push(g)
}

// slice is what the greenlet running now has woken in its turn.
type slice uint8

const (
	sliceNone     slice = iota // no greenlet runs (the scheduler, the hub's own work)
	sliceRuns                  // a greenlet runs and has woken none
	sliceWokeOne               // it woke one, kept in next
	sliceWokeMore              // it woke more: all queued
)

// startSlice notes that a greenlet is about to run: its wakes may set next.
// A next left from an earlier slice (the scheduler ran something else
// first) is queued, never dropped.
func (h *Hub) startSlice() {
	if h.next != nil {
		h.flushNext()
	}
	h.slice = sliceRuns
}

// flushNext queues next, in the place its wake had. Callers on the switch
// path look at next first: this call is the rare case.
func (h *Hub) flushNext() {
	if g := h.next; g != nil {
		h.next = nil
		h.runq.push(g)
	}
}

// maxNexts bounds a chain of greenlets run from next before the hub picks
// from its queues again: each pick may be followed by this many, so a
// runnable greenlet waits at most that many times longer than under plain
// FIFO rounds.
const maxNexts = 64

// addTimer arms t to fall due at hub time when.
func (h *Hub) addTimer(t *timer, when int64) {
	t.when = when
	h.tseq++
	t.seq = h.tseq
	h.timers.push(t)
}

func (h *Hub) fireTimers(now int64) {
	h.acting = actTimer
	for t := h.timers.next(); t != nil && t.when <= now; t = h.timers.next() {
		h.timers.remove(t)
		if t.f != nil {
			if h.tr != nil {
				h.traceTimer(t)
			}
			t.f()
		} else if t.g.state == stWaiting {
			// Not yet woken by something else (a Wait's notifier can
			// beat its timeout timer within one round).
			h.ready(t.g)
		}
	}
	h.acting = actNone
}

// idleWait waits, with nothing runnable, for the next timer or a message in
// the inbox; on virtual time it jumps to the next timer instead, and with
// nothing at all that could wake a parked greenlet it declares a deadlock.
func (h *Hub) idleWait() {
	h.trimWorkers(maxIdleWorkers)
	if h.uring != nil {
		h.uring.idle()
	}
	if h.timers.len() > 0 {
		when := h.timers.next().when
		if h.virtual != nil {
			if h.ext+h.holds == 0 {
				h.virtual.off.Store(when)
				return
			}
			h.block() // time stands still while outside work is in flight
			return
		}
		d := time.Duration(when - h.now())
		if d <= 0 {
			return
		}
		t := time.NewTimer(d)
		h.idling.Store(true)
		select {
		case <-h.wake:
		case <-t.C:
		}
		h.idling.Store(false)
		h.monitor.busy()
		t.Stop()
		return
	}
	if h.all.n > 0 && h.ext+h.holds == 0 {
		// Outside goroutines cannot be seen coming: one that posted a
		// moment ago (an outside call, a Spawn, a Run) may post again
		// (put on a queue, set an event). So a deadlock is declared only
		// once nothing has been posted for deadlockGrace; Hold makes the
		// wait for them explicit.
		if wait := deadlockGrace - (time.Since(h.base) - time.Duration(h.lastCall.Load())); wait > 0 {
			t := time.NewTimer(wait)
			h.idling.Store(true)
			select {
			case <-h.wake:
			case <-t.C:
			}
			h.idling.Store(false)
			h.monitor.busy()
			t.Stop()
			return
		}
		if h.deadlock() {
			return
		}
	}
	h.block()
}

// deadlockGrace is how long after the last post from outside the hub waits
// before declaring a deadlock.
const deadlockGrace = 100 * time.Millisecond

// block waits for a message in the inbox.
func (h *Hub) block() {
	h.idling.Store(true)
	<-h.wake
	h.idling.Store(false)
	h.monitor.busy()
}

// post runs f on the hub's goroutine, soon; it reports false if the hub is
// closed. f must not park.
func (h *Hub) post(f func()) bool {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return false
	}
	h.inbox = append(h.inbox, f)
	h.pending.Store(true)
	h.mu.Unlock()
	h.lastCall.Store(int64(time.Since(h.base)))
	h.nudge()
	return true
}

func (h *Hub) nudge() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *Hub) drainInbox() {
	h.mu.Lock()
	in := h.inbox
	h.inbox = nil
	h.pending.Store(false)
	h.mu.Unlock()
	h.draining.Store(true) // the hub is busy, though it resumes no greenlet: see inspect
	h.acting = actOutside
	for _, f := range in {
		f()
	}
	h.acting = actNone
	h.draining.Store(false)
}
