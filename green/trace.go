package green

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// TraceKind names what a [TraceEvent] records. The hub's kinds are the
// constants below; a world (green/sim) adds its own ("net.send",
// "partition", ...) with [Trace.Add].
type TraceKind string

// The hub's events. G is the greenlet the event is about; By is the other
// greenlet involved, if any; What is the detail named here.
const (
	TraceSpawn  TraceKind = "spawn"  // By spawned G; What: "" or "later", "link", "outside", "outside call"
	TraceStart  TraceKind = "start"  // G runs for the first time
	TracePark   TraceKind = "park"   // G waits; What: on what ("sleep", "join", "event", ...); By: the greenlet a join or kill waits for
	TraceWake   TraceKind = "wake"   // G becomes runnable; By: the greenlet that woke it; What: "" (By did) or "timer", "outside", "kill", "timeout", "deadlock", "closed", "error"
	TraceYield  TraceKind = "yield"  // G yields
	TraceEnd    TraceKind = "end"    // G ended; What: "ok", "error", "panic", "killed", "goexit"; Note: the error
	TraceKill   TraceKind = "kill"   // By kills G (By 0: outside or Close); What: G's state then
	TraceDetach TraceKind = "detach" // G was detached in a wait the hub cannot see; What: the wait; Note: where
	TraceRejoin TraceKind = "rejoin" // G rejoins the hub
	TraceTimer  TraceKind = "timer"  // a timer with a function fired; What: "#" and its arming number
	TraceClose  TraceKind = "close"  // Close was called
)

// TraceEvent is one entry of a [Trace]. Every field but Name, Note and
// Stack is hashed and compared by [Trace.Diff]: on a virtual clock they are
// the same on every run of the same program and [Schedule], so they hold
// no pointers and no wall times.
//
// A trace keeps every event of its run, in 56 bytes each (plus the
// distinct strings).
type TraceEvent struct {
	Seq  uint64        // 1, 2, ...: the order events happened in
	At   time.Duration // hub time: since the virtual clock's start, or the hub's start on the real clock
	Kind TraceKind
	G    uint64 // the greenlet it is about ([Greenlet.ID]); 0 if none
	By   uint64 // the other greenlet involved; 0 if none
	What string // the detail each kind documents
	Host string // the host G runs on, as Trace.Host says; a world's own events set it
	Flow uint64 // links a world's events about one message (Chrome trace flows); 0 if none

	Name  string    // G's name (not compared: a default name may hold an address)
	Note  string    // free text: an error's message, a frame (not compared)
	Stack []uintptr // the stack that produced it, if Trace.Stacks (not compared)
}

// String formats e on one line, as Trace.String lists it.
func (e TraceEvent) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %v %s", e.Seq, e.At, e.Kind)
	if e.G != 0 {
		fmt.Fprintf(&b, " g%d", e.G)
		if e.Name != "" {
			fmt.Fprintf(&b, " %q", e.Name)
		}
	}
	if e.By != 0 {
		fmt.Fprintf(&b, " by=g%d", e.By)
	}
	if e.What != "" {
		fmt.Fprintf(&b, " %s", e.What)
	}
	if e.Host != "" {
		fmt.Fprintf(&b, " host=%s", e.Host)
	}
	if e.Flow != 0 {
		fmt.Fprintf(&b, " flow=%d", e.Flow)
	}
	if e.Note != "" {
		fmt.Fprintf(&b, " (%s)", e.Note)
	}
	return b.String()
}

// same reports whether e and b agree on every compared field; real says
// times are not compared (a hub on the real clock).
func (e *TraceEvent) same(b *TraceEvent, real bool) bool {
	return (real || e.At == b.At) && e.Kind == b.Kind && e.G == b.G && e.By == b.By &&
		e.What == b.What && e.Host == b.Host && e.Flow == b.Flow
}

// Breaker is something a hub saw that can make a run on a virtual clock
// differ from the next run of the same program and seed: see # Tracing.
//
// A trace keeps each distinct What once, with the trace's length when it
// first happened and how often it did.
type Breaker struct {
	Seq   uint64 // the trace's length when it first happened
	What  string
	Count int
}

func (b Breaker) String() string {
	s := fmt.Sprintf("after event %d: %s", b.Seq, b.What)
	if b.Count > 1 {
		s += fmt.Sprintf(" (%d times)", b.Count)
	}
	return s
}

// Trace records a hub's greenlet events (Options.Trace), and a world's
// events beside them, in the one order they happened in. Its zero value
// is ready to use; it serves one hub, and its methods may be called from
// any goroutine. Set Stacks and Host before the hub is made.
type Trace struct {
	// Stacks makes every hub event record the stack that produced it (a
	// greenlet's own for most), which Diff shows. It costs a stack walk
	// per event; leave it off but for a run being diagnosed.
	Stacks bool

	// Host, if set, names the host a greenlet runs on, for the Host of
	// its events; a simulated world sets it. It runs in hub context and
	// must not wait.
	Host func(*Greenlet) string

	mu       sync.Mutex // guards the fields below
	hub      *Hub       // the hub it serves, once one has taken it
	real     bool       // the hub runs on the real clock: times are not compared
	events   traceStore
	hash     fnv // FNV-1a over the compared fields of every event
	breakers []Breaker
}

// attach gives t to h, or panics if another hub has it.
func (t *Trace) attach(h *Hub) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hub != nil {
		panic("green: a Trace belongs to one hub; this one is already used")
	}
	t.hub = h
	if h.virtual == nil {
		t.real = true
		t.breakerLocked("the hub runs on the real clock: timers fire by wall time, and event times are not compared")
	}
}

// Add appends a world's own event to the trace and returns it with its
// Seq. The caller sets At (its world's time, which on a virtual hub is the
// hub's) and everything else it wants recorded; G and By name greenlets by
// their IDs.
func (t *Trace) Add(e TraceEvent) TraceEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.addLocked(e)
}

func (t *Trace) addLocked(e TraceEvent) TraceEvent {
	if t.hash == 0 {
		t.hash = fnvOffset
	}
	e.Seq = uint64(t.events.n) + 1
	t.hash = t.hash.event(&e, t.real)
	t.events.add(&e)
	return e
}

// Now returns the time on the clock of the trace's hub as an event's At:
// since the virtual clock's start, or the hub's start on the real clock;
// 0 before a hub has taken the trace. A world's events on a hub use it.
func (t *Trace) Now() time.Duration {
	t.mu.Lock()
	h := t.hub
	t.mu.Unlock()
	if h == nil {
		return 0
	}
	return time.Duration(h.now())
}

// Nondeterministic records a [Breaker]: something that can make the run
// differ from the next one with the same seed (a world calls it for a
// goroutine outside the world, say). It shows in Breakers and in Diff's
// report.
func (t *Trace) Nondeterministic(what string) {
	t.mu.Lock()
	t.breakerLocked(what)
	t.mu.Unlock()
}

func (t *Trace) breakerLocked(what string) {
	for i := range t.breakers {
		if t.breakers[i].What == what {
			t.breakers[i].Count++
			return
		}
	}
	t.breakers = append(t.breakers, Breaker{uint64(t.events.n), what, 1})
}

// Events returns a copy of the events recorded so far.
func (t *Trace) Events() []TraceEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.events.all()
}

// Len returns how many events have been recorded.
func (t *Trace) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.events.n
}

// Hash returns a 64-bit FNV-1a hash of the compared fields of every event
// so far (times left out on the real clock): two runs with equal hashes
// ran the same way, as far as the trace sees.
func (t *Trace) Hash() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hash == 0 {
		return uint64(fnvOffset)
	}
	return uint64(t.hash)
}

// Breakers returns what the hub (or a world) saw that can break
// determinism, in order.
func (t *Trace) Breakers() []Breaker {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Breaker(nil), t.breakers...)
}

// String lists the events, one a line.
func (t *Trace) String() string {
	var b strings.Builder
	for _, e := range t.Events() {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// FNV-1a, 64 bits: stable across processes and Go versions, so a hash
// printed by one run can be compared with another's (hash/maphash is
// seeded per process).
const (
	fnvOffset fnv = 14695981039346656037
	fnvPrime  fnv = 1099511628211
)

type fnv uint64

func (h fnv) u64(v uint64) fnv {
	for i := 0; i < 8; i++ {
		h ^= fnv(byte(v >> (8 * i)))
		h *= fnvPrime
	}
	return h
}

func (h fnv) str(s string) fnv {
	h = h.u64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h ^= fnv(s[i])
		h *= fnvPrime
	}
	return h
}

func (h fnv) event(e *TraceEvent, real bool) fnv {
	if !real {
		h = h.u64(uint64(e.At))
	}
	return h.str(string(e.Kind)).u64(e.G).u64(e.By).str(e.What).str(e.Host).u64(e.Flow)
}

// record appends a hub event. Hub context.
func (t *Trace) record(h *Hub, kind TraceKind, g *Greenlet, by uint64, what, note string) {
	e := TraceEvent{At: time.Duration(h.now()), Kind: kind, By: by, What: what, Note: note}
	if g != nil {
		e.G, e.Name = g.ID(), g.Name()
		if t.Host != nil {
			e.Host = t.Host(g)
		}
	}
	if t.Stacks && h.acting == actNone && kind != TraceStart {
		// A greenlet's own doing: its stack says where. (The hub's
		// events run on whatever stack runs the scheduler.)
		pc := make([]uintptr, 32)
		e.Stack = pc[:runtime.Callers(3, pc)]
	}
	t.mu.Lock()
	t.addLocked(e)
	t.mu.Unlock()
}
