package server

import (
	"log"
	"net"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
)

// DefaultMaxPacket is the largest packet a DatagramServer reads unless
// MaxPacket says otherwise: the largest UDP payload over IPv4.
const DefaultMaxPacket = 65507

// DatagramServer reads packets and runs Handler on each in a greenlet of its
// own, gevent's DatagramServer. Its lifecycle is StreamServer's, packets
// standing for connections; see the package doc.
//
// Set the fields before starting the server and leave them alone
// afterwards. The zero value, with a Handler, is ready to use.
type DatagramServer struct {
	// Handler serves one packet p from addr; it may answer through pc
	// (pc.WriteTo(reply, addr)), gevent's sendto. It runs in a greenlet of
	// its own and owns p. A panic in Handler ends its greenlet (the hub
	// reports it); the server goes on.
	Handler func(pc net.PacketConn, p []byte, addr net.Addr)

	// Pool, if not nil, bounds the handlers running at once: while it is
	// full the server reads nothing and packets wait in the socket's
	// buffer (where the kernel drops those that do not fit). Nil means no
	// bound.
	Pool *green.Pool

	// Network and Addr are what ListenAndServe listens on, through Socket:
	// "udp" and ":0" when empty. Socket nil means green.Socket on the
	// server's hub.
	Network, Addr string
	Socket        iface.Socket

	// Hub, MaxAccept (here: packets read in a row), MinDelay, MaxDelay,
	// StopTimeout and ErrorLog are StreamServer's.
	Hub                *green.Hub
	MaxAccept          int
	MinDelay, MaxDelay time.Duration
	StopTimeout        time.Duration
	ErrorLog           *log.Logger

	// MaxPacket is the size of the read buffer: longer packets are cut to
	// it, as recvfrom(2) cuts them. 0 means DefaultMaxPacket.
	MaxPacket int

	b base
}

// ListenAndServe listens on Network and Addr through Socket and serves, as
// Serve.
func (s *DatagramServer) ListenAndServe() error {
	h := hubOf(s.Hub)
	var pc net.PacketConn
	err := onHub(h, func() error {
		sock := s.Socket
		if sock == nil {
			sock = green.Socket{Hub: h}
		}
		var err error
		pc, err = sock.ListenPacket(orDefault(s.Network, "udp"), orDefault(s.Addr, ":0"))
		return err
	})
	if err != nil {
		return err
	}
	if err := s.start(h, pc); err != nil {
		return err
	}
	return s.b.wait(orDefault(s.StopTimeout, DefaultStopTimeout))
}

// Serve reads packets from pc until the server is closed or stopped, or pc
// fails for good, as StreamServer.Serve.
func (s *DatagramServer) Serve(pc net.PacketConn) error {
	if err := s.Start(pc); err != nil {
		return err
	}
	return s.b.wait(orDefault(s.StopTimeout, DefaultStopTimeout))
}

// Start begins reading packets from pc in a greenlet of its own and
// returns, as StreamServer.Start. pc should be a packet conn of a
// cooperative socket module.
func (s *DatagramServer) Start(pc net.PacketConn) error { return s.start(s.Hub, pc) }

func (s *DatagramServer) start(h *green.Hub, pc net.PacketConn) error {
	if s.Handler == nil {
		panic("server: DatagramServer with a nil Handler")
	}
	if s.MaxAccept < 0 || s.MinDelay < 0 || s.MaxDelay < 0 || s.MaxPacket < 0 {
		panic("server: DatagramServer with a negative MaxAccept, MinDelay, MaxDelay or MaxPacket")
	}
	err := s.b.start(h, pc, pc.LocalAddr(), s.Pool, "DatagramServer read", func() error { return s.readLoop(pc) })
	if err != nil {
		pc.Close()
	}
	return err
}

// Close stops reading and closes the packet conn; handlers go on, but
// their replies through it fail.
func (s *DatagramServer) Close() error { return s.b.close() }

// Stop is StreamServer.Stop.
func (s *DatagramServer) Stop(grace time.Duration) error { return s.b.stop(grace) }

// Address returns the address the server reads from, or nil before it has
// started.
func (s *DatagramServer) Address() net.Addr { return s.b.address() }

// readLoop reads packets until pc is closed or fails for good.
func (s *DatagramServer) readLoop(pc net.PacketConn) error {
	defer pc.Close()
	buf := make([]byte, orDefault(s.MaxPacket, DefaultMaxPacket))
	cfg := loopConfig{s.MaxAccept, s.MinDelay, s.MaxDelay, s.ErrorLog, "read", "DatagramServer handler"}
	return s.b.run(cfg, func() (func(), func(), error) {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			return nil, nil, err
		}
		p := append([]byte(nil), buf[:n]...) // the handler's own; buf is read into again
		return func() { s.Handler(pc, p, addr) }, nil, nil
	})
}
