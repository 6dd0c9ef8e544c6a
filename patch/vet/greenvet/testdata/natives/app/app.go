// Package app calls a native component from green code.
package app

import (
	"example.com/vettest/natives/driver"
	"github.com/greenshim/greenshim/green"
)

func run() {
	green.Spawn(func() error {
		return driver.Query("x") // want `driver.Query is part of native component "mydriver" \(driver.go:12\), which uses net.Dial \(driver.go:16\): it stays blocking, as the patch report says; call it inside green.Native`
	})
	green.Spawn(func() error {
		return green.Native(func() error { return driver.Query("x") })
	})
}
