package simdns

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
)

// loopback is what a hosts file gives localhost, in its order.
var loopback = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}

// mustContext panics if ctx is nil: a lookup needs a context.
func mustContext(ctx context.Context, method string) {
	if ctx == nil {
		panic("simdns: " + method + " with a nil context")
	}
}

// ipNetwork returns the address family of network ("ip", "ip4" or "ip6",
// with or without a ":protocol"), or package net's error for another one.
func ipNetwork(network string) (string, error) {
	afnet := network
	if i := strings.LastIndexByte(network, ':'); i >= 0 {
		afnet = network[:i]
	}
	switch afnet {
	case "ip", "ip4", "ip6":
		return afnet, nil
	}
	return "", net.UnknownNetworkError(network)
}

// inFamily reports whether addr is of the family afnet: IPv4 addresses
// (IPv4-mapped ones too) for "ip4", others for "ip6", all for "ip".
func inFamily(afnet string, addr netip.Addr) bool {
	switch afnet {
	case "ip4":
		return addr.Unmap().Is4()
	case "ip6":
		return !addr.Unmap().Is4()
	}
	return true
}

// parseAddr parses s as net.ParseIP does: an IP address without a zone.
func parseAddr(s string) (netip.Addr, error) {
	addr, err := netip.ParseAddr(s)
	if err == nil && addr.Zone() != "" {
		err = errors.New("an address with a zone")
	}
	return addr, err
}

// noSuitableAddress is package net's error for an IP address that is not
// of the family asked for.
func noSuitableAddress(host string) error {
	return &net.AddrError{Err: "no suitable address found", Addr: host}
}

// lookupAddrs returns the addresses of host of the family afnet, host
// being neither "" nor an IP address.
func (r *Resolver) lookupAddrs(ctx context.Context, afnet, host string) ([]netip.Addr, error) {
	if isLocalhost(host) {
		// As the hosts file answers it: before DNS, no fault, under
		// any context.
		var addrs []netip.Addr
		for _, a := range loopback {
			if inFamily(afnet, a) {
				addrs = append(addrs, a)
			}
		}
		return addrs, nil
	}
	a, err := r.query(ctx, host, func(rec Record) bool {
		switch rec.(type) {
		case A:
			return afnet != "ip6"
		case AAAA:
			return afnet != "ip4"
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if len(a.records) == 0 {
		return nil, notFound(host, r.Server)
	}
	addrs := make([]netip.Addr, len(a.records))
	for i, rec := range a.records {
		switch rec := rec.(type) {
		case A:
			addrs[i] = rec.Addr
		case AAAA:
			addrs[i] = rec.Addr
		}
	}
	r.random(func(rnd *rand.Rand) {
		rnd.Shuffle(len(addrs), func(i, j int) { addrs[i], addrs[j] = addrs[j], addrs[i] })
	})
	return addrs, nil
}

// lookupIP is LookupIP and LookupIPAddr: the addresses of host of the
// family of network, an IP address being its own.
func (r *Resolver) lookupIP(ctx context.Context, network, host string) ([]net.IPAddr, error) {
	afnet, err := ipNetwork(network)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return nil, notFound(host, "")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !inFamily(afnet, ip) {
			return nil, noSuitableAddress(host)
		}
		return []net.IPAddr{{IP: net.IP(ip.AsSlice()).To16(), Zone: ip.Zone()}}, nil
	}
	addrs, err := r.lookupAddrs(ctx, afnet, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, noSuitableAddress(host)
	}
	ips := make([]net.IPAddr, len(addrs))
	for i, a := range addrs {
		ips[i] = net.IPAddr{IP: net.IP(a.AsSlice())}
	}
	return ips, nil
}

// LookupHost copies (*net.Resolver).LookupHost: the addresses of host, in
// their string form, or host itself if it is an IP address.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	mustContext(ctx, "LookupHost")
	if host == "" {
		return nil, notFound(host, "")
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return []string{host}, nil
	}
	addrs, err := r.lookupAddrs(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return s, nil
}

// LookupIPAddr copies (*net.Resolver).LookupIPAddr: LookupIP for "ip",
// with the zone of an IPv6 address given as host.
func (r *Resolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	mustContext(ctx, "LookupIPAddr")
	return r.lookupIP(ctx, "ip", host)
}

// LookupIP copies (*net.Resolver).LookupIP: network is "ip", "ip4" or
// "ip6".
func (r *Resolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	mustContext(ctx, "LookupIP")
	addrs, err := r.lookupIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	ips := make([]net.IP, len(addrs))
	for i, a := range addrs {
		ips[i] = a.IP
	}
	return ips, nil
}

// LookupNetIP copies (*net.Resolver).LookupNetIP, but an IPv4 address is
// always returned as such, never in its IPv4-mapped IPv6 form (which
// package net gives for an IP address as host and for the hosts file).
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	mustContext(ctx, "LookupNetIP")
	if host != "" && !isIPLiteral(host) {
		// A name, the usual case: its addresses as lookupIP finds them,
		// without the round trip through net.IP that costs every dial
		// two slices. The same addresses: no zone, IPv4-mapped unmapped.
		afnet, err := ipNetwork(network)
		if err != nil {
			return nil, err
		}
		addrs, err := r.lookupAddrs(ctx, afnet, host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, noSuitableAddress(host)
		}
		for i, a := range addrs {
			if !a.Is4() {
				addrs[i] = netip.AddrFrom16(a.As16()).Unmap()
			}
		}
		return addrs, nil
	}
	ips, err := r.lookupIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	addrs := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip.IP); ok {
			addrs = append(addrs, a.Unmap())
		}
	}
	return addrs, nil
}

// isIPLiteral reports whether host parses as an IP address. Only a host
// that starts with a digit or has a colon may: a name skips the parse and
// the error it makes.
func isIPLiteral(host string) bool {
	if host == "" || !('0' <= host[0] && host[0] <= '9' || strings.IndexByte(host, ':') >= 0) {
		return false
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

// LookupCNAME copies (*net.Resolver).LookupCNAME: the end of the CNAME
// chain from host, or host (absolute) if it has no CNAME but has an
// address.
func (r *Resolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	mustContext(ctx, "LookupCNAME")
	if isLocalhost(host) {
		return "localhost", nil // the hosts file's canonical name
	}
	a, err := r.query(ctx, host, func(rec Record) bool {
		switch rec.(type) {
		case A, AAAA:
			return true
		}
		return false
	})
	if err != nil {
		return "", err
	}
	if key, _ := canonical(host); a.name == key && len(a.records) == 0 {
		return "", notFound(host, r.Server)
	}
	return a.name, nil
}

// LookupSRV copies (*net.Resolver).LookupSRV: the SRV records of
// _service._proto.name, or of name if service and proto are both empty,
// sorted by priority and, within a priority, by weight (see [Resolver]).
// cname is the name that holds them, absolute.
func (r *Resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	mustContext(ctx, "LookupSRV")
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	a, err := r.query(ctx, target, func(rec Record) bool { _, ok := rec.(SRV); return ok })
	if err != nil {
		return "", nil, err
	}
	if len(a.records) == 0 {
		return "", nil, notFound(target, r.Server)
	}
	srvs := make([]*net.SRV, len(a.records))
	for i, rec := range a.records {
		s := rec.(SRV)
		srvs[i] = &net.SRV{Target: s.Target, Port: s.Port, Priority: s.Priority, Weight: s.Weight}
	}
	r.sortSRV(srvs)
	return a.name, srvs, nil
}

// LookupMX copies (*net.Resolver).LookupMX: the MX records of name,
// sorted by preference.
func (r *Resolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	mustContext(ctx, "LookupMX")
	a, err := r.query(ctx, name, func(rec Record) bool { _, ok := rec.(MX); return ok })
	if err != nil {
		return nil, err
	}
	if len(a.records) == 0 {
		return nil, notFound(name, r.Server)
	}
	mxs := make([]*net.MX, len(a.records))
	for i, rec := range a.records {
		m := rec.(MX)
		mxs[i] = &net.MX{Host: m.Host, Pref: m.Pref}
	}
	r.sortMX(mxs)
	return mxs, nil
}

// LookupNS copies (*net.Resolver).LookupNS: the NS records of name.
func (r *Resolver) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	mustContext(ctx, "LookupNS")
	a, err := r.query(ctx, name, func(rec Record) bool { _, ok := rec.(NS); return ok })
	if err != nil {
		return nil, err
	}
	if len(a.records) == 0 {
		return nil, notFound(name, r.Server)
	}
	nss := make([]*net.NS, len(a.records))
	for i, rec := range a.records {
		nss[i] = &net.NS{Host: rec.(NS).Host}
	}
	return nss, nil
}

// LookupTXT copies (*net.Resolver).LookupTXT: the TXT records of name.
func (r *Resolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	mustContext(ctx, "LookupTXT")
	a, err := r.query(ctx, name, func(rec Record) bool { _, ok := rec.(TXT); return ok })
	if err != nil {
		return nil, err
	}
	if len(a.records) == 0 {
		return nil, notFound(name, r.Server)
	}
	txts := make([]string, len(a.records))
	for i, rec := range a.records {
		txts[i] = rec.(TXT).Text
	}
	return txts, nil
}

// LookupAddr copies (*net.Resolver).LookupAddr: the names of the PTR
// records of addr's reverse name; errors name that reverse name, as
// package net's do. 127.0.0.1 and ::1 are "localhost", as in a hosts
// file.
func (r *Resolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	mustContext(ctx, "LookupAddr")
	ip, err := parseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "unrecognized address", Name: addr}
	}
	if ip = ip.Unmap(); ip == loopback[0] || ip == loopback[1] {
		return []string{"localhost"}, nil
	}
	arpa := reverseName(ip)
	a, err := r.query(ctx, arpa, func(rec Record) bool { _, ok := rec.(PTR); return ok })
	if err != nil {
		return nil, err
	}
	if len(a.records) == 0 {
		return nil, notFound(arpa, r.Server)
	}
	names := make([]string, len(a.records))
	for i, rec := range a.records {
		names[i] = rec.(PTR).Target
	}
	return names, nil
}
