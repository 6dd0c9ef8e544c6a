// Command patchorder shows gevent's ordering pitfall, and greenshim naming
// it: package early binds the socket module at init, before main patches;
// package late looks it up at each call. After the patch, late dials through
// the cooperative socket module and early still through the blocking one,
// and the patch report names early's binding with its file and line.
package main

import (
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/patchorder"
)

// run is the example's body, for the test.
var run = patchorder.Run

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "patchorder:", err)
		os.Exit(1)
	}
}
