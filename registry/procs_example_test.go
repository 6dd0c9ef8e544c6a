package registry_test

import (
	"context"
	"fmt"

	"github.com/greenshim/greenshim/registry"
)

// Procs is the current os module's processes, looked up at each call.
func ExampleProcs() {
	out, err := registry.Procs().Command(context.Background(), "echo", "late-bound").Output()
	fmt.Printf("%s%v\n", out, err)
	// Output:
	// late-bound
	// <nil>
}
