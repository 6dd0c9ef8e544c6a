// Command threadpool is the seed's thread-pool demo: ten tasks that each
// block for one second in a call patching cannot reach (time.Sleep here; a
// cgo call or a C database driver in real life), run on a pool of four
// workers. They go in three rounds, 4 + 4 + 2, so the whole takes about
// three seconds, and the hub keeps running its other greenlets meanwhile:
// gevent's hub.threadpool.
//
//	go run ./examples/threadpool            # prints the task lines and wall_s=...
//	go run ./examples/threadpool -task 100ms
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/greenshim/greenshim/green"
)

const (
	workers = 4
	tasks   = 10
)

func main() {
	task := flag.Duration("task", time.Second, "how long each task blocks")
	flag.Parse()
	if _, err := run(os.Stdout, *task); err != nil {
		fmt.Fprintln(os.Stderr, "threadpool:", err)
		os.Exit(2)
	}
}

// result is what a run measured, for the test.
type result struct {
	maxRunning int64
	ticks      int
}

func run(w io.Writer, task time.Duration) (result, error) {
	if task <= 0 {
		return result{}, fmt.Errorf("-task %v: want a positive duration", task)
	}
	h := green.New(green.Options{ThreadPoolSize: workers})
	defer h.Close()
	var running, maxRunning atomic.Int64
	var res result
	start := time.Now()
	err := h.Run(func() error {
		// A greenlet that ticks while the pool works: the hub is free.
		done := false
		ticker := h.Spawn(func() error {
			for !done {
				res.ticks++
				h.Sleep(task / 4)
			}
			return nil
		})
		_, err := h.ThreadPool().Map(tasks, func(i int) (any, error) {
			n := running.Add(1)
			for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
			}
			fmt.Fprintf(w, "  +%.1fs task %d starts (%d running)\n", time.Since(start).Seconds(), i, n)
			time.Sleep(task) // blocking: it would hold the hub if run in a greenlet
			running.Add(-1)
			return nil, nil
		})
		done = true
		if jerr := ticker.Join(); err == nil {
			err = jerr
		}
		return err
	})
	res.maxRunning = maxRunning.Load()
	fmt.Fprintf(w, "threadpool workers=%d tasks=%d task_s=%.3f wall_s=%.3f hub_ticks_meanwhile=%d\n",
		workers, tasks, task.Seconds(), time.Since(start).Seconds(), res.ticks)
	return res, err
}
