// Command patchorder shows gevent's ordering pitfall, and greenshim naming
// it: package early binds the socket module at init, before main patches;
// package late looks it up at each call. After the patch, late dials through
// the new socket module and early still through the old one, and the patch
// report names early's binding with its file and line.
//
// The cooperative modules of package green are not there yet (issue 4), so
// the patch installs a socket module of this example's own that counts its
// dials: it makes visible which implementation each package reaches.
package main

import (
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/patchorder"
)

// run is the example's body, for the test.
var run = patchorder.Run

func main() {
	if err := patchorder.Run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "patchorder:", err)
		os.Exit(1)
	}
}
