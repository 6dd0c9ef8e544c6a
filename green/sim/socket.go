package sim

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/greenshim/greenshim/iface"
)

var _ iface.Socket = (*Socket)(nil)

// Socket is a host's socket module, an iface.Socket: TCP and UDP over the
// world's network ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6"). Names
// in addresses resolve through the host's DNS. The Socket of a World
// (World.Socket) dispatches each call to the calling greenlet's host, or
// to the world's first host for a plain goroutine.
type Socket struct {
	h *Host  // nil: dispatch
	w *World // for dispatch
}

// Socket returns the world's dispatching socket module: each call runs on
// the calling greenlet's host (see # Which host am I), or on the world's
// first host for a plain goroutine or a greenlet started elsewhere. It is
// what package patch installs for a world.
func (w *World) Socket() *Socket { return &Socket{w: w} }

func (s *Socket) host() *Host {
	if s.h != nil {
		return s.h
	}
	if h := Current(); h != nil && h.w == s.w {
		return h
	}
	return s.w.defaultHost()
}

// Dial copies net.Dial.
func (s *Socket) Dial(network, address string) (net.Conn, error) {
	return s.DialContext(context.Background(), network, address)
}

// DialContext copies (*net.Dialer).DialContext: ctx bounds the connect,
// on the clock that made it (a context of the world's Time on world
// time).
func (s *Socket) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if ctx == nil {
		panic("sim: DialContext with a nil context")
	}
	h := s.host()
	fam, udp, err := parseNetwork(network)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	ap, err := h.resolve(ctx, "dial", network, fam, address, false)
	if err != nil {
		return nil, err
	}
	if udp {
		src, ok := h.sourceForLocking(ap.Addr())
		if !ok {
			return nil, &net.OpError{Op: "dial", Net: network, Addr: net.UDPAddrFromAddrPort(ap), Err: errNoRoute}
		}
		if ap.Addr().IsUnspecified() {
			ap = netip.AddrPortFrom(src, ap.Port())
		}
		u, err := h.listenUDP(network, netip.AddrPortFrom(src, 0), ap)
		if err != nil {
			return nil, err
		}
		return u, nil
	}
	c, err := h.dialTCP(ctx, network, ap)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Listen copies net.Listen.
func (s *Socket) Listen(network, address string) (net.Listener, error) {
	return s.ListenContext(context.Background(), network, address)
}

// ListenContext copies (*net.ListenConfig).Listen.
func (s *Socket) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	if ctx == nil {
		panic("sim: ListenContext with a nil context")
	}
	h := s.host()
	ap, err := h.listenAddr(ctx, network, address, false)
	if err != nil {
		return nil, err
	}
	l, err := h.listenTCP(network, ap)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// ListenPacket copies net.ListenPacket.
func (s *Socket) ListenPacket(network, address string) (net.PacketConn, error) {
	return s.ListenPacketContext(context.Background(), network, address)
}

// ListenPacketContext copies (*net.ListenConfig).ListenPacket.
func (s *Socket) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	if ctx == nil {
		panic("sim: ListenPacketContext with a nil context")
	}
	h := s.host()
	ap, err := h.listenAddr(ctx, network, address, true)
	if err != nil {
		return nil, err
	}
	u, err := h.listenUDP(network, ap, netip.AddrPort{})
	if err != nil {
		return nil, err
	}
	return u, nil
}

var errNoRoute = errors.New("no suitable address found")

// parseNetwork returns the address family network wants (4, 6 or 0 for
// either) and whether it is UDP.
func parseNetwork(network string) (fam int, udp bool, err error) {
	switch network {
	case "tcp":
		return 0, false, nil
	case "tcp4":
		return 4, false, nil
	case "tcp6":
		return 6, false, nil
	case "udp":
		return 0, true, nil
	case "udp4":
		return 4, true, nil
	case "udp6":
		return 6, true, nil
	}
	return 0, false, net.UnknownNetworkError(network)
}

// listenAddr checks that network is a TCP one (a UDP one if udp) and
// resolves address on h for a listen.
func (h *Host) listenAddr(ctx context.Context, network, address string, udp bool) (netip.AddrPort, error) {
	fam, isUDP, err := parseNetwork(network)
	if err == nil && isUDP != udp {
		err = net.UnknownNetworkError(network)
	}
	if err != nil {
		return netip.AddrPort{}, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return h.resolve(ctx, "listen", network, fam, address, true)
}

// resolve turns "host:port" into an address: an IP literal, a name
// through the host's DNS ("localhost" is the loopback), an empty host the
// unspecified address when listening and the loopback when dialing.
func (h *Host) resolve(ctx context.Context, op, network string, fam int, address string, listen bool) (netip.AddrPort, error) {
	fail := func(err error) (netip.AddrPort, error) {
		return netip.AddrPort{}, &net.OpError{Op: op, Net: network, Err: err}
	}
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return fail(err)
	}
	port, err := lookupPort(network, service)
	if err != nil {
		return fail(err)
	}
	if i := strings.LastIndexByte(host, '%'); i >= 0 {
		host = host[:i] // zones mean nothing here
	}
	var ip netip.Addr
	switch {
	case host == "":
		switch {
		case listen && fam == 4:
			ip = netip.IPv4Unspecified()
		case listen:
			ip = netip.IPv6Unspecified() // both families, as Linux
		case fam == 6:
			ip = loop6
		default:
			ip = loop4
		}
	default:
		if mayBeIP(host) {
			if a, err := netip.ParseAddr(host); err == nil {
				ip = a.Unmap()
				break
			}
		}
		ips, err := h.DNS().LookupNetIP(ctx, "ip", host)
		if err != nil {
			return fail(err)
		}
		found := false
		for _, a := range ips {
			a = a.Unmap()
			if fam == 0 && a.Is4() || fam == 4 && a.Is4() || fam == 6 && a.Is6() {
				ip, found = a, true
				break
			}
		}
		if !found && fam == 0 && len(ips) > 0 {
			ip, found = ips[0].Unmap(), true
		}
		if !found {
			return fail(&net.AddrError{Err: "no suitable address found", Addr: host})
		}
	}
	if fam == 4 && !ip.Is4() || fam == 6 && ip.Is4() && !ip.IsUnspecified() {
		return fail(&net.AddrError{Err: "address of the wrong family", Addr: host})
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// mayBeIP reports whether host may parse as an IP address: an IPv4 one
// starts with a digit, an IPv6 one has a colon. A name skips the parse,
// and the error it would make, on every dial.
func mayBeIP(host string) bool {
	return host != "" && ('0' <= host[0] && host[0] <= '9' || strings.IndexByte(host, ':') >= 0)
}

func lookupPort(network, service string) (int, error) {
	if service == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(service); err == nil {
		if n < 0 || n > 65535 {
			return 0, &net.AddrError{Err: "invalid port", Addr: service}
		}
		return n, nil
	}
	switch service { // the services a simulation names, without /etc/services
	case "http":
		return 80, nil
	case "https":
		return 443, nil
	case "domain":
		return 53, nil
	}
	return 0, &net.DNSError{Err: "unknown port", Name: network + "/" + service, IsNotFound: true}
}

func (h *Host) sourceForLocking(dst netip.Addr) (netip.Addr, bool) {
	return h.sourceFor(dst) // reads only h's fixed addresses
}
