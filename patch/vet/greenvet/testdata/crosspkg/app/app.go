// Package app calls lib from green code.
package app

import (
	"time"

	"example.com/vettest/crosspkg/lib"
	"github.com/greenshim/greenshim/green"
)

func run() {
	green.Spawn(func() error {
		_ = lib.Safe(1, 2)
		_, err := lib.Dial("x") // want `lib.Dial bypasses the registry's socket module: it calls net.Dial \(lib.go:14\), and its waits hold the hub; call it inside green.Native`
		if err != nil {
			return err
		}
		_ = lib.Connect("x")         // want `lib.Connect bypasses the registry's socket module: it calls net.Dial \(in lib.Dial, lib.go:14\)`
		return lib.Fetch("http://x") // want `lib.Fetch calls http.Get \(lib.go:28\), which waits on goroutines of its own`
	})
	lib.Each(func() error {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*passed to lib.Each`
		return nil
	})
	// A function of another package passed to an entry point.
	green.Spawn(lib.Poll) // want `lib.Poll calls http.Get \(in lib.Fetch, lib.go:28\)`
}
