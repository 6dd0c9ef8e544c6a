package initbind

import "net"

// listen uses sock from a file that does not import registry.
func listen() (net.Listener, error) { return sock.Listen("tcp", "x") }
