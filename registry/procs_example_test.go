package registry_test

import (
	"context"
	"fmt"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/registry"
)

// Procs is the current os module's processes, looked up at each call: here
// the real processes of package blocking, swapped in for the example (it
// runs the system's echo, which a simulated os module, -greenshim=sim,
// does not have).
func ExampleProcs() {
	prev, _, _ := registry.Swap(registry.OSModule, blocking.OS{})
	defer registry.Swap(registry.OSModule, prev) //nolint:errcheck // prev was current
	out, err := registry.Procs().Command(context.Background(), "echo", "late-bound").Output()
	fmt.Printf("%s%v\n", out, err)
	// Output:
	// late-bound
	// <nil>
}
