// Command sleepy is the seed's first gevent demo: f1, f2 and f3 sleep 4, 2
// and 3 seconds. Run as greenlets with the blocking time module, each sleep
// holds the hub and they take 9 s in all; with the cooperative time module
// patched in, they sleep side by side and all finish in 4 s. Same code: only
// the module behind registry.Time() changed.
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
