package iface

import (
	"context"
	"net"
)

// Socket is the socket module: the dialing and listening functions of package
// net. Every method copies the function of the same name in package net (or,
// for the Context variants, the method of [net.Dialer] or [net.ListenConfig]).
//
// The values returned are the standard interfaces, so they plug into
// net/http and any other library that takes them. They must be safe for use by
// several goroutines at once, as the standard ones are.
type Socket interface {
	// Dial copies net.Dial.
	Dial(network, address string) (net.Conn, error)
	// DialContext copies (*net.Dialer).DialContext: the context bounds the
	// connect, not the life of the conn.
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
	// Listen copies net.Listen.
	Listen(network, address string) (net.Listener, error)
	// ListenContext copies (*net.ListenConfig).Listen.
	ListenContext(ctx context.Context, network, address string) (net.Listener, error)
	// ListenPacket copies net.ListenPacket.
	ListenPacket(network, address string) (net.PacketConn, error)
	// ListenPacketContext copies (*net.ListenConfig).ListenPacket.
	ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error)
}
