// Package example is the package example_test.go analyzes.
package example

import (
	"net"
	"time"

	"github.com/greenshim/greenshim/green"
)

func run(addr string) error {
	return green.Run(func() error {
		time.Sleep(time.Second)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	})
}
