package patch_test

import (
	"fmt"
	"net"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// Patch the socket and time modules, leave os and dns alone, and restore.
func ExamplePatchAll() {
	patch.Restore() // start from the originals, whatever -greenshim chose
	defer patch.Restore()

	report, err := patch.PatchAll(patch.Options{
		Impl: registry.Set{
			Time:   &blocking.Time{},
			Socket: &blocking.Socket{Dialer: &net.Dialer{}},
		},
		NoOS:  true,
		NoDNS: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(report.PatchedModules())
	fmt.Println(registry.IsPatched(registry.SocketModule), registry.IsPatched(registry.DNSModule))

	again, _ := patch.PatchAll(patch.Options{
		Impl: registry.Set{
			Time:   report.Patched[0].Impl.(*blocking.Time),
			Socket: report.Patched[1].Impl.(*blocking.Socket),
		},
		NoOS:  true,
		NoDNS: true,
	})
	fmt.Println("no-op:", again.NoOp)
	// Output:
	// [time socket]
	// true false
	// no-op: true
}

func ExampleParseSpec() {
	spec, _ := patch.ParseSpec("green,-dns")
	fmt.Printf("patch=%v skip dns=%v\n", spec.Patch, spec.Options.NoDNS)
	_, err := patch.ParseSpec("green,-thread")
	fmt.Println(err)
	// Output:
	// patch=true skip dns=true
	// patch: unknown token "-thread" in "green,-thread"; valid tokens: green, sim, blocking, os, time, socket, dns, -os, -time, -socket, -dns
}
