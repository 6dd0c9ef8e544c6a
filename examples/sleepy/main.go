// Command sleepy is the seed's first gevent demo: f1, f2 and f3 sleep 4, 2
// and 3 seconds. Run as greenlets with the blocking time module and the
// hand-off off, as in gevent, each sleep holds the hub and they take 9 s in
// all. With the hand-off on (the default), each blocking sleep is detached
// from the hub after a moment and reported once: they overlap, in real time
// and in no fixed order. With the cooperative time module patched in, they
// sleep side by side and all finish in 4 s, on the hub's clock. Same code:
// only the module behind registry.Time() and the hub's options changed.
//
//	go run ./examples/sleepy                 # 1 s units, real time
//	go run ./examples/sleepy -unit 100ms -clock virtual
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/greenshim/greenshim/examples/internal/sleepy"
)

// run is the example's body, for the test.
var run = sleepy.Run

func main() {
	unit := flag.Duration("unit", time.Second, "one unit of sleep")
	clk := flag.String("clock", "real", "the patched hub's clock: real or virtual")
	flag.Parse()
	if err := run(os.Stdout, *unit, *clk); err != nil {
		fmt.Fprintln(os.Stderr, "sleepy:", err)
		os.Exit(2)
	}
}
