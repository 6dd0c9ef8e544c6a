package blocking

import (
	"context"
	"net"
	"net/netip"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.DNS = DNS{}
	_ iface.DNS = (*DNS)(nil)
)

// DNS is the dns module of package net: each method calls the method of the
// same name on Resolver, or on [net.DefaultResolver] if Resolver is nil.
type DNS struct {
	Resolver *net.Resolver
}

func (d DNS) resolver() *net.Resolver {
	if d.Resolver == nil {
		return net.DefaultResolver
	}
	return d.Resolver
}

// LookupHost copies (*net.Resolver).LookupHost.
func (d DNS) LookupHost(ctx context.Context, host string) ([]string, error) {
	return d.resolver().LookupHost(ctx, host)
}

// LookupIP copies (*net.Resolver).LookupIP.
func (d DNS) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	return d.resolver().LookupIP(ctx, network, host)
}

// LookupNetIP copies (*net.Resolver).LookupNetIP.
func (d DNS) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return d.resolver().LookupNetIP(ctx, network, host)
}

// LookupAddr copies (*net.Resolver).LookupAddr.
func (d DNS) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return d.resolver().LookupAddr(ctx, addr)
}

// LookupPort copies (*net.Resolver).LookupPort.
func (d DNS) LookupPort(ctx context.Context, network, service string) (int, error) {
	return d.resolver().LookupPort(ctx, network, service)
}

// LookupCNAME copies (*net.Resolver).LookupCNAME.
func (d DNS) LookupCNAME(ctx context.Context, host string) (string, error) {
	return d.resolver().LookupCNAME(ctx, host)
}

// LookupMX copies (*net.Resolver).LookupMX.
func (d DNS) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return d.resolver().LookupMX(ctx, name)
}

// LookupTXT copies (*net.Resolver).LookupTXT.
func (d DNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return d.resolver().LookupTXT(ctx, name)
}

// LookupSRV copies (*net.Resolver).LookupSRV.
func (d DNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return d.resolver().LookupSRV(ctx, service, proto, name)
}

// LookupNS copies (*net.Resolver).LookupNS.
func (d DNS) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	return d.resolver().LookupNS(ctx, name)
}
