package blocking

import (
	"context"
	"net"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Socket = Socket{}
	_ iface.Socket = (*Socket)(nil)
)

// Socket is the socket module of package net.
//
// Dial and DialContext go through Dialer, the Listen methods through
// ListenConfig; a nil field stands for the zero value, with which the methods
// do exactly what net.Dial, net.Listen and net.ListenPacket do.
type Socket struct {
	Dialer       *net.Dialer
	ListenConfig *net.ListenConfig
}

// zeroDialer and zeroListenConfig stand in for nil fields. Their methods do
// not modify them.
var (
	zeroDialer       net.Dialer
	zeroListenConfig net.ListenConfig
)

func (s Socket) dialer() *net.Dialer {
	if s.Dialer == nil {
		return &zeroDialer
	}
	return s.Dialer
}

func (s Socket) listenConfig() *net.ListenConfig {
	if s.ListenConfig == nil {
		return &zeroListenConfig
	}
	return s.ListenConfig
}

// Dial copies net.Dial, through s.Dialer.
func (s Socket) Dial(network, address string) (net.Conn, error) {
	return s.dialer().Dial(network, address)
}

// DialContext copies (*net.Dialer).DialContext, through s.Dialer.
func (s Socket) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return s.dialer().DialContext(ctx, network, address)
}

// Listen copies net.Listen, through s.ListenConfig.
func (s Socket) Listen(network, address string) (net.Listener, error) {
	return s.listenConfig().Listen(context.Background(), network, address)
}

// ListenContext copies (*net.ListenConfig).Listen, through s.ListenConfig.
func (s Socket) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	return s.listenConfig().Listen(ctx, network, address)
}

// ListenPacket copies net.ListenPacket, through s.ListenConfig.
func (s Socket) ListenPacket(network, address string) (net.PacketConn, error) {
	return s.listenConfig().ListenPacket(context.Background(), network, address)
}

// ListenPacketContext copies (*net.ListenConfig).ListenPacket, through
// s.ListenConfig.
func (s Socket) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	return s.listenConfig().ListenPacket(ctx, network, address)
}
