// Package greenpkg runs in greenlets as a whole, by the directive above
// its package clause.
//
//greenshim:green
package greenpkg

import (
	"time"

	"github.com/greenshim/greenshim/green"
)

func Tick() {
	time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: //greenshim:green on the package\]`
}

func Offload() error {
	return green.Native(func() error {
		time.Sleep(time.Second) // a native region even here
		return nil
	})
}
