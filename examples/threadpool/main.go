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
	"os"
	"time"

	"github.com/greenshim/greenshim/examples/internal/threadpool"
)

// run is the example's body, for the test.
var run = threadpool.Run

func main() {
	task := flag.Duration("task", time.Second, "how long each task blocks")
	flag.Parse()
	if _, err := threadpool.Run(os.Stdout, *task); err != nil {
		fmt.Fprintln(os.Stderr, "threadpool:", err)
		os.Exit(2)
	}
}
