package sim

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/simdns"
	"github.com/greenshim/greenshim/iface"
)

// Host is a machine of a world: a name, addresses, and its own modules
// (Socket, Time, DNS). Greenlets started through it (Run, Go) run on it,
// and so do the greenlets they spawn: see # Which host am I.
type Host struct {
	w     *World
	name  string
	addrs []netip.Addr // its own, then 127.0.0.1 and ::1

	// Guarded by w.mu.
	ports     [2]map[uint16]int // bound ports, per protocol (tcp, udp): how many bindings
	listeners map[netip.AddrPort]*Listener
	udps      map[netip.AddrPort]*UDPConn
	conns     []*Conn // open TCP conns, in no order (Conn.hidx); sortedConns orders them

	sock *Socket
	dns  *simdns.Resolver

	x     hostExt   // disk, life and clock (life.go, hostdisk.go, hostclock.go)
	procs hostProcs // programs and processes (procs.go)
}

const (
	protoTCP = 0
	protoUDP = 1
)

var (
	loop4 = netip.MustParseAddr("127.0.0.1")
	loop6 = netip.IPv6Loopback()
)

// AddHost adds a host named name with the given addresses (IPv4 and/or
// IPv6, as text); with none it gets the next of 10.0.0.1, 10.0.0.2, ...
// Every host also has its own loopback addresses, 127.0.0.1 and ::1. It
// fails, naming what was wrong, for an empty or taken name (a DNS label:
// letters, digits, '-' and '.'), an address that does not parse, is a
// loopback, unspecified or multicast address, or belongs to another host.
func (w *World) AddHost(name string, addrs ...string) (*Host, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	var ips []netip.Addr
	for _, a := range addrs {
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return nil, fmt.Errorf("sim: host %q: address %q: %w", name, a, err)
		}
		ip = ip.Unmap()
		if ip.IsLoopback() || ip.IsUnspecified() || ip.IsMulticast() {
			return nil, fmt.Errorf("sim: host %q: address %v is loopback, unspecified or multicast", name, ip)
		}
		ips = append(ips, ip)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, errors.New("sim: AddHost on a closed world")
	}
	if _, ok := w.byName[name]; ok {
		return nil, fmt.Errorf("sim: host %q exists already", name)
	}
	if len(ips) == 0 {
		for {
			w.nextAddr++
			n := w.nextAddr
			ip := netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
			if _, taken := w.byAddr[ip]; !taken {
				ips = append(ips, ip)
				break
			}
		}
	}
	for _, ip := range ips {
		if o, ok := w.byAddr[ip]; ok {
			return nil, fmt.Errorf("sim: host %q: address %v belongs to host %q", name, ip, o.name)
		}
	}
	if err := w.zone.AddHost(name, ips...); err != nil {
		return nil, fmt.Errorf("sim: host %q: %w", name, err)
	}
	h := &Host{
		w:         w,
		name:      name,
		addrs:     append(ips, loop4, loop6),
		listeners: map[netip.AddrPort]*Listener{},
		udps:      map[netip.AddrPort]*UDPConn{},
	}
	h.ports[protoTCP] = map[uint16]int{}
	h.ports[protoUDP] = map[uint16]int{}
	h.sock = &Socket{h: h}
	h.dns = w.newResolver(name)
	for _, ip := range ips {
		w.byAddr[ip] = h
	}
	w.hosts = append(w.hosts, h)
	w.byName[name] = h
	return h, nil
}

// MustAddHost is AddHost for a world built in a test or an example: it
// panics where AddHost fails.
func (w *World) MustAddHost(name string, addrs ...string) *Host {
	h, err := w.AddHost(name, addrs...)
	if err != nil {
		panic(err)
	}
	return h
}

func checkName(name string) error {
	if name == "" {
		return errors.New("sim: a host needs a name")
	}
	if len(name) > 253 {
		return fmt.Errorf("sim: host name %.20q... is longer than 253 bytes", name)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return fmt.Errorf("sim: host name %q: %q is not a letter, digit, '-', '_' or '.'", name, c)
		}
	}
	if strings.EqualFold(name, "localhost") {
		return errors.New(`sim: "localhost" names every host's loopback`)
	}
	return nil
}

// Host returns the host named name, or nil.
func (w *World) Host(name string) *Host {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byName[name]
}

// Hosts returns the world's hosts in the order they were added.
func (w *World) Hosts() []*Host {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*Host(nil), w.hosts...)
}

// defaultHost is the first host, made ("host", 10.0.0.x) if there is none.
func (w *World) defaultHost() *Host {
	w.mu.Lock()
	if len(w.hosts) > 0 {
		h := w.hosts[0]
		w.mu.Unlock()
		return h
	}
	w.mu.Unlock()
	h, err := w.AddHost("host")
	if err != nil {
		if h := w.Host("host"); h != nil { // added meanwhile
			return h
		}
		panic(err)
	}
	return h
}

// Name returns the host's name.
func (h *Host) Name() string { return h.name }

// String returns the host's name.
func (h *Host) String() string { return h.name }

// World returns the host's world.
func (h *Host) World() *World { return h.w }

// Addrs returns the host's addresses: those it was added with, then
// 127.0.0.1 and ::1.
func (h *Host) Addrs() []netip.Addr { return append([]netip.Addr(nil), h.addrs...) }

// Addr returns the host's first address.
func (h *Host) Addr() netip.Addr { return h.addrs[0] }

// Socket returns the host's socket module.
func (h *Host) Socket() *Socket { return h.sock }

// Time returns the host's time module: the world's, read on the host's
// clock (see SetClock).
func (h *Host) Time() iface.Time { return hostTime{h: h, base: h.w.Time()} }

// DNS returns the host's resolver: the world's names.
func (h *Host) DNS() iface.DNS { return h.dns }

// onHost is the host a greenlet runs on, inherited by the greenlets it
// spawns.
var onHost green.Inherited[*Host]

// Current returns the host the calling greenlet runs on, or nil for a
// plain goroutine or a greenlet started elsewhere than through a host.
func Current() *Host {
	if green.Current() == nil {
		return nil
	}
	return onHost.Get()
}

// HostName returns the name of the host g runs on, or "". It is what a
// green.Trace's Host wants (a world on a hub of its own sets it); call it
// in g's hub context only.
func HostName(g *green.Greenlet) string {
	if h, ok := onHost.Of(g); ok && h != nil {
		return h.name
	}
	return ""
}

// Go starts fn in a greenlet that runs on h, as do the greenlets it
// spawns: on the world's hub, or, in a world of goroutines, on green's
// default hub (real time; not deterministic).
func (h *Host) Go(fn func() error) *green.Greenlet {
	if fn == nil {
		panic("sim: Go of a nil function")
	}
	l, down := h.lifeForSpawn()
	if down {
		fn = func() error { return errHostDown }
	}
	return h.w.greenHub().Spawn(func() error {
		onHost.Set(h)
		setLife(l)
		return fn()
	})
}

// Run runs main in a greenlet on h (as Go) and returns its error once it
// has ended: the main of a simulation. It may not be called from a
// greenlet of that hub.
func (h *Host) Run(main func() error) error {
	if main == nil {
		panic("sim: Run of a nil function")
	}
	l, down := h.lifeForSpawn()
	if down {
		main = func() error { return errHostDown }
	}
	return h.w.greenHub().Run(func() error {
		onHost.Set(h)
		setLife(l)
		return main()
	})
}

// greenHub is the hub greenlets started through hosts run on.
func (w *World) greenHub() *green.Hub {
	if w.hub != nil {
		return w.hub
	}
	return green.Default()
}

// route returns the host that owns ip, seen from h: h itself for a
// loopback address or one of its own.
func (h *Host) routeLocked(ip netip.Addr) *Host {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsUnspecified() {
		return h
	}
	return h.w.byAddr[ip]
}

// owns reports whether ip is one of h's addresses.
func (h *Host) owns(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return true
	}
	for _, a := range h.addrs {
		if a == ip {
			return true
		}
	}
	return false
}

// sourceFor returns h's address that talks to dst.
func (h *Host) sourceFor(dst netip.Addr) (netip.Addr, bool) {
	dst = dst.Unmap()
	if dst.IsLoopback() || dst.IsUnspecified() {
		if dst.Is4() {
			return loop4, true
		}
		return loop6, true
	}
	if h.owns(dst) {
		return dst, true
	}
	for _, a := range h.addrs {
		if a.Is4() == dst.Is4() && !a.IsLoopback() {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// ephemeralLocked picks a free port for proto from 49152-65535, at random
// from the world's seed.
func (h *Host) ephemeralLocked(proto int) (uint16, bool) {
	const lo, n = 49152, 65536 - 49152
	start := h.w.rng.IntN(n)
	for i := 0; i < n; i++ {
		p := uint16(lo + (start+i)%n)
		if h.ports[proto][p] == 0 {
			return p, true
		}
	}
	return 0, false
}

// closeAllLocked closes everything the host has open (the world closes).
func (h *Host) closeAllLocked() {
	for _, ap := range sortedKeys(h.listeners) {
		h.listeners[ap].closeLocked()
	}
	for _, ap := range sortedKeys(h.udps) {
		h.udps[ap].closeLocked()
	}
	for _, c := range sortedConns(h.conns) {
		c.closeLocked()
	}
}

// sortedKeys returns m's addresses in order: the world never lets Go's
// map order decide what happens first.
func sortedKeys[V any](m map[netip.AddrPort]V) []netip.AddrPort {
	ks := make([]netip.AddrPort, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b netip.AddrPort) int { return a.Compare(b) })
	return ks
}
