package green

import (
	"fmt"
	"os"
	"runtime"
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
// usual cause is a native blocking call (a Go channel, sync.Mutex,
// time.Sleep, a syscall) made without Native, a ThreadPool or the Go-channel
// helpers. It is reported once per stretch of blocking.
type Blocked struct {
	Hub      string        // the hub's name
	Greenlet *Greenlet     // the greenlet holding the hub
	Name     string        // its name
	For      time.Duration // how long it had held the hub, at least
	Stack    string        // its goroutine's stack when reported
}

func (b Blocked) String() string {
	return fmt.Sprintf("green: %s: greenlet %s appears to be blocked (held the hub for %v)\n%s",
		b.Hub, b.Name, b.For.Round(time.Millisecond), b.Stack)
}

// monitor is a goroutine that samples the hub's resumption counter: if it
// has not moved for max while a greenlet holds the hub, that greenlet is
// blocking it. Sampling keeps the switch path free of clock reads: it costs
// the hub one atomic add per resumption.
type monitor struct {
	h    *Hub
	max  time.Duration
	stop chan struct{}
	done chan struct{}
}

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
	max := maxBlockingTime(h.opts.MaxBlockingTime)
	if max < 0 {
		return nil
	}
	m := &monitor{h: h, max: max, stop: make(chan struct{}), done: make(chan struct{})}
	go m.run()
	return m
}

func (m *monitor) run() {
	defer close(m.done)
	period := max(m.max/4, time.Millisecond)
	t := time.NewTicker(period)
	defer t.Stop()
	h := m.h
	last := h.tick.Load()
	since := time.Now()
	reported := false
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			tick := h.tick.Load()
			if tick != last || h.idling.Load() {
				last, since, reported = tick, now, false
				continue
			}
			held := now.Sub(since)
			if reported || held < m.max {
				continue
			}
			g := h.cur.Load()
			if g == nil {
				continue
			}
			reported = true
			h.stats.blocked.Add(1)
			b := Blocked{Hub: h.opts.Name, Greenlet: g, Name: g.Name(), For: held, Stack: monitorStack(g)}
			if h.opts.OnBlocked != nil {
				h.opts.OnBlocked(b)
			} else {
				fmt.Fprintln(os.Stderr, b.String())
			}
		}
	}
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
