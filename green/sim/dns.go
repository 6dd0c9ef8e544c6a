package sim

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/greenshim/greenshim/iface"
)

var _ iface.DNS = (*resolver)(nil)

// resolver is a host's DNS until package simdns is wired in: it knows the
// world's host names and their addresses, "localhost" and IP literals,
// and nothing else (every other lookup is not found).
type resolver struct{ h *Host }

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (r *resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if err := ctx.Err(); err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: host, IsTimeout: err == context.DeadlineExceeded}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	var addrs []netip.Addr
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" {
		addrs = []netip.Addr{loop4, loop6}
	} else {
		w := r.h.w
		w.mu.Lock()
		var h *Host
		for _, x := range w.hosts {
			if strings.EqualFold(x.name, name) {
				h = x
				break
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
	if a.IsLoopback() {
		return []string{"localhost"}, nil
	}
	w := r.h.w
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

func (r *resolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return nil, notFound(name)
}

func (r *resolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return nil, notFound(name)
}

func (r *resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return "", nil, notFound(name)
}

func (r *resolver) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	return nil, notFound(name)
}
