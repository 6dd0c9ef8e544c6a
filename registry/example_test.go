package registry_test

import (
	"fmt"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/registry"
)

// A getter returns the module current at each call; a Bind keeps what was
// current when it ran, and the registry knows it is stale after a swap.
func Example() {
	bound := registry.BindSocket() // keeps what is current now

	prev, stale, _ := registry.Swap(registry.SocketModule, &blocking.Socket{})
	defer registry.Swap(registry.SocketModule, prev)

	fmt.Printf("current: %T\n", registry.Socket())
	fmt.Println("bound keeps the one replaced:", bound == prev)
	fmt.Println("patched:", registry.IsPatched(registry.SocketModule))
	for _, b := range stale {
		if b.Func == "Example" { // the stale bindings of other tests are listed too
			fmt.Printf("stale:   %s bound in %s (%s)\n", b.Module, b.Func, b.Caller())
		}
	}
	// Output:
	// current: *blocking.Socket
	// bound keeps the one replaced: true
	// patched: true
	// stale:   socket bound in Example (example_test.go:13)
}

func ExampleDeclareNative() {
	n := registry.DeclareNative("example-driver", registry.SocketModule, registry.DNSModule)
	fmt.Println(n.Name, n.Modules)
	// Output:
	// example-driver [socket dns]
}
