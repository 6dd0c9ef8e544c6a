// Command prodcons is the seed's producer/consumer demo: one producer, five
// consumers, ten items; producing an item takes 100 ms, consuming one 500 ms.
//
// The generator version pulls items from a Go iterator (a yield-based
// coroutine, like a Python generator) and hands them to the consumers in
// turn, all in one greenlet: nothing runs while the producer or a consumer
// waits, so the waits add up (6 s). The greenlet version runs the producer
// and each consumer in a greenlet of its own, joined by a green Queue; their
// Sleeps switch to whoever can run, so the consumers work side by side
// (about 1.5 s).
//
// Both run on a virtual clock by default, so the timestamps are the same on
// every run and the demo takes no time; -clock real shows the same in real
// time.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/prodcons"
)

// run is the example's body, for the test.
var run = prodcons.Run

func main() {
	clk := flag.String("clock", "virtual", "the hub's clock: virtual or real")
	flag.Parse()
	if err := prodcons.Run(os.Stdout, *clk); err != nil {
		fmt.Fprintln(os.Stderr, "prodcons:", err)
		os.Exit(2)
	}
}
