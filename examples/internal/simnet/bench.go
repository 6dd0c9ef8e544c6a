package simnet

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"syscall"
	"time"
)

// BenchConfig sizes Bench.
type BenchConfig struct {
	Clients    int    // echo clients, all connected at once (loopback: see Bench)
	Rounds     int    // round trips per client
	Events     int    // timer events
	Idle       int    // idle conn pairs for the memory figures
	CPUProfile string // a file for a CPU profile of the mode 1 echo, or ""
}

func (c BenchConfig) check() error {
	switch {
	case c.Clients <= 0:
		return fmt.Errorf("simnet: -clients %d: want at least 1", c.Clients)
	case c.Rounds <= 0:
		return fmt.Errorf("simnet: -rounds %d: want at least 1", c.Rounds)
	case c.Events < 100:
		return fmt.Errorf("simnet: -events %d: want at least 100", c.Events)
	case c.Idle <= 0:
		return fmt.Errorf("simnet: -idle %d: want at least 1", c.Idle)
	}
	return nil
}

// echoMsg is what each round trip of the echo sends and gets back.
const echoMsg = "the quick brown fox jumps over the lazy dog\n" // 44 bytes

// Bench measures, in one run, and prints one key=value a line:
//
//   - sim_roundtrips_per_s: the echo in mode 1 (greenlets on the world's
//     virtual hub): Clients clients on host "client", all dialing at once,
//     each doing Rounds round trips of 44 bytes with its own greenlet on
//     host "server"; wall time from the first dial to the last close.
//     Each echo below is run twice and the second run measured, as go test
//     -bench measures after a first run: the first run in a process also
//     makes its greenlets' coroutines and grows the heap from nothing.
//     sim_cold_roundtrips_per_s is the first run's figure.
//   - loopback_roundtrips_per_s: the same echo over real loopback TCP
//     sockets with plain goroutines and package net (the fastest Go baseline),
//     at most loopback_conns_at_once clients connected at a time (the
//     descriptor limit and the kernel's listen backlog bound it).
//   - sim_synctest_roundtrips_per_s: the same echo in mode 2, goroutines in a
//     testing/synctest bubble on a world of goroutines.
//   - sim_timer_events_per_s: timer events on a virtual hub: 100 greenlets
//     sleeping Events/100 times each, for periods that seldom coincide, so
//     that nearly every event is a jump of virtual time;
//     synctest_time_jumps_per_s: the same sleeps by 100 goroutines in a
//     synctest bubble.
//   - each *_per_cpu_s beside a *_per_s: the same count per second of the
//     process's CPU time (user and system, all threads, the GC's too) over
//     the whole step, setup included: the figure a loaded machine moves least.
//   - sim_idle_conn_bytes and loopback_idle_conn_bytes: the Go heap and
//     stack one idle conn pair costs (both ends, and the server's reader
//     parked in Read: a greenlet, or a goroutine), from runtime.MemStats
//     over Idle pairs after a GC. The kernel's socket buffers of a real
//     conn are not in the figure.
func Bench(out io.Writer, cfg BenchConfig) error {
	if err := cfg.check(); err != nil {
		return err
	}
	raiseFileLimit()
	fmt.Fprintf(out, "clients=%d rounds=%d events=%d idle=%d\n", cfg.Clients, cfg.Rounds, cfg.Events, cfg.Idle)
	rate := func(n int, d time.Duration) string {
		return fmt.Sprintf("%.0f", float64(n)/d.Seconds())
	}
	// cpu is the process's CPU time (user and system, every thread, the GC
	// too) since the last call: on a shared machine the per-CPU-second
	// figures beside the wall ones say what the code costs.
	last := cpuTime()
	cpu := func() time.Duration {
		now := cpuTime()
		d := now - last
		last = now
		return d
	}
	n := cfg.Clients * cfg.Rounds

	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	cpu()
	d, err := simEcho(cfg.Clients, cfg.Rounds)
	if err != nil {
		return fmt.Errorf("sim echo: %w", err)
	}
	fmt.Fprintf(out, "sim_cold_roundtrips_per_s=%s sim_cold_roundtrips_per_cpu_s=%s\n", rate(n, d), rate(n, cpu()))
	d, err = simEcho(cfg.Clients, cfg.Rounds)
	if cfg.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return fmt.Errorf("sim echo: %w", err)
	}
	fmt.Fprintf(out, "sim_roundtrips_per_s=%s sim_roundtrips_per_cpu_s=%s\n", rate(n, d), rate(n, cpu()))

	atOnce := min(cfg.Clients, 1000)
	if _, err := loopbackEcho(cfg.Clients, cfg.Rounds, atOnce); err != nil {
		return fmt.Errorf("loopback echo: %w", err)
	}
	cpu()
	d, err = loopbackEcho(cfg.Clients, cfg.Rounds, atOnce)
	if err != nil {
		return fmt.Errorf("loopback echo: %w", err)
	}
	fmt.Fprintf(out, "loopback_roundtrips_per_s=%s loopback_roundtrips_per_cpu_s=%s loopback_conns_at_once=%d\n", rate(n, d), rate(n, cpu()), atOnce)

	if _, err := synctestEcho(cfg.Clients, cfg.Rounds); err != nil {
		return fmt.Errorf("synctest echo: %w", err)
	}
	cpu()
	d, err = synctestEcho(cfg.Clients, cfg.Rounds)
	if err != nil {
		return fmt.Errorf("synctest echo: %w", err)
	}
	fmt.Fprintf(out, "sim_synctest_roundtrips_per_s=%s sim_synctest_roundtrips_per_cpu_s=%s\n", rate(n, d), rate(n, cpu()))

	ev := cfg.Events / sleepers * sleepers
	cpu()
	d, err = hubTimers(ev)
	if err != nil {
		return fmt.Errorf("hub timers: %w", err)
	}
	fmt.Fprintf(out, "sim_timer_events_per_s=%s sim_timer_events_per_cpu_s=%s\n", rate(ev, d), rate(ev, cpu()))
	d, err = synctestTimers(ev)
	if err != nil {
		return fmt.Errorf("synctest timers: %w", err)
	}
	fmt.Fprintf(out, "synctest_time_jumps_per_s=%s synctest_time_jumps_per_cpu_s=%s\n", rate(ev, d), rate(ev, cpu()))

	b, err := simIdle(cfg.Idle)
	if err != nil {
		return fmt.Errorf("sim idle conns: %w", err)
	}
	fmt.Fprintf(out, "sim_idle_conn_bytes=%.0f\n", b)
	b, err = loopbackIdle(cfg.Idle)
	if err != nil {
		return fmt.Errorf("loopback idle conns: %w", err)
	}
	fmt.Fprintf(out, "loopback_idle_conn_bytes=%.0f\n", b)
	return nil
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// raiseFileLimit raises the soft limit on descriptors to the hard one
// (Go does so itself since 1.19; this is for older habits of the shell).
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}
