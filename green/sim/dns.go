package sim

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/greenshim/greenshim/iface"
)

var _ iface.DNS = (*resolver)(nil)

// resolver is the world's DNS until package simdns (a zone with records
// and faults) is wired in: it knows the world's host names and their
// addresses, "localhost" (the loopback) and IP literals; every other name
// is not found. A lookup under a done context fails as package net's do:
// a *net.DNSError wrapping the context's error, IsTimeout for a deadline.
type resolver struct{ w *World }

// DNS returns the world's dns module, what package patch installs for a
// world: every host resolves the same names.
func (w *World) DNS() iface.DNS { return &resolver{w: w} }

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// check fails a lookup of name under a done context, or of a name that is
// not a domain name.
func check(ctx context.Context, name string) error {
	if strings.ContainsAny(name, " \t\n/\\") || name == "" {
		return notFound(name)
	}
	if err := ctx.Err(); err != nil {
		return &net.DNSError{Err: err.Error(), Name: name, IsTimeout: err == context.DeadlineExceeded, UnwrapErr: err}
	}
	return nil
}

func (r *resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	if err := check(ctx, host); err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" {
		addrs = []netip.Addr{loop4, loop6}
	} else {
		w := r.w
		w.mu.Lock()
		h := w.byName[name]
		if h == nil {
			for _, x := range w.hosts {
				if strings.EqualFold(x.name, name) {
					h = x
					break
				}
			}
		}
		w.mu.Unlock()
		if h == nil {
			return nil, notFound(host)
		}
		addrs = h.addrs[:len(h.addrs)-2] // not its loopbacks
	}
	var out []netip.Addr
	for _, a := range addrs {
		if network == "ip" || network == "ip4" && a.Is4() || network == "ip6" && a.Is6() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, notFound(host)
	}
	return out, nil
}

func (r *resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	ips, err := r.LookupNetIP(ctx, "ip", host)
	var s []string
	for _, a := range ips {
		s = append(s, a.String())
	}
	return s, err
}

func (r *resolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	ips, err := r.LookupNetIP(ctx, network, host)
	var s []net.IP
	for _, a := range ips {
		s = append(s, net.IP(a.AsSlice()))
	}
	return s, err
}

func (r *resolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "unrecognized address", Name: addr}
	}
	if err := check(ctx, addr); err != nil {
		return nil, err
	}
	if a.IsLoopback() {
		return []string{"localhost"}, nil
	}
	w := r.w
	w.mu.Lock()
	h := w.byAddr[a.Unmap()]
	w.mu.Unlock()
	if h == nil {
		return nil, notFound(addr)
	}
	return []string{h.name + "."}, nil
}

func (r *resolver) LookupPort(ctx context.Context, network, service string) (int, error) {
	return lookupPort(network, service)
}

func (r *resolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	if _, err := r.LookupNetIP(ctx, "ip", host); err != nil {
		return "", err
	}
	return strings.TrimSuffix(host, ".") + ".", nil
}

// none answers a lookup of a record type the world has none of.
func none(ctx context.Context, name string) error {
	if err := check(ctx, name); err != nil {
		return err
	}
	return notFound(name)
}

func (r *resolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return nil, none(ctx, name)
}

func (r *resolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return nil, none(ctx, name)
}

func (r *resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return "", nil, none(ctx, name)
}

func (r *resolver) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	return nil, none(ctx, name)
}
