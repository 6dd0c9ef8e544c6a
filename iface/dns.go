package iface

import (
	"context"
	"net"
	"net/netip"
)

// DNS is the dns module: name lookups. Its method set is that of
// [*net.Resolver], and each method copies the method of the same name, so a
// *net.Resolver is a DNS as it is.
type DNS interface {
	LookupHost(ctx context.Context, host string) (addrs []string, err error)
	// LookupIP copies (*net.Resolver).LookupIP: network is "ip", "ip4" or "ip6".
	LookupIP(ctx context.Context, network, host string) ([]net.IP, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupAddr(ctx context.Context, addr string) (names []string, err error)
	LookupPort(ctx context.Context, network, service string) (port int, err error)
	LookupCNAME(ctx context.Context, host string) (cname string, err error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
	LookupNS(ctx context.Context, name string) ([]*net.NS, error)
}

// The standard resolver is a DNS.
var _ DNS = (*net.Resolver)(nil)
