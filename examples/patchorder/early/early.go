// Package early binds the socket module when it is initialized, before main
// can patch anything: the Go form of Python's
// "from socket import create_connection" above monkey.patch_all().
package early

import (
	"net"

	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// sock is bound once, at init, and kept: a patch made later does not reach it.
var sock = registry.BindSocket() //greenshim:ignore the stale binding this example demonstrates

// Dial dials through the socket module bound at init.
func Dial(addr string) (net.Conn, error) { return sock.Dial("tcp", addr) }

// Module returns the socket module Dial uses.
func Module() iface.Socket { return sock }
