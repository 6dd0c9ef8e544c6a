// Command primitives runs the seed's threading demos with green
// primitives: Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, a
// timer (SpawnLater, gevent's answer to threading.Timer) and the queue kinds
// (Queue, LifoQueue, PriorityQueue, JoinableQueue, Channel). Each section
// prints what happened, on a virtual clock, so the output is the same on
// every run.
package main

import (
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/primitives"
)

// run is the example's body, for the test.
var run = primitives.Run

func main() {
	if err := primitives.Run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "primitives:", err)
		os.Exit(2)
	}
}
