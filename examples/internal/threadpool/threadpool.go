// Package threadpool is the body of the example command threadpool (examples/threadpool),
// kept importable so that the tour can run it too. See that command.
package threadpool

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenshim/greenshim/green"
)

const (
	workers = 4
	tasks   = 10
)

// Result is what a run measured, for the test.
type Result struct {
	MaxRunning int64
	Ticks      int
}

func Run(w io.Writer, task time.Duration) (Result, error) {
	if task <= 0 {
		return Result{}, fmt.Errorf("-task %v: want a positive duration", task)
	}
	h := green.New(green.Options{ThreadPoolSize: workers})
	defer h.Close()
	var running, maxRunning atomic.Int64
	var wmu sync.Mutex // guards w: the jobs print from the pool's goroutines
	var res Result
	start := time.Now()
	err := h.Run(func() error {
		// A greenlet that ticks while the pool works: the hub is free.
		done := false
		ticker := h.Spawn(func() error {
			for !done {
				res.Ticks++
				h.Sleep(task / 4)
			}
			return nil
		})
		_, err := h.ThreadPool().Map(tasks, func(i int) (any, error) {
			n := running.Add(1)
			for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
			}
			wmu.Lock()
			fmt.Fprintf(w, "  +%.1fs task %d starts (%d running)\n", time.Since(start).Seconds(), i, n)
			wmu.Unlock()
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
	res.MaxRunning = maxRunning.Load()
	fmt.Fprintf(w, "threadpool workers=%d tasks=%d task_s=%.3f wall_s=%.3f hub_ticks_meanwhile=%d\n",
		workers, tasks, task.Seconds(), time.Since(start).Seconds(), res.Ticks)
	return res, err
}
