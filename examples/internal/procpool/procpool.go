// Package procpool is the body of the example command procpool
// (examples/procpool), kept importable so that the tour can run it too. See
// that command.
package procpool

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// Config is what a run does: the seed's demos with these numbers.
type Config struct {
	Workers int           // the pool's size (Pool(5))
	Tasks   int           // long_time_task calls, each with a callback
	Scale   time.Duration // a task sleeps a random part of Scale (the seed's random()*3 s)
	Count   int           // increments of the shared counter per worker
	Seed    uint64        // of the tasks' durations
	Modes   []string      // of "processes", "threadpool", "greenlets", in order
}

// Modes are the ways Run does the same work.
var Modes = []string{"processes", "threadpool", "greenlets"}

// Report is what one mode did, for the test.
type Report struct {
	Mode      string
	Apply     int           // apply(square, 7)
	Map       []int         // map(square, 0..9)
	Callbacks []int         // the tasks' values, in the order their callbacks ran
	Pids      []int         // distinct process ids the tasks ran in
	Queue     int           // the counter kept through a queue
	Locked    int           // the counter kept through a lock
	Unlocked  int           // the counter without the lock; -1 if not run
	Tasks     time.Duration // from the first long_time_task queued to the last done
	Wall      time.Duration // the whole mode, workers' start and end included
}

func (c Config) check() error {
	switch {
	case c.Workers <= 0:
		return fmt.Errorf("-workers %d: want at least one", c.Workers)
	case c.Tasks < 0:
		return fmt.Errorf("-tasks %d: want zero or more", c.Tasks)
	case c.Scale <= 0:
		return fmt.Errorf("-scale %v: want a positive duration", c.Scale)
	case c.Count < 0:
		return fmt.Errorf("-count %d: want zero or more", c.Count)
	}
	for _, m := range c.Modes {
		if !slices.Contains(Modes, m) {
			return fmt.Errorf("-modes: unknown mode %q; modes: %s", m, strings.Join(Modes, ", "))
		}
	}
	return nil
}

// durations are the tasks' sleeps, the same in every mode.
func (c Config) durations() []time.Duration {
	rng := rand.New(rand.NewPCG(c.Seed, 0))
	d := make([]time.Duration, c.Tasks)
	for i := range d {
		d[i] = time.Duration(rng.Float64() * float64(c.Scale)).Round(time.Millisecond)
	}
	return d
}

// Run does the seed's demos in each mode of cfg, writing what Python's
// would print, and a line of figures per mode.
func Run(w io.Writer, cfg Config) ([]Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	sw := &syncWriter{w: w}
	// The os module is patched so that the pool's processes are started,
	// read and waited for cooperatively (registry.Procs is green.OS). Times
	// are read through the time module, left blocking: the real clock.
	patch.Restore()
	if _, err := patch.PatchAll(patch.Options{NoTime: true, NoSocket: true, NoDNS: true}); err != nil {
		return nil, err
	}
	defer patch.Restore()
	var reports []Report
	for _, mode := range cfg.Modes {
		r, err := runMode(sw, cfg, mode)
		if err != nil {
			return reports, fmt.Errorf("%s: %w", mode, err)
		}
		reports = append(reports, r)
	}
	if len(reports) > 1 {
		fmt.Fprintln(sw, "== the same work, compared")
		for _, r := range reports {
			fmt.Fprintf(sw, "  %-10s tasks_s=%.2f wall_s=%.2f processes=%d counter_queue=%d counter_lock=%d\n",
				r.Mode, r.Tasks.Seconds(), r.Wall.Seconds(), len(r.Pids), r.Queue, r.Locked)
		}
	}
	return reports, nil
}

func runMode(w io.Writer, cfg Config, mode string) (Report, error) {
	h := green.New(green.Options{ThreadPoolSize: cfg.Workers})
	defer h.Close()
	var r Report
	start := registry.Time().Now()
	err := h.Run(func() error {
		var err error
		switch mode {
		case "processes":
			r, err = processes(w, cfg)
		case "threadpool":
			r, err = threadpool(w, cfg, h.ThreadPool())
		case "greenlets":
			r, err = greenlets(w, cfg)
		}
		return err
	})
	r.Mode, r.Wall = mode, registry.Time().Since(start)
	unlocked := fmt.Sprint(r.Unlocked)
	if r.Unlocked < 0 {
		unlocked = "not_run"
	}
	fmt.Fprintf(w, "procpool mode=%s workers=%d tasks=%d tasks_s=%.2f wall_s=%.2f processes=%d counter_queue=%d counter_lock=%d counter_nolock=%s\n",
		mode, cfg.Workers, cfg.Tasks, r.Tasks.Seconds(), r.Wall.Seconds(), len(r.Pids), r.Queue, r.Locked, unlocked)
	return r, err
}

// squares is map's input, 0..9.
var squares = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}

// processes is the seed's demo on a Pool of worker processes.
func processes(w io.Writer, cfg Config) (Report, error) {
	var r Report
	fmt.Fprintf(w, "== processes: Pool(%d) of worker processes (this program, started again as workers)\n", cfg.Workers)
	fmt.Fprintf(w, "Parent process %d.\n", os.Getpid())
	ctx, cancel := context.WithCancel(context.Background())
	mgr := newManager()
	p, err := NewPool(ctx, registry.Procs(), cfg.Workers, w, mgr)
	if err != nil {
		cancel()
		return r, err
	}
	defer func() {
		cancel() // kills the workers left if a demo failed
		p.Close()
		p.Join()
	}()

	if r.Apply, err = p.Apply("square", 7); err != nil {
		return r, err
	}
	fmt.Fprintf(w, "apply(square, (7,)) = %d\n", r.Apply)
	if r.Map, err = p.Map("square", squares); err != nil {
		return r, err
	}
	fmt.Fprintf(w, "map(square, range(10)) = %v\n", r.Map)

	pids := map[int]bool{}
	var results []*green.AsyncResult
	t0 := registry.Time().Now()
	for i, d := range cfg.durations() {
		results = append(results, p.ApplyAsync("long_time_task", []int{i, int(d.Milliseconds())}, func(v int) {
			r.Callbacks = append(r.Callbacks, v) // callbacks run on the hub: no lock
		}))
	}
	fmt.Fprintln(w, "Waiting for all subprocesses done...")
	for _, res := range results {
		if _, err := res.Get(); err != nil {
			return r, err
		}
	}
	r.Tasks = registry.Time().Since(t0)
	for range cfg.Workers * 4 {
		pid, err := p.Apply("getpid")
		if err != nil {
			return r, err
		}
		pids[pid] = true
	}
	fmt.Fprintln(w, "All subprocesses done.")
	fmt.Fprintf(w, "callbacks, in completion order: %v\n", r.Callbacks)

	// The shared counter, three ways. Each worker runs one count task.
	counted := func(how int) error {
		var rs []*green.AsyncResult
		for range cfg.Workers {
			rs = append(rs, p.ApplyAsync("count", []int{cfg.Count, how}, nil))
		}
		for _, res := range rs {
			if _, err := res.Get(); err != nil {
				return err
			}
		}
		return nil
	}
	consumer := green.Spawn(func() error {
		for {
			v, err := mgr.queue.Get()
			if err != nil || v < 0 {
				return err
			}
			r.Queue += v
		}
	})
	if err := counted(countQueue); err != nil {
		return r, err
	}
	mgr.queue.Put(-1)
	if err := consumer.Join(); err != nil {
		return r, err
	}
	mgr.counter = 0
	if err := counted(countLock); err != nil {
		return r, err
	}
	r.Locked = mgr.counter
	mgr.counter = 0
	if err := counted(countNoLock); err != nil {
		return r, err
	}
	r.Unlocked = mgr.counter
	printCounters(w, cfg, r, "get and set interleave across processes")

	p.Close()
	if err := p.Join(); err != nil {
		return r, err
	}
	fmt.Fprintln(w, "close(); join(): every worker exited.")
	for pid := range pids {
		r.Pids = append(r.Pids, pid)
	}
	slices.Sort(r.Pids)
	return r, nil
}

func printCounters(w io.Writer, cfg Config, r Report, why string) {
	want := cfg.Workers * cfg.Count
	fmt.Fprintf(w, "shared counter, %d workers x %d increments (expected %d):\n", cfg.Workers, cfg.Count, want)
	fmt.Fprintf(w, "  through a queue:  %d\n", r.Queue)
	fmt.Fprintf(w, "  through a lock:   %d\n", r.Locked)
	switch {
	case r.Unlocked < 0:
		fmt.Fprintf(w, "  without the lock: not run (%s)\n", why)
	case r.Unlocked < want:
		fmt.Fprintf(w, "  without the lock: %d (lost %d updates: %s)\n", r.Unlocked, want-r.Unlocked, why)
	default:
		fmt.Fprintf(w, "  without the lock: %d (%s)\n", r.Unlocked, why)
	}
}

// threadpool is the same work on the hub's ThreadPool: threads of this
// process, sleeping with time.Sleep.
func threadpool(w io.Writer, cfg Config, tp *green.ThreadPool) (Report, error) {
	r := Report{Unlocked: -1, Pids: []int{os.Getpid()}}
	fmt.Fprintf(w, "== threadpool: the hub's ThreadPool(%d), threads of this process\n", tp.Size())
	fmt.Fprintf(w, "Parent process %d.\n", os.Getpid())
	v, err := tp.Apply(func() (any, error) { return 7 * 7, nil })
	if err != nil {
		return r, err
	}
	r.Apply = v.(int)
	fmt.Fprintf(w, "apply(square, (7,)) = %d\n", r.Apply)
	vs, err := tp.Map(len(squares), func(i int) (any, error) { return squares[i] * squares[i], nil })
	if err != nil {
		return r, err
	}
	for _, v := range vs {
		r.Map = append(r.Map, v.(int))
	}
	fmt.Fprintf(w, "map(square, range(10)) = %v\n", r.Map)

	var callbacks []*green.Greenlet
	t0 := registry.Time().Now()
	for i, d := range cfg.durations() {
		res := tp.Spawn(func() (any, error) {
			fmt.Fprintf(w, "Run task %d (%d)...\n", i, os.Getpid())
			start := registry.Time().Now()
			time.Sleep(d) // blocking: fine on a pool thread
			fmt.Fprintf(w, "Task %d runs %.2f seconds.\n", i, registry.Time().Since(start).Seconds())
			return i, nil
		})
		// The callback runs in a greenlet once the result is in.
		callbacks = append(callbacks, green.Spawn(func() error {
			v, err := res.Get()
			if err == nil {
				r.Callbacks = append(r.Callbacks, v.(int))
			}
			return err
		}))
	}
	fmt.Fprintln(w, "Waiting for all threads done...")
	if _, err := green.JoinAll(callbacks, green.JoinOptions{StopOnError: true}); err != nil {
		return r, err
	}
	r.Tasks = registry.Time().Since(t0)
	fmt.Fprintln(w, "All threads done.")
	fmt.Fprintf(w, "callbacks, in completion order: %v\n", r.Callbacks)

	// Through a queue: the jobs send on a channel a greenlet drains.
	q := make(chan int, cfg.Workers)
	consumer := green.Spawn(func() error {
		for {
			v, ok, err := green.Recv(q)
			if err != nil || !ok {
				return err
			}
			r.Queue += v
		}
	})
	if _, err := tp.Map(cfg.Workers, func(int) (any, error) {
		for range cfg.Count {
			q <- 1
		}
		return nil, nil
	}); err != nil {
		return r, err
	}
	close(q)
	if err := consumer.Join(); err != nil {
		return r, err
	}
	// Through a lock: a sync.Mutex, as threads need.
	var mu sync.Mutex
	counter := 0
	if _, err := tp.Map(cfg.Workers, func(int) (any, error) {
		for range cfg.Count {
			mu.Lock()
			counter++
			mu.Unlock()
		}
		return nil, nil
	}); err != nil {
		return r, err
	}
	r.Locked = counter
	printCounters(w, cfg, r, "a counter threads share without a lock is a data race")
	return r, nil
}

// greenlets is the same work on greenlets of the hub, at most Workers at a
// time: green.Sleep parks each, so they overlap as the processes do.
func greenlets(w io.Writer, cfg Config) (Report, error) {
	r := Report{Pids: []int{os.Getpid()}}
	fmt.Fprintf(w, "== greenlets: at most %d at a time, on one hub\n", cfg.Workers)
	fmt.Fprintf(w, "Parent process %d.\n", os.Getpid())
	r.Apply = 7 * 7
	fmt.Fprintf(w, "apply(square, (7,)) = %d\n", r.Apply)
	for _, x := range squares {
		r.Map = append(r.Map, x*x)
	}
	fmt.Fprintf(w, "map(square, range(10)) = %v\n", r.Map)

	sem := green.NewSemaphore(cfg.Workers)
	var gs []*green.Greenlet
	t0 := registry.Time().Now()
	for i, d := range cfg.durations() {
		gs = append(gs, green.Spawn(func() error {
			sem.Acquire()
			defer sem.Release()
			fmt.Fprintf(w, "Run task %d (%d)...\n", i, os.Getpid())
			start := registry.Time().Now()
			green.Sleep(d)
			fmt.Fprintf(w, "Task %d runs %.2f seconds.\n", i, registry.Time().Since(start).Seconds())
			r.Callbacks = append(r.Callbacks, i)
			return nil
		}))
	}
	fmt.Fprintln(w, "Waiting for all greenlets done...")
	if _, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true}); err != nil {
		return r, err
	}
	r.Tasks = registry.Time().Since(t0)
	fmt.Fprintln(w, "All greenlets done.")
	fmt.Fprintf(w, "callbacks, in completion order: %v\n", r.Callbacks)

	q := green.NewQueue[int](0)
	var lock green.Lock
	var workers []*green.Greenlet
	for range cfg.Workers {
		workers = append(workers, green.Spawn(func() error {
			for range cfg.Count {
				if err := q.Put(1); err != nil {
					return err
				}
				lock.Lock()
				v := r.Locked
				r.Locked = v + 1
				lock.Unlock()
				v = r.Unlocked
				r.Unlocked = v + 1 // nothing switches between the read and the write
				green.Yield()
			}
			return nil
		}))
	}
	if _, err := green.JoinAll(workers, green.JoinOptions{StopOnError: true}); err != nil {
		return r, err
	}
	for q.Len() > 0 {
		v, _ := q.Get()
		r.Queue += v
	}
	printCounters(w, cfg, r, "on a hub nothing switches between the read and the write")
	return r, nil
}

// syncWriter serializes writes: the thread pool's jobs print from their own
// goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
