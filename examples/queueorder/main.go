// Command queueorder shows the seed's surprise: a Put that hands an item to
// a waiting getter does not switch to it. The putter runs on until it waits
// or yields, so a putter that puts three items in a row fills the queue
// before the getter sees any; one that yields after each Put lets the
// getter take each item at once.
//
// This is gevent's behaviour and greenshim keeps it: a hub switches only
// where a greenlet waits, never behind its back, which is what makes shared
// state safe without locks. The Put only marks the getter runnable; it runs
// at the putter's next wait or Yield.
package main

import (
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/queueorder"
)

// run is the example's body, for the test.
var run = queueorder.Run

func main() {
	if err := queueorder.Run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "queueorder:", err)
		os.Exit(2)
	}
}
