package patch

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"

	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface"
)

var (
	simMu    sync.Mutex // guards simWorld
	simWorld *sim.World
)

// SimWorld returns the simulated world that the spec token "sim" installs
// (its Socket, DNS and OS: files on the hosts' disks, commands run by the
// handlers a test registers, see sim.Host.HandleCommand), made on first
// use: a world of plain goroutines on real time (sim.Goroutines, the mode
// of ordinary tests) with one host, "sim" (10.0.0.1), which serves every
// caller that is not a greenlet started through a host. Its seed is
// $GREENSHIM_SEED, or 1. A test may add hosts, faults and commands to it;
// TestingM closes it after the tests.
func SimWorld() *sim.World {
	simMu.Lock()
	defer simMu.Unlock()
	if simWorld == nil {
		seed := uint64(1)
		if v, err := strconv.ParseUint(os.Getenv("GREENSHIM_SEED"), 10, 64); err == nil {
			seed = v
		}
		simWorld = sim.New(sim.Config{Seed: seed, Mode: sim.Goroutines})
		simWorld.MustAddHost("sim", "10.0.0.1")
	}
	return simWorld
}

// closeSimWorld closes the world SimWorld made, if any; the next call
// makes a new one.
func closeSimWorld() {
	simMu.Lock()
	defer simMu.Unlock()
	if simWorld != nil {
		simWorld.Close()
		simWorld = nil
	}
}

// The socket and dns modules of the token "sim" go to the calling
// greenlet's host, whatever its world (a test may make worlds of its own
// and run greenlets on their hosts: registry.Socket() in them is their
// host's), and for any other caller to SimWorld's host. A World's own
// Socket (World.Socket) keeps to its world, so it would send a greenlet of
// another world's host into SimWorld.

var (
	_ iface.Socket = simSocket{}
	_ iface.DNS    = simDNS{}
)

// simSocket is the token "sim"'s socket module.
type simSocket struct{ w *sim.World }

func (s simSocket) s() iface.Socket {
	if h := sim.Current(); h != nil {
		return h.Socket()
	}
	return s.w.Socket()
}

func (s simSocket) Dial(network, address string) (net.Conn, error) {
	return s.s().Dial(network, address)
}

func (s simSocket) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return s.s().DialContext(ctx, network, address)
}

func (s simSocket) Listen(network, address string) (net.Listener, error) {
	return s.s().Listen(network, address)
}

func (s simSocket) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	return s.s().ListenContext(ctx, network, address)
}

func (s simSocket) ListenPacket(network, address string) (net.PacketConn, error) {
	return s.s().ListenPacket(network, address)
}

func (s simSocket) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	return s.s().ListenPacketContext(ctx, network, address)
}

// simDNS is the token "sim"'s dns module.
type simDNS struct{ w *sim.World }

func (d simDNS) r() iface.DNS {
	if h := sim.Current(); h != nil {
		return h.DNS()
	}
	return d.w.DNS()
}

func (d simDNS) LookupHost(ctx context.Context, host string) ([]string, error) {
	return d.r().LookupHost(ctx, host)
}

func (d simDNS) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	return d.r().LookupIP(ctx, network, host)
}

func (d simDNS) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return d.r().LookupNetIP(ctx, network, host)
}

func (d simDNS) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return d.r().LookupAddr(ctx, addr)
}

func (d simDNS) LookupPort(ctx context.Context, network, service string) (int, error) {
	return d.r().LookupPort(ctx, network, service)
}

func (d simDNS) LookupCNAME(ctx context.Context, host string) (string, error) {
	return d.r().LookupCNAME(ctx, host)
}

func (d simDNS) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return d.r().LookupMX(ctx, name)
}

func (d simDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return d.r().LookupTXT(ctx, name)
}

func (d simDNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return d.r().LookupSRV(ctx, service, proto, name)
}

func (d simDNS) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	return d.r().LookupNS(ctx, name)
}
