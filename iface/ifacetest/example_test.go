package ifacetest_test

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/greenshim/greenshim/iface/ifacetest"
)

// nopWriteCloser is a writer that closes to nothing.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// A simulated world runs the process suite's helper program as a command
// handler: Helper is the whole program, given its streams and clock.
func ExampleHelper() {
	var out, errs strings.Builder
	code := ifacetest.Helper(ifacetest.HelperProc{
		Args:   []string{"echo", "hello,", "world"},
		Stdin:  io.NopCloser(strings.NewReader("")),
		Stdout: nopWriteCloser{&out},
		Stderr: nopWriteCloser{&errs},
		Getenv: func(string) string { return "" },
		Dir:    "/",
		Sleep:  func(time.Duration) {},
	})
	fmt.Printf("%q %q %d\n", out.String(), errs.String(), code)
	// Output:
	// "hello, world\n" "" 0
}
