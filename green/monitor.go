package green

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

// DefaultMaxBlockingTime is how long a greenlet may hold the hub before the
// blocking monitor reports it, as gevent's max_blocking_time.
const DefaultMaxBlockingTime = 100 * time.Millisecond

// MaxBlockingTimeEnv names the environment variable that sets the monitor's
// threshold (a time.ParseDuration string; "0" or negative disables it) when
// Options.MaxBlockingTime is zero.
const MaxBlockingTimeEnv = "GREENSHIM_MAX_BLOCKING_TIME"

// Blocked is a blocking monitor's report: one greenlet has held the hub for
// longer than the max blocking time, so no other greenlet could run. The
// usual cause is a long computation without a Yield, or, with the hand-off
// off, a native wait (a Go channel, sync.Mutex, time.Sleep, a syscall) made
// without Native, a ThreadPool or the Go-channel helpers. While the hold
// lasts it is repeated at twice the time held at the last report.
type Blocked struct {
	Hub      string        // the hub's name
	Greenlet *Greenlet     // the greenlet holding the hub
	Name     string        // its name, or its spawn site
	For      time.Duration // how long it had held the hub, at least
	Wait     string        // the wait it is in, if stopped ("chan receive", ...); "" if running
	Stack    string        // its goroutine's stack when reported
}

func (b Blocked) String() string {
	what := "appears to be blocked"
	if b.Wait != "" {
		what = "is blocked in " + b.Wait
	}
	return fmt.Sprintf("green: %s: greenlet %s %s (held the hub for %v)\n%s",
		b.Hub, b.Name, what, b.For.Round(time.Millisecond), b.Stack)
}

// monitor is a goroutine that samples the hub's resumption counter: if it
// has not moved while a greenlet holds the hub, that greenlet is holding it.
// Sampling keeps the switch path free of clock reads: it costs the hub one
// atomic add per resumption. It reports holds longer than max (Blocked) and
// detaches greenlets held in foreign waits for longer than after (handoff.go).
//
// Its period adapts, as Go's sysmon does: it sleeps while the hub idles,
// samples every cold while the hub runs, and every hot while a greenlet
// holds the hub in a foreign wait or just after a detach (more of them tend
// to follow: a hundred greenlets calling one library).
type monitor struct {
	h     *Hub
	max   time.Duration // report threshold; negative: no reports
	after time.Duration // hand-off threshold; 0: no hand-off
	cold  time.Duration
	stop  chan struct{}
	done  chan struct{}

	kick   chan struct{} // cap 1: the hub left an idle wait
	sleepy atomic.Bool   // the monitor waits on kick
}

const (
	hotPeriod = 50 * time.Microsecond
	hotPolls  = 200 // samples at hotPeriod after a detach
	coldMax   = time.Millisecond

	// spinFor is how long after a detach the monitor samples without
	// sleeping (yielding its P between samples): the next greenlet often
	// waits at the same call site a few microseconds later, and a
	// kernel sleep takes 50 to 100µs, or milliseconds on a loaded machine.
	spinFor = time.Millisecond
)

// maxBlockingTime resolves the option, the environment and the default.
func maxBlockingTime(opt time.Duration) time.Duration {
	if opt != 0 {
		return opt
	}
	if v, ok := os.LookupEnv(MaxBlockingTimeEnv); ok && v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "green: ignoring %s=%q: %v; using %v\n", MaxBlockingTimeEnv, v, err, DefaultMaxBlockingTime)
			return DefaultMaxBlockingTime
		}
		if d == 0 {
			return -1
		}
		return d
	}
	return DefaultMaxBlockingTime
}

func startMonitor(h *Hub) *monitor {
	m := &monitor{h: h, max: maxBlockingTime(h.opts.MaxBlockingTime), after: h.ho.after,
		stop: make(chan struct{}), done: make(chan struct{}), kick: make(chan struct{}, 1)}
	if m.max < 0 && m.after == 0 {
		return nil
	}
	m.cold = coldMax
	if m.after == 0 {
		m.cold = max(m.max/4, time.Millisecond)
	}
	go m.run()
	return m
}

// busy is called by the hub when it leaves an idle wait.
func (m *monitor) busy() {
	if m != nil && m.sleepy.Load() {
		select {
		case m.kick <- struct{}{}:
		default:
		}
	}
}

func (m *monitor) run() {
	defer close(m.done)
	h := m.h
	last := h.tick.Load()
	since := time.Now()
	next := m.max           // report when held this long
	hot := 0                // samples left at hotPeriod
	var spinUntil time.Time // spin rather than sleep until then: a detach was just made
	var hold *held          // the reported hold in progress
	for {
		d := m.cold
		if hot > 0 {
			d, hot = hotPeriod, hot-1
		}
		if hot > 0 && time.Now().Before(spinUntil) {
			runtime.Gosched()
		} else if !m.sleep(d) {
			return
		}
		now := time.Now()
		tick := h.tick.Load()
		if tick != last || h.idling.Load() {
			h.wantPub.Store(true)
			hold.add(&h.ho, now)
			hold = nil
			h.ho.heldSince.Store(0)
			if hot == 0 && h.idling.Load() && !m.waitBusy() {
				return
			}
			last, since, next = h.tick.Load(), time.Now(), m.max
			continue
		}
		h.ho.heldSince.Store(since.UnixNano())
		g := h.cur.Load()
		if g == nil || g.w == nil {
			continue
		}
		heldFor := now.Sub(since)
		if m.after > 0 {
			switch m.tryDetach(g, tick, heldFor) {
			case detachDone:
				hot = hotPolls
				spinUntil = time.Now().Add(spinFor)
				continue
			case detachSoon:
				hot = max(hot, 1)
			}
		}
		if m.max > 0 && heldFor >= next {
			next = 2 * heldFor
			hold = m.report(g, heldFor, hold)
		}
	}
}

// sleep waits d, or until the monitor is stopped (false). Below a
// millisecond it sleeps in the kernel: Go's timers round such sleeps up to
// about a millisecond when every P idles.
func (m *monitor) sleep(d time.Duration) bool {
	if d < time.Millisecond {
		shortSleep(d)
		select {
		case <-m.stop:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-m.stop:
		return false
	case <-t.C:
		return true
	}
}

// waitBusy waits while the hub idles; false if the monitor was stopped.
func (m *monitor) waitBusy() bool {
	m.sleepy.Store(true)
	defer m.sleepy.Store(false)
	if !m.h.idling.Load() {
		return true
	}
	select {
	case <-m.stop:
		return false
	case <-m.kick:
		return true
	}
}

type detachResult int

const (
	detachNo   detachResult = iota // not in a foreign wait of user code
	detachSoon                     // in one, not long enough yet, or moving
	detachDone                     // detached
)

// tryDetach detaches g if it holds the hub in a foreign wait of user code
// for at least m.after, the hub's tick being still tick. See handoff.go.
func (m *monitor) tryDetach(g *Greenlet, tick uint64, heldFor time.Duration) detachResult {
	h := m.h
	gid := g.w.gid.Load()
	s := readG(gid)
	wait, ok := s.foreign()
	if !ok {
		return detachNo
	}
	if heldFor < m.after {
		return detachSoon
	}
	pcs := s.walk()
	if !readG(gid).same(s) {
		return detachSoon
	}
	ws := classify(pcs)
	if !ws.user || ws.rt {
		return detachNo
	}
	ho := &h.ho
	ho.mu.Lock()
	ho.deciding = gid
	ho.mu.Unlock()
	ho.active.Add(1)
	abort := func() detachResult {
		ho.mu.Lock()
		ho.deciding = 0
		ho.mu.Unlock()
		ho.active.Add(-1)
		return detachSoon
	}
	if !h.cur.CompareAndSwap(g, nil) {
		return abort()
	}
	if !readG(gid).same(s) || h.tick.Load() != tick {
		h.cur.CompareAndSwap(nil, g)
		return abort()
	}
	// g is detached: it stopped in user code and has not moved since cur
	// was taken from it, so its next green call will find the record.
	d := &detach{g: g, in: make(chan struct{}, 1), wait: wait, since: time.Now()}
	ho.mu.Lock()
	ho.detached[gid] = d
	ho.deciding = 0
	ho.mu.Unlock()
	ho.count.Add(1)
	ho.now.Add(1)
	// Report first (once per call site), so that whoever sees the
	// hand-off's effects sees its report too.
	if ho.record(ws, wait, heldFor, 1, 0) {
		r := Handoff{Hub: h.opts.Name, Greenlet: g, Name: g.Name(), Wait: wait,
			Frame: frameString(ws.frames[ws.frame]), Caller: frameString(ws.frames[ws.caller]),
			Held: heldFor, Stack: stackString(ws.frames), Virtual: h.virtual != nil}
		if h.opts.OnHandoff != nil {
			h.opts.OnHandoff(r)
		} else {
			fmt.Fprintln(os.Stderr, r.String())
		}
	}
	go h.relay(d)
	return detachDone
}

// held is a hold the monitor reported, summed into its site as it goes.
type held struct {
	ws      waitSite
	wait    string
	since   time.Time
	counted time.Duration // summed so far
}

// add sums the hold's time up to now into its site.
func (hd *held) add(s *handoffState, now time.Time) {
	if hd != nil {
		d := now.Sub(hd.since)
		s.record(hd.ws, hd.wait, d-hd.counted, 0, 0)
		hd.counted = d
	}
}

// report reports g holding the hub for heldFor; hold is the hold's record
// if it was reported before.
func (m *monitor) report(g *Greenlet, heldFor time.Duration, hold *held) *held {
	h := m.h
	h.stats.blocked.Add(1)
	b := Blocked{Hub: h.opts.Name, Greenlet: g, Name: g.Name(), For: heldFor}
	var ws waitSite
	s := readG(g.w.gid.Load())
	if wait, ok := s.foreign(); ok {
		pcs := s.walk()
		if readG(g.w.gid.Load()).same(s) {
			ws = classify(pcs)
			b.Wait, b.Stack = wait, stackString(ws.frames)
		}
	}
	if b.Stack == "" {
		b.Stack = monitorStack(g)
		ws = waitSite{frames: []runtime.Frame{{Function: "(running)"}, {Function: g.Name()}}, frame: 0, caller: 1,
			key: siteKey{0, g.pc}}
	}
	if h.opts.OnBlocked != nil {
		h.opts.OnBlocked(b)
	} else {
		fmt.Fprintln(os.Stderr, b.String())
	}
	if hold != nil {
		hold.add(&h.ho, hold.since.Add(heldFor))
		return hold
	}
	wait := b.Wait
	if wait == "" {
		wait = "running"
	}
	hold = &held{ws: ws, wait: wait, since: time.Now().Add(-heldFor), counted: heldFor}
	h.ho.record(ws, wait, heldFor, 0, 1)
	return hold
}

func (m *monitor) close() {
	if m == nil {
		return
	}
	close(m.stop)
	<-m.done
}

// maxMonitorGoroutines bounds the goroutines the monitor will dump to find
// a blocked greenlet's stack. Go can only give another goroutine's stack in
// a dump of them all, which stops the world for its length: with a million
// parked greenlets that is seconds, far worse than the block reported.
const maxMonitorGoroutines = 10000

// monitorStack returns g's stack for a monitor report, or says why not.
func monitorStack(g *Greenlet) string {
	if n := runtime.NumGoroutine(); n > maxMonitorGoroutines {
		return fmt.Sprintf("(stack omitted: %d goroutines, and Go can only dump them all at once; Hub.Dump has every stack)", n)
	}
	return greenletStack(g, goroutineStacks())
}
