// Package driver dials with package net directly and says so: it is a
// native component for the socket module.
package driver

import (
	"net"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/registry"
)

var _ = registry.DeclareNative("mydriver", registry.SocketModule)

// Query dials directly.
func Query(addr string) error { // want Query:"uses net.Dial"
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// serve is green code, but its socket bypass is declared: not reported.
// Its time bypass is not declared.
func serve(addr string) {
	green.Spawn(func() error {
		_, err := net.Dial("tcp", addr)
		green.Sleep(0)
		_, _ = net.LookupHost("x") // want `net.LookupHost bypasses`
		return err
	})
}
