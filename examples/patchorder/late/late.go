// Package late looks the socket module up at each call, so it always uses
// the current one: the Go form of calling socket.create_connection.
package late

import (
	"net"

	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// Dial dials through the socket module current at the time of the call.
func Dial(addr string) (net.Conn, error) { return registry.Socket().Dial("tcp", addr) }

// Module returns the socket module Dial uses now.
func Module() iface.Socket { return registry.Socket() }
