// Package green is a cooperative, deterministic green-thread runtime: gevent's
// hub and greenlets, done the Go way.
//
// A [Hub] runs greenlets one at a time and switches only where a greenlet
// waits: on a green primitive (Sleep, Yield, Join, Event, Queue, Lock, ...),
// never in the middle of its code. So state shared by the greenlets of one
// hub needs no lock, and on a [VirtualClock] a whole program is
// deterministic: the same program runs in the same order and prints the same
// output on every run.
//
//	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
//	defer h.Close()
//	err := h.Run(func() error {
//		g := green.Spawn(func() error { green.Sleep(time.Hour); return nil })
//		return g.Join() // returns at once in wall time: the clock jumps
//	})
//
// # Greenlets
//
// [Spawn], [SpawnValue] and [SpawnLater] start a function in a new greenlet
// and return its [*Greenlet] at once. A greenlet's result is read with Join
// (JoinTimeout), Value, Err, Ready and Successful; [JoinAll], [Wait] and
// [IWait] wait for several greenlets, [Event]s and [AsyncResult]s at once.
// Kill (KillAsync, KillTimeout, [KillAll]) makes a greenlet unwind from the
// wait it is parked in, running its deferred calls; it then ends with Killed
// true and a nil Err, as gevent's GreenletExit. Link runs a callback in a
// greenlet of its own when a greenlet ends. [Local] is greenlet-local
// storage. [Raw] creates a greenlet that the hub does not schedule, switched
// to explicitly with Switch and Throw, whose result goes to its parent:
// greenlet's own API.
//
// Package-level functions act on the calling greenlet's hub, or on the
// process's [Default] hub when called from a plain goroutine.
//
// # Yielding
//
// A greenlet holds the hub from the moment it is resumed until it calls one
// of the following; only these switch to another greenlet:
//
//   - Sleep (any duration) and Yield. Yield, like gevent's sleep(0), lets
//     every other runnable greenlet run before the caller resumes (see
//     # Scheduling).
//   - Greenlet.Join, JoinTimeout, Kill and KillTimeout (unless the greenlet
//     has already ended), JoinAll, Wait, IWait.
//   - Event.Wait, AsyncResult.Get and Wait (unless set), and their Timeout
//     forms.
//   - Semaphore.Acquire, Lock.Lock, RLock.Lock, Condition.Wait, the queues'
//     and Channel's blocking Put and Get, Pool and Group Spawn when full,
//     their Join/Wait methods: each only when it cannot complete at once.
//   - Switch and Throw on a raw greenlet.
//   - Waiter.Wait and WaitTimeout (unless a Wake is remembered): the door
//     for code that brings its own event source, see # Own event sources.
//   - ThreadPool.Apply and Map, Native, and Recv, Send and Select on Go
//     channels (these only when the channel is not ready).
//   - The calls of the cooperative modules listed under # Modules.
//   - A greenlet's end.
//
// Everything else runs to completion without switching, in particular
// Spawn, SpawnLater, KillAsync, Link, Event.Set, AsyncResult.Set, Waiter.Wake, releases
// and unlocks, non-blocking Put and Get, Ready, Value, Err and Stats: the
// greenlets they wake run at the caller's next wait.
//
// Everything else holds the hub until it returns: waits on Go channels,
// sync.Mutex and sync.WaitGroup, time.Sleep, blocking system calls and cgo,
// the stdlib's blocking I/O, long computations without a Yield, and any
// call that waits on a primitive of another hub. Such a wait (not a
// computation) is handed off after a moment: see # Natives and hand-off.
// The blocking monitor reports a greenlet that holds the hub for longer than
// Options.MaxBlockingTime (100ms by default, or the
// GREENSHIM_MAX_BLOCKING_TIME environment variable), with its stack, as a
// [Blocked] event, on stderr by default, and repeats the report at twice
// the time held for as long as the hold lasts.
//
// # Natives and hand-off
//
// In Go nearly every library waits on its own goroutines, channels and
// mutexes (net/http's client, database/sql's pool, go-redis), which the hub
// cannot see: gevent's C-extension limitation is here the common case. So
// a greenlet that holds the hub inside such a wait (a Go channel or select,
// a sync.Mutex, RWMutex, Cond or WaitGroup, time.Sleep, the network poller,
// a system call) for longer than Options.HandoffAfter (50µs by default, or
// GREENSHIM_HANDOFF) is detached, as Go's runtime retakes a P from a
// thread stuck in a system call: the hub goes on running the other
// greenlets, and the detached one rejoins the hub at its next green call
// (any call of this package or of the cooperative modules), or when its
// function returns, waiting its turn like a woken greenlet. Options.HandoffAfter
// negative (or GREENSHIM_HANDOFF=off) keeps gevent's behaviour: the hub
// stays held and the monitor reports it.
//
// What runs beside the hub: only a detached greenlet's own code, from the
// end of its foreign wait to its next green call; a greenlet that holds the
// hub is detached only while it waits in code it called (its function, a
// WithTimeout body), never inside this package's code, and never while it
// computes. So "shared state needs no lock" holds for everything but that
// stretch: state a greenlet touches right after a native call, before any
// green call, is touched beside the hub, and needs a lock if other greenlets
// share it (or make a green call first: Yield is enough). The race detector
// cannot see what orders the hand-off itself, so writes a greenlet made
// between its last green call and its foreign wait may be reported as races
// with what other greenlets do after it was detached.
//
// Detected how: a monitor goroutine samples the hub's switch counter, as Go's
// sysmon does, every millisecond while the hub runs and every 50µs while a
// greenlet holds it in a foreign wait or just after a detach (detaches tend
// to come in bursts: a hundred greenlets calling one library), and none
// while the hub idles. It reads the waiting goroutine's state from the
// runtime's own record of it and walks its frames (this needs Go 1.26 on
// amd64 or arm64, checked when the first hub starts; elsewhere
// Stats.Handoff says "unavailable" and the hub keeps gevent's behaviour).
// The switch path pays nothing for it. A wait in the runtime's own
// machinery (an allocation or a call of runtime.GC or runtime.ReadMemStats
// waiting for a collection to start or the world to stop, a GC assist) is
// not a foreign wait: it holds the hub like a computation and is never
// handed off, so memory pressure does not make a virtual-clock run
// nondeterministic.
//
// Each detach is counted (Stats.Detaches, Stats.Detached) and reported once
// per call site, as a [Handoff] naming the frame where the library waited
// and the caller in the main module's code (Options.OnHandoff, stderr by
// default); [Hub.HeldSites] and [Hub.WriteHeldProfile] (a pprof profile) sum
// every detach and every reported hold by call site. A detached greenlet
// counts as outside work in flight, as a native region does: virtual time
// stands still and no deadlock is declared until it rejoins, and Close waits
// for it. On a virtual clock a detach makes the run depend on real time:
// the report says so and Stats.Nondeterministic stays set.
//
// What a greenlet can call straight, and what still needs [Native], the
// hub's [ThreadPool] or the cooperative modules (measured by
// examples/handoff and examples/db, see the README):
//
//   - green's own calls and the cooperative modules: straight; they park.
//   - libraries that wait on their own goroutines, channels and locks
//     (net/http's client, database/sql, go-redis) and blocking I/O with
//     package net or os directly: straight; each wait is handed off. Their
//     sockets still go through the patched modules if they dial through
//     the registry.
//   - long computations: in the ThreadPool (or with Yields); a computation
//     is never handed off, and holds the hub.
//   - anything that must replay on a virtual clock: the cooperative
//     modules; a hand-off, a Native region and the ThreadPool all wait on
//     real time.
//   - calls whose wait is short but frequent (microseconds, below
//     HandoffAfter): they hold the hub for that long; batch them in Native.
//
// [Recv], [Send] and [Select] wait on Go channels cooperatively, and
// [Native] runs a function on a goroutine of its own with the hub released;
// both are cheaper than a hand-off, and do not make a run nondeterministic
// beyond the wait itself.
//
// # Modules
//
// [Time], [OS], [Socket] and [DNS] are the cooperative modules of package
// iface, the ones package patch installs. Their zero values work, on the
// hub of the calling greenlet; from a plain goroutine each behaves like
// package blocking's.
//
//   - Time runs on a hub's clock. Sleep parks the caller; AfterFunc's f runs
//     in a greenlet. On real time, timers, tickers and contexts are the
//     runtime's; on virtual time they are hub timers, firing in the hub's
//     deterministic order. A greenlet receives from their channels (and a
//     Time context's Done) with [Recv], which the hub feeds directly; a
//     plain receive holds the hub, and on virtual time never returns.
//     Plain goroutines using a virtual hub's Time hold its clock still for
//     [OutsideGrace] after each call, so that they can stop a timer before
//     virtual time runs past it.
//   - OS: each afero.Fs and afero.File operation a greenlet makes runs on
//     the hub's [ThreadPool], as gevent's FileObjectThread; a Timeout ends
//     the wait, not the operation. Environment and host name are the
//     process's. Processes (iface.Procs, package os/exec's commands): Start
//     forks and execs on the ThreadPool; Wait parks on the hub's poller
//     through the process's pidfd (Linux; elsewhere a goroutine per process
//     waits), so a hundred greenlets waiting for a hundred commands cost no
//     thread; pipes are read and written on the hub, parking on the poller
//     when empty (a full stdin pipe is written off the hub); the copies to
//     and from readers and writers that are not files run as greenlets. A
//     Timeout or kill ends a Wait, not the command.
//   - Socket: on Linux a hub waits with one of two pollers (Options.Poller,
//     GREENSHIM_POLLER, Stats.Poller). With io_uring, a greenlet's Read,
//     Write and Accept (after one accept4 on the hub) each put a recv, a
//     send or an accept on the hub's ring and park; between two rounds of
//     the run queue the hub submits all of them in one io_uring_enter and
//     reads the completions in a batch (the default). With epoll (the
//     fallback where io_uring is refused), Read and Accept try the system
//     call once on the hub; on EAGAIN the greenlet parks on an
//     edge-triggered epoll whose events reach the hub in batches, and
//     Writes run off the hub. Either way dials and listens run off the hub
//     while the caller parks. Deadlines are wall-clock and errors are
//     package net's; a Read ended by a kill or timeout loses no data. While
//     a greenlet waits on a socket the hub declares no deadlock and virtual
//     time stands still.
//   - DNS: ThreadResolver (the default) runs each system-resolver lookup on
//     the ThreadPool, as gevent's default resolver; PureResolver is Go's
//     resolver dialing through DNS.Socket, each lookup in a native region.
//
// Of their calls, these switch: Time.Sleep and Recv on a Time channel;
// every OS and afero.File method but Name and the environment; a command's
// Start, Wait, Run, Output and CombinedOutput, LookPath, and a pipe's Read
// and Write when they cannot complete at once; Socket's
// Dial and Listen forms, a conn's Write, its Read (on io_uring always; on
// epoll when nothing is ready), Accept and ReadFrom when nothing is ready,
// and a packet conn's WriteTo when the socket has no room; every DNS
// lookup. These do not: Time's Now, Since,
// Until, After, Tick, NewTimer, NewTicker, AfterFunc, Timer and Ticker Stop
// and Reset, WithTimeout and WithDeadline; the environment; Command (which
// looks the program up in the PATH on the hub, as exec.Command does), a
// command's setters, Kill, Signal, Pid and ExitCode; a conn's Close,
// CloseRead, CloseWrite and SetDeadline methods. These block the hub: a
// plain receive or select on a Time channel, and any call on the package
// net values returned by NetConn, NetListener and NetPacketConn.
//
// # Scheduling
//
// Runnable greenlets run in FIFO order, in rounds: what becomes runnable
// during a round waits for the next one, with one exception, the woken
// greenlet that runs next (below). A raw Switch hands control to its
// target at once. Between rounds the hub takes messages from outside
// goroutines, starts new greenlets (at most Options.StartBatch at a time,
// 256 by default, in spawn order) and fires due timers, in deadline order
// with ties broken by arming order. When nothing is runnable it waits for
// the next timer: on the real clock it sleeps; on a virtual clock it jumps
// to it at once, unless outside work (thread-pool jobs, native regions,
// Go-channel waits, holds) is in flight, which stops virtual time.
//
// A greenlet gets a stack (a coroutine) when it first runs and gives it back
// when it ends, so spawning a million greenlets costs a million small
// structs, and only those started and not yet ended hold a stack. Starting
// new greenlets in bounded batches, after the runnable ones, lets early
// greenlets end and hand their stacks on while later ones start. On virtual
// time one exception bounds memory: once Options.MaxStacks (65536) started
// greenlets hold a stack and none can run, virtual time moves to the next
// timer before more start, so greenlets spawned in such a flood may start at
// a later virtual time than they were spawned at (deterministically).
//
// A hub keeps up to 1024 idle coroutines for its next greenlets. Those over
// that, and all of a hub that closes, go to a list that every hub shares
// (except hubs made in a testing/synctest bubble, whose coroutines belong
// to the bubble), so a program that makes hub after hub (a suite of
// simulated worlds) reuses coroutines and their stacks. The list holds at
// most 32768, and what it holds is stopped once no hub has used it for
// 50 to 100 milliseconds: a program whose hubs have all closed is then left
// with no goroutine of this package, as leak checkers such as goleak
// expect. Options.StackSize grows each greenlet's stack to a size before
// it runs, for greenlets known to go deep.
//
// A greenlet that wakes exactly one other during its turn (sets an Event one
// greenlet waits on, writes to a conn one greenlet reads, unlocks a Lock
// with one waiter) and then waits hands the hub to that one: it runs next,
// ahead of the run queue, as Go's scheduler runs a goroutine readied by the
// one that blocks (its runnext). A request and its reply then run as a unit
// while both stacks are still in the CPU's caches, instead of each waiting
// behind every other runnable greenlet: green/sim's echo of ten thousand
// clients (twenty thousand greenlets in request and reply pairs) does 1.5
// to 1.7 times the round trips per second (see the README). A greenlet that
// wakes two or more queues them all, in order, so a broadcast keeps FIFO
// order; one that yields queues the one it woke ahead of itself; one that
// ends queues what its end woke (a loop of Joins then finds the greenlets
// that ended in the same round ended). Wakes by the hub (timers, the inbox,
// the socket module's poller) are queued as ever. After 64 greenlets run
// this way in a row the hub picks from its queues again, which bounds how
// much longer than a plain round a runnable greenlet can wait.
//
// Switching costs one or two coroutine switches (runtime.coroswitch, through
// iter.Pull) and no allocation or lock: the greenlet the hub's goroutine
// resumed runs the scheduler on its own stack when it waits, so a hand-off
// between it and another greenlet is a single switch.
//
// Options.Schedule picks the policy; on a virtual clock the order is a
// function of the program and the Schedule alone, so the same Schedule
// gives the same run every time (see # Tracing for what can break that).
// What each policy guarantees:
//
//   - [FIFO] (the default): the rounds above. A Yield lets every other
//     runnable greenlet run before the caller resumes (each at least once:
//     a pair that wakes each other may take up to 64 turns in a row, see
//     above), and a woken greenlet runs within the next round: no greenlet
//     that stays runnable waits for more than a round. The schedule ignores
//     the seed: one program, one order.
//   - [Random]: at every switch, the hub picks uniformly, from
//     Schedule.Seed, among all runnable greenlets, those not yet started
//     included (they start when picked). A Yield is one more choice: the
//     caller may be picked again at once, but each runnable greenlet is
//     picked with probability 1/n at each switch, so a loop of Yields that
//     waits for another greenlet ends with probability 1.
//   - [PCT] (Burckhardt et al., ASPLOS 2010, as awslabs/shuttle implements
//     it): each greenlet gets a random priority when it first becomes
//     runnable, at a uniformly random rank among the others; the highest
//     runnable one runs. At Schedule.Depth-1 steps drawn from the first
//     Schedule.Steps steps with a choice (Stats.Steps counts them), the
//     greenlet that just ran drops below every other. A greenlet that
//     yields drops too, so Yield keeps FIFO's guarantee: every greenlet
//     runnable at the Yield runs before the caller resumes. PCT finds a bug
//     that needs d orderings with probability at least 1/(n·k^(d-1)) per
//     run, for n greenlets and k steps.
//
// Under Random and PCT a raw Switch still hands control at once, the inbox,
// timers and virtual time work as above, and Options.StartBatch and
// MaxStacks do not apply. The switch path is FIFO's either way; the pick
// costs a heap operation under PCT and a random number under Random.
//
// # Tracing
//
// Options.Trace records what the hub's greenlets do, as [TraceEvent]s in
// one sequence: spawn (by whom), start, park (on what, for whom), wake (by
// whom, or by a timer, a timeout, a kill, a deadlock, an outside
// goroutine), yield, end (how), kill (by whom), detach and rejoin (the
// hand-off), timers that run a function, and Close. Each has a sequence
// number, the hub time and the greenlet's [Greenlet.ID] and name; a world
// adds its own events ([Trace.Add]: messages, partitions, crashes) and
// names each greenlet's host (Trace.Host), so that one trace shows a whole
// simulated run. Without a Trace the hub pays one predictable branch per
// event site.
//
// On a virtual clock every compared field of an event (all but names,
// notes and stacks) is the same on every run of the same program and
// Schedule, and [Trace.Hash] sums them up. [Replays] runs a function twice
// and reports the first event that differs ([Trace.Diff]), with the stacks
// that produced it (recorded when Trace.Stacks is set, which Replays does
// for a second pair of runs when the first differs). The hub records,
// when it happens, what it sees break determinism ([Trace.Breakers]):
//
//   - a greenlet detached from the hub (the hand-off): what it does beside
//     the hub, and when it rejoins, depend on real time;
//   - a spawn, call or wake from outside the hub (a plain goroutine, a
//     thread-pool job, a native region, a socket) while greenlets are
//     live: where it lands depends on the Go scheduler (Run's main, posted
//     before anything else runs, is not one);
//   - Close from outside while work is left: end runs from inside;
//   - the real clock: timers fire by wall time, and times are not compared.
//
// What the hub cannot see is named in the report when it saw nothing: Go's
// map iteration order, math/rand or time.Now deciding what greenlets do,
// plain goroutines sharing state with them. Package green/greentest runs a
// test under seeds, prints the line that replays a failing one, and fails a
// test whose run does not replay.
//
// # Own event sources
//
// A [Waiter] is the one door for code outside this package that brings its
// own events (a simulated network, a callback API), as gevent's
// hub.Waiter: Wait parks the calling greenlet until Wake, which may be
// called from the hub or from any goroutine; a Wake that comes first is
// remembered, Reset forgets it. A Kill, WithTimeout, WithContext, a
// deadlock and Close end a Waiter's wait as they end every other, and a
// late Wake is harmless. From a plain goroutine Wait blocks the goroutine
// on a Go channel (durably, in a testing/synctest bubble). Package
// green/sim is built on it alone. [Inherited] is the greenlet-local
// storage that spawned greenlets inherit: which simulated host a greenlet
// runs on, say.
//
// # Outside goroutines
//
// Plain goroutines (inside net/http, say) may call green operations: put on
// a Queue, set an Event, join a greenlet. Each call runs in a short-lived
// greenlet of the hub and blocks only the calling goroutine, never the hub;
// Stats counts them. A greenlet of one hub calling into another hub is an
// outside goroutine for that hub, and blocks its own hub meanwhile.
//
// # Failure
//
// A panic in a greenlet ends that greenlet with a [*PanicError] (value and
// stack) as its Err, is reported (Options.OnPanic, stderr by default), and
// the hub keeps running. runtime.Goexit in a greenlet ends it with an error.
//
// When no greenlet can ever run again (none runnable, no timer, no outside
// work in flight, and no outside goroutine has called in, spawned or run
// anything for 100ms), every
// blocked greenlet's wait returns a [*DeadlockError] (errors.Is ErrDeadlock)
// naming each blocked greenlet and what it waits on, instead of hanging.
// Waits without an error result (Sleep, Lock) unwind with it; a greenlet
// that does not handle it ends with it as its Err. Outside goroutines that
// will call in later cannot be seen coming: [Hub.Hold] says they will.
// [Hub.Info] and [Hub.Dump] list every greenlet with its state, what it
// waits on and its stack.
//
// # Lifecycle
//
// [New] starts a hub on a goroutine of its own; [Default] is the process's
// hub, started on first use. [Hub.Run] runs a function as the main greenlet
// and returns its error. [Hub.Close] kills every greenlet, waits for
// thread-pool jobs and native regions in flight, and ends every goroutine
// the hub started.
//
// After Close, an operation on the hub or on a primitive bound to it runs
// nothing and changes nothing:
//
//   - Those that change a primitive's state or wait for it to change return
//     [ErrClosed]: the queues' and Channel's Put and Get in every form,
//     AcquireTimeout, LockTimeout, Condition.WaitTimeout, JoinableQueue's
//     Join while items are unfinished, Event.Wait while unset,
//     AsyncResult.Get and Wait while empty, Wait and JoinAll while objects
//     are not ready, Run, WithTimeout, WithContext, the ThreadPool's calls,
//     Map and Imap. Spawn, SpawnValue, SpawnLater, Raw and the Spawn methods
//     of Group and Pool return a greenlet that ended unstarted, with Err
//     ErrClosed.
//   - Those without an error result do nothing: Set, Clear, SetErr, Release,
//     Unlock, Notify, TaskDone, Add, Discard, Kill, KillAsync, Link, Hold.
//     TryAcquire and TryLock report false. Sleep returns at once. Lock,
//     Acquire and Condition.Wait, called from an outside goroutine, panic
//     with a "green: " message naming ErrClosed, as they do when the hub
//     closes during their wait: they cannot do nothing, since the caller
//     would go on as if it held what it asked for.
//   - Reads answer from the hub's final state, as do waits for a state it
//     reached before closing: a greenlet's Join, Err, Value and Ready, a set
//     Event's Wait, a full AsyncResult's Get, Len, Peek, IsSet, Available,
//     Stats, Info and Dump.
//
// An outside goroutine's operation that races with Close either completes
// or returns ErrClosed; its waits end with ErrClosed when Close kills them.
//
// # Errors
//
// Waits return, or unwind with: a [*TimeoutError] (errors.Is ErrTimeout)
// from [WithTimeout] or a Timeout variant, a context's error from
// [WithContext], a [*DeadlockError], or ErrClosed. Queues return ErrEmpty
// and ErrFull.
//
// Timeouts follow one rule. A timeout is a duration on the hub's clock, and
// one that is zero or negative has expired already: a wait under it that
// cannot complete at once fails at once, with a *TimeoutError, and what is
// ready at the call is still returned. So a timeout computed as
// time.Until(deadline) after the deadline has passed behaves the same in
// every call: WithTimeout, JoinTimeout, KillTimeout, and every method named
// ...Timeout. The one exception is where zero is the "no bound" of an
// options struct or argument, [WaitOptions], [JoinOptions] and [IWait]:
// there zero means no bound, and a negative timeout has expired already. A
// timeout too long for the clock to reach (math.MaxInt64) never expires.
// Sleep and SpawnLater take delays, not timeouts: zero or negative yields,
// or starts at once.
//
// Programmer errors panic at the call with a message starting "green: "
// that says what was wrong: a nil function, context, greenlet or Spawner
// given to any function or method, a method called on a nil *Greenlet,
// invalid [Options], a negative count, Close from the hub's own greenlet, a
// Switch to a running greenlet.
package green
