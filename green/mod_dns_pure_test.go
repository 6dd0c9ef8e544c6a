package green_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/greenshim/greenshim/green"
)

// dnsServer is a name server on loopback, over UDP and TCP, built with
// dnsmessage: it answers A queries for the names in addrs, NXDOMAIN for
// others, and, over UDP, a truncated answer for the names in truncate, so
// that the resolver asks again over TCP.
type dnsServer struct {
	udp      net.PacketConn
	tcp      net.Listener
	addrs    map[string]netip.Addr // fully qualified name -> address
	truncate map[string]bool
	udpQs    atomic.Int32
	tcpQs    atomic.Int32
}

func startDNSServer(t *testing.T, addrs map[string]netip.Addr, truncate map[string]bool) *dnsServer {
	t.Helper()
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		udp.Close()
		t.Fatal(err)
	}
	s := &dnsServer{udp: udp, tcp: tcp, addrs: addrs, truncate: truncate}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.serveUDP() }()
	go func() { defer wg.Done(); s.serveTCP() }()
	t.Cleanup(func() { udp.Close(); tcp.Close(); wg.Wait() })
	return s
}

func (s *dnsServer) serveUDP() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		s.udpQs.Add(1)
		if resp, err := s.answer(buf[:n], true); err == nil {
			s.udp.WriteTo(resp, from)
		}
	}
}

func (s *dnsServer) serveTCP() {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			for {
				var l [2]byte
				if _, err := io.ReadFull(c, l[:]); err != nil {
					return
				}
				q := make([]byte, binary.BigEndian.Uint16(l[:]))
				if _, err := io.ReadFull(c, q); err != nil {
					return
				}
				s.tcpQs.Add(1)
				resp, err := s.answer(q, false)
				if err != nil {
					return
				}
				c.Write(binary.BigEndian.AppendUint16(nil, uint16(len(resp))))
				c.Write(resp)
			}
		}()
	}
}

// answer builds the response to one query.
func (s *dnsServer) answer(query []byte, udp bool) ([]byte, error) {
	var p dnsmessage.Parser
	qh, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	name := strings.ToLower(q.Name.String())
	addr, known := s.addrs[name]
	h := dnsmessage.Header{ID: qh.ID, Response: true, Authoritative: true, RecursionDesired: qh.RecursionDesired, RecursionAvailable: true}
	switch {
	case !known:
		h.RCode = dnsmessage.RCodeNameError
	case udp && s.truncate[name]:
		h.Truncated = true
	}
	b := dnsmessage.NewBuilder(nil, h)
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if known && !h.Truncated && q.Type == dnsmessage.TypeA && addr.Is4() {
		if err := b.StartAnswers(); err != nil {
			return nil, err
		}
		rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
		if err := b.AResource(rh, dnsmessage.AResource{A: addr.As4()}); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// toServer is a socket module that sends every dial to the test's name
// server, whatever address the resolver read from /etc/resolv.conf, through
// the green socket module.
type toServer struct {
	green.Socket
	s *dnsServer
}

func (t toServer) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	addr := t.s.udp.LocalAddr().String()
	if strings.HasPrefix(network, "tcp") {
		addr = t.s.tcp.Addr().String()
	}
	return t.Socket.DialContext(ctx, network, addr)
}

func (t toServer) Dial(network, address string) (net.Conn, error) {
	return t.DialContext(context.Background(), network, address)
}

// The pure resolver over green.Socket works against a real name server:
// Go's resolver speaks UDP only to a conn that is a net.PacketConn, and
// frames its queries for TCP otherwise, which no server understands over
// UDP; a truncated UDP answer sends it to TCP.
func TestDNS_PureResolverOverGreenSocket(t *testing.T) {
	srv := startDNSServer(t, map[string]netip.Addr{
		"green-pure.test.": netip.MustParseAddr("192.0.2.7"),
		"big.test.":        netip.MustParseAddr("192.0.2.8"),
	}, map[string]bool{"big.test.": true})
	h := newHub(t, green.Options{})
	dns := green.DNS{Resolver: green.PureResolver, Socket: toServer{green.Socket{Hub: h}, srv}}
	cases := []struct {
		name, host, want string
		notFound         bool
	}{
		{"udp", "green-pure.test.", "192.0.2.7", false},
		{"tcp after truncation", "big.test.", "192.0.2.8", false},
		{"nxdomain", "missing.test.", "", true},
	}
	for _, from := range []string{"greenlet", "goroutine"} {
		for _, c := range cases {
			t.Run(from+"/"+c.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				defer cancel()
				var got []string
				var err error
				lookup := func() error { got, err = dns.LookupHost(ctx, c.host); return nil }
				if from == "greenlet" {
					if rerr := run(t, h, lookup); rerr != nil {
						t.Fatal(rerr)
					}
				} else {
					within(t, "LookupHost", lookup)
				}
				if c.notFound {
					var de *net.DNSError
					if !errors.As(err, &de) || !de.IsNotFound {
						t.Errorf("LookupHost(%q) = %v, %v; want a not-found *net.DNSError", c.host, got, err)
					}
					return
				}
				if err != nil || len(got) != 1 || got[0] != c.want {
					t.Errorf("LookupHost(%q) = %v, %v; want [%s]", c.host, got, err, c.want)
				}
			})
		}
	}
	if srv.udpQs.Load() == 0 || srv.tcpQs.Load() == 0 {
		t.Errorf("the server saw %d UDP and %d TCP queries; want both", srv.udpQs.Load(), srv.tcpQs.Load())
	}
}

// A dialed UDP conn of the socket module is a net.PacketConn, as package
// net's is: ReadFrom reads from the peer it is connected to, WriteTo fails
// as on a connected *net.UDPConn.
func TestSocket_DialedUDPIsPacketConn(t *testing.T) {
	peer, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	h := newHub(t, green.Options{})
	err = run(t, h, func() error {
		c, err := green.Socket{Hub: h}.Dial("udp", peer.LocalAddr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		pc, ok := c.(net.PacketConn)
		if !ok {
			t.Errorf("a dialed UDP conn is a %T, not a net.PacketConn", c)
			return nil
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			return err
		}
		buf := make([]byte, 16)
		n, from, err := peer.ReadFrom(buf)
		if err != nil {
			return err
		}
		if _, err := peer.WriteTo(buf[:n], from); err != nil {
			return err
		}
		n, addr, err := pc.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "ping" || addr.String() != peer.LocalAddr().String() {
			t.Errorf("ReadFrom = %q, %v, %v; want \"ping\" from %v", buf[:n], addr, err, peer.LocalAddr())
		}
		if _, err := pc.WriteTo([]byte("x"), peer.LocalAddr()); err == nil {
			t.Error("WriteTo on a connected UDP conn succeeded; package net refuses it")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
