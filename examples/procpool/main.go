// Command procpool is the seed's multiprocessing demos in Go: a Pool(5) of
// worker processes (this program, started again in a worker mode) running
// tasks with apply, map and apply_async with callbacks, then close and
// join; and a counter the workers share, kept consistent through a queue
// and through a lock across processes (and not without the lock). The
// parent talks to each worker over its pipes from a greenlet, through the
// patched os module, so its waits for pipes and exits are cooperative.
// The same work then runs on the hub's ThreadPool and on greenlets, for
// comparison.
//
//	go run ./examples/procpool                      # all three, the seed's output shape
//	go run ./examples/procpool -modes processes -scale 3s
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/greenshim/greenshim/examples/internal/procpool"
)

// run is the example's body, for the test.
var run = procpool.Run

func main() {
	procpool.MaybeWorker() // a worker runs its tasks and exits here
	cfg := procpool.Config{}
	flag.IntVar(&cfg.Workers, "workers", 5, "pool size")
	flag.IntVar(&cfg.Tasks, "tasks", 10, "long_time_task calls")
	flag.DurationVar(&cfg.Scale, "scale", time.Second, "each task sleeps a random part of this")
	flag.IntVar(&cfg.Count, "count", 100, "shared-counter increments per worker")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the tasks' durations")
	modes := flag.String("modes", strings.Join(procpool.Modes, ","), "comma-separated: "+strings.Join(procpool.Modes, ", "))
	flag.Parse()
	cfg.Modes = strings.Split(*modes, ",")
	if _, err := run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "procpool:", err)
		os.Exit(2)
	}
}
