package green

import (
	"context"
	"net"
	"syscall"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Socket = Socket{}
	_ iface.Socket = (*Socket)(nil)
)

// Socket is the cooperative socket module: the functions of package net
// whose conns, listeners and packet conns wait for the operating system
// without holding the hub.
//
// Called from a greenlet (of Hub or of any other hub), Dial, Listen and the
// Read, Write, Accept, ReadFrom and WriteTo methods of what they return park
// only the calling greenlet while the operating system works; the other
// greenlets run. Called from a plain goroutine (net/http starts its own)
// they are the calls of package net and block only that goroutine. So the
// values may be handed to any library that takes a net.Conn, net.Listener or
// net.PacketConn, and be used from greenlets and goroutines at once.
//
// Deadlines are times on the wall clock, as in package net, whatever the
// hub's clock; errors are those of package net ([*net.OpError] wrapping
// [os.ErrDeadlineExceeded], [net.ErrClosed], syscall errors, io.EOF). A
// green wait error ([WithTimeout], [WithContext], a kill) ends a greenlet's
// wait as it ends any other green wait: a Read then has read nothing, a
// Write returns what it wrote so far, an Accept keeps the conn it got for
// the next Accept, and a Dial that completed meanwhile is closed.
//
// While a greenlet waits on a socket the hub counts it as outside work in
// flight: it declares no deadlock and a virtual clock does not move.
//
// The conns also have CloseWrite, CloseRead and NetConn (the conn of
// package net underneath), the listeners SetDeadline and NetListener, the
// packet conns NetPacketConn. A tcp conn that a greenlet accepts on a hub
// whose poller is io_uring, or dials there to an IP address (with a Dialer
// that has no deadline, LocalAddr, Control or multipath, under a context
// that cannot end: the connect then runs on the ring too), has no conn of
// package net underneath until something needs one (NetConn, a plain
// goroutine, a greenlet of another hub): until then its socket is not on
// Go's netpoller, whose thread would otherwise wake for every segment that
// arrives on it. Its options are package net's all the same: Listen sets
// TCP_NODELAY and the keep-alive of ListenConfig (KeepAlive,
// KeepAliveConfig) on the listening socket, after ListenConfig.Control, and
// accepted sockets inherit them; a dial sets the Dialer's.
//
// A conn dialed on a datagram network (udp, unixgram, ip) is also a
// net.PacketConn, as package net's is: Go's own resolver, dialing through
// the module, needs that to speak UDP. Set deadlines and close through the module's
// values: a greenlet waiting on the hub's poller does not see a deadline set,
// or a close made, on the value of package net underneath. A conn (or
// packet conn) read at the same time by a greenlet and by a plain goroutine
// or a greenlet of another hub may hold the first greenlet's hub until the
// other's Read returns, since package net lets one Read in at a time.
//
// The zero value is ready to use: Dialer and ListenConfig nil stand for their
// zero values, and a nil Hub makes every call look up the caller's hub.
type Socket struct {
	// Hub is the hub whose greenlets call the module most; it is checked
	// first. Greenlets of other hubs are found too, at a small cost.
	Hub *Hub

	Dialer       *net.Dialer
	ListenConfig *net.ListenConfig
}

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

// callerGreenlet returns the greenlet calling, looking at hint's first, or
// nil from a plain goroutine.
func callerGreenlet(hint *Hub) *Greenlet {
	if hint != nil {
		if g := hint.current(); g != nil {
			return g
		}
	}
	if h := callerHub(); h != nil {
		return h.current()
	}
	return nil
}

// Dial copies net.Dial, through s.Dialer.
func (s Socket) Dial(network, address string) (net.Conn, error) {
	return s.DialContext(context.Background(), network, address)
}

// DialContext copies (*net.Dialer).DialContext, through s.Dialer. From a
// greenlet the connect (and any name lookup) runs on a goroutine of its own
// while the greenlet waits, or, on an io_uring hub, where the address is an
// IP and the dialer and the context ask nothing the ring cannot do, on the
// hub's ring (see Socket).
func (s Socket) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if ctx == nil {
		panic("green: Socket.DialContext with a nil context")
	}
	g := callerGreenlet(s.Hub)
	if g == nil {
		c, err := s.dialer().DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		return wrapConn(s.Hub, c), nil
	}
	if c, err, ok := ringDial(s.Hub, g, s.dialer(), ctx, network, address); ok {
		return c, err
	}
	var c net.Conn
	err := offHub(g, "socket dial", ctx, func(ctx context.Context) (error, func()) {
		conn, err := s.dialer().DialContext(ctx, network, address)
		c = conn
		return err, closer(conn)
	})
	if err != nil {
		return nil, err
	}
	return wrapConn(s.Hub, c), nil
}

// Listen copies net.Listen, through s.ListenConfig.
func (s Socket) Listen(network, address string) (net.Listener, error) {
	return s.ListenContext(context.Background(), network, address)
}

// ListenContext copies (*net.ListenConfig).Listen, through s.ListenConfig.
// From a greenlet it runs on a goroutine of its own (it may look a name up)
// while the greenlet waits.
func (s Socket) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	if ctx == nil {
		panic("green: Socket.ListenContext with a nil context")
	}
	g := callerGreenlet(s.Hub)
	lc := *s.listenConfig()
	ka := keepAliveOf(lc.KeepAliveConfig, lc.KeepAlive)
	var inherits bool
	lc.Control = inheritControl(lc.Control, ka, &inherits)
	var l net.Listener
	var err error
	if g == nil {
		l, err = lc.Listen(ctx, network, address)
	} else {
		err = offHub(g, "socket listen", ctx, func(ctx context.Context) (error, func()) {
			ln, err := lc.Listen(ctx, network, address)
			l = ln
			return err, closer(ln)
		})
	}
	if err != nil {
		return nil, err
	}
	return wrapListener(s.Hub, l, ka, inherits), nil
}

// ListenPacket copies net.ListenPacket, through s.ListenConfig.
func (s Socket) ListenPacket(network, address string) (net.PacketConn, error) {
	return s.ListenPacketContext(context.Background(), network, address)
}

// ListenPacketContext copies (*net.ListenConfig).ListenPacket, through
// s.ListenConfig; from a greenlet, as ListenContext.
func (s Socket) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	if ctx == nil {
		panic("green: Socket.ListenPacketContext with a nil context")
	}
	g := callerGreenlet(s.Hub)
	var pc net.PacketConn
	var err error
	if g == nil {
		pc, err = s.listenConfig().ListenPacket(ctx, network, address)
	} else {
		err = offHub(g, "socket listen", ctx, func(ctx context.Context) (error, func()) {
			c, err := s.listenConfig().ListenPacket(ctx, network, address)
			pc = c
			return err, closer(c)
		})
	}
	if err != nil {
		return nil, err
	}
	return wrapPacketConn(s.Hub, pc), nil
}

// closer returns c's Close as a func(), or nil for a nil c (interfaces
// holding a nil pointer included, as a failed Dial returns none).
func closer(c interface{ Close() error }) func() {
	if c == nil {
		return nil
	}
	return func() { c.Close() }
}

// rawConnOf returns c's syscall.RawConn, or nil if it has none.
func rawConnOf(c any) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}
