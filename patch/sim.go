package patch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// The "sim" spec installs the simulated world's modules (package
// green/sim) for socket, time and dns, and green's cooperative os module
// (the world has no os of its own yet). Each call goes to a host by one
// rule, the package doc's # Which host am I:
//
//   - a greenlet started through a host (sim.Host.Go, Run, and the
//     greenlets they spawn) uses that host's modules, whatever its world;
//   - any other caller uses the default world's one host, "host"
//     (10.0.0.1, and the loopbacks): a world of goroutines on real time
//     (mode 3), made at the first such call and closed by Restore.
//     Its time module is package time's, except for a greenlet not on a
//     host, which gets green's cooperative time on its own hub: a sleep
//     must park it, not block its hub.
//
// So code that looks its modules up through the registry runs unchanged
// as several hosts of a world, and a test binary run with -greenshim=sim
// sees one in-memory network: a listener on 127.0.0.1:0 and a dial to it
// meet in the default world; a real socket (package net, another program)
// is not reachable from it.

// SimSet returns the modules the "sim" spec installs: Socket, Time and
// DNS dispatching as above, OS nil (green's cooperative os).
func SimSet() registry.Set {
	return registry.Set{Socket: simSocket{}, Time: simTime{}, DNS: simDNS{}}
}

var simDefault struct {
	mu sync.Mutex // guards w, h
	w  *sim.World
	h  *sim.Host
}

// defaultHost returns the default world's host, making the world first.
func defaultHost() *sim.Host {
	simDefault.mu.Lock()
	defer simDefault.mu.Unlock()
	if simDefault.h == nil {
		simDefault.w = sim.New(sim.Config{Mode: sim.Goroutines})
		simDefault.h = simDefault.w.MustAddHost("host")
	}
	return simDefault.h
}

// closeDefaultWorld closes the default world, if made: its conns and
// listeners fail with net.ErrClosed, and the next call makes a new one.
func closeDefaultWorld() {
	simDefault.mu.Lock()
	w := simDefault.w
	simDefault.w, simDefault.h = nil, nil
	simDefault.mu.Unlock()
	if w != nil {
		w.Close()
	}
}

// simHost is the host the caller's calls go to.
func simHost() *sim.Host {
	if h := sim.Current(); h != nil {
		return h
	}
	return defaultHost()
}

var (
	_ iface.Socket = simSocket{}
	_ iface.Time   = simTime{}
	_ iface.DNS    = simDNS{}
)

// simSocket is the "sim" socket module: the calling host's.
type simSocket struct{}

func (simSocket) Dial(network, address string) (net.Conn, error) {
	return simHost().Socket().Dial(network, address)
}

func (simSocket) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return simHost().Socket().DialContext(ctx, network, address)
}

func (simSocket) Listen(network, address string) (net.Listener, error) {
	return simHost().Socket().Listen(network, address)
}

func (simSocket) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	return simHost().Socket().ListenContext(ctx, network, address)
}

func (simSocket) ListenPacket(network, address string) (net.PacketConn, error) {
	return simHost().Socket().ListenPacket(network, address)
}

func (simSocket) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	return simHost().Socket().ListenPacketContext(ctx, network, address)
}

// simTime is the "sim" time module: the calling host's world's clock; a
// greenlet not on a host gets green's cooperative time.
type simTime struct{}

func (simTime) t() iface.Time {
	if h := sim.Current(); h != nil {
		return h.Time()
	}
	if green.Current() != nil {
		return green.Time{}
	}
	return defaultHost().Time()
}

func (s simTime) Now() time.Time                         { return s.t().Now() }
func (s simTime) Since(t time.Time) time.Duration        { return s.t().Since(t) }
func (s simTime) Until(t time.Time) time.Duration        { return s.t().Until(t) }
func (s simTime) Sleep(d time.Duration)                  { s.t().Sleep(d) }
func (s simTime) After(d time.Duration) <-chan time.Time { return s.t().After(d) }
func (s simTime) Tick(d time.Duration) <-chan time.Time  { return s.t().Tick(d) }
func (s simTime) NewTimer(d time.Duration) iface.Timer   { return s.t().NewTimer(d) }
func (s simTime) NewTicker(d time.Duration) iface.Ticker { return s.t().NewTicker(d) }
func (s simTime) AfterFunc(d time.Duration, f func()) iface.Timer {
	return s.t().AfterFunc(d, f)
}
func (s simTime) WithTimeout(p context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return s.t().WithTimeout(p, d)
}
func (s simTime) WithDeadline(p context.Context, t time.Time) (context.Context, context.CancelFunc) {
	return s.t().WithDeadline(p, t)
}

// simDNS is the "sim" dns module: the calling host's resolver. A done
// context fails the lookup before any host is asked, with the
// *net.DNSError package net returns (IsTimeout for a deadline), which the
// world's first resolver does not do yet.
type simDNS struct{}

func doneLookup(ctx context.Context, name string) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	return &net.DNSError{Err: err.Error(), Name: name, IsTimeout: errors.Is(err, context.DeadlineExceeded), UnwrapErr: err}
}

func (simDNS) LookupHost(ctx context.Context, host string) ([]string, error) {
	if err := doneLookup(ctx, host); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupHost(ctx, host)
}

func (simDNS) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	if err := doneLookup(ctx, host); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupIP(ctx, network, host)
}

func (simDNS) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if err := doneLookup(ctx, host); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupNetIP(ctx, network, host)
}

func (simDNS) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	if err := doneLookup(ctx, addr); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupAddr(ctx, addr)
}

func (simDNS) LookupPort(ctx context.Context, network, service string) (int, error) {
	if err := doneLookup(ctx, service); err != nil {
		return 0, err
	}
	return simHost().DNS().LookupPort(ctx, network, service)
}

func (simDNS) LookupCNAME(ctx context.Context, host string) (string, error) {
	if err := doneLookup(ctx, host); err != nil {
		return "", err
	}
	return simHost().DNS().LookupCNAME(ctx, host)
}

func (simDNS) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if err := doneLookup(ctx, name); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupMX(ctx, name)
}

func (simDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if err := doneLookup(ctx, name); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupTXT(ctx, name)
}

func (simDNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if err := doneLookup(ctx, name); err != nil {
		return "", nil, err
	}
	return simHost().DNS().LookupSRV(ctx, service, proto, name)
}

func (simDNS) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	if err := doneLookup(ctx, name); err != nil {
		return nil, err
	}
	return simHost().DNS().LookupNS(ctx, name)
}
