// Package directives shows //greenshim:ignore and the directive checks.
package directives

import (
	"time"

	"github.com/greenshim/greenshim/green"
)

func run() {
	green.Spawn(func() error {
		start := time.Now() //greenshim:ignore wall-clock measurement, on purpose
		//greenshim:ignore the line below is a demo of a bypass
		time.Sleep(time.Second)
		time.Sleep(time.Second) //greenshim:ignore // want `//greenshim:ignore needs a reason` `time.Sleep bypasses`
		_ = start
		return nil
	})
}

//greenshim:gren // want `unknown directive //greenshim:gren`
func typo() {}
