package simdns_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

// nameServer serves a zone to package net's Go resolver, over conns of
// net.Pipe (DNS over TCP framing): the reference the tests compare a
// Resolver with. It follows CNAME chains as a recursive server does and
// applies faults by name (no delays); a Timeout never answers.
type nameServer struct {
	zone *simdns.Zone

	mu     sync.Mutex
	faults map[string]simdns.FaultKind // by canonical name
	conns  []net.Conn                  // the server's ends, closed by close
	closed bool
}

func newNameServer(z *simdns.Zone) *nameServer {
	return &nameServer{zone: z, faults: map[string]simdns.FaultKind{}}
}

// resolver returns package net's Go resolver on s.
func (s *nameServer) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: s.dial}
}

func (s *nameServer) setFault(name string, k simdns.FaultKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[strings.ToLower(strings.TrimSuffix(name, "."))+"."] = k
}

// dial connects to s, whatever the address.
func (s *nameServer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	if ctx.Err() != nil {
		// The error of a real dial under a context that has ended,
		// made without a network.
		return new(net.Dialer).DialContext(ctx, network, address)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, net.ErrClosed
	}
	client, server := net.Pipe()
	s.conns = append(s.conns, server)
	go s.serve(server)
	return client, nil
}

// close ends the queries s has not answered: a lookup of package net that
// outlives its context (LookupIP waits in a goroutine of its own for its
// own timeout) fails at once, and leaves no goroutine behind.
func (s *nameServer) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, c := range s.conns {
		c.Close()
	}
}

// serve answers the queries on c until the client closes it.
func (s *nameServer) serve(c net.Conn) {
	defer c.Close()
	for {
		var n [2]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		msg := make([]byte, binary.BigEndian.Uint16(n[:]))
		if _, err := io.ReadFull(c, msg); err != nil {
			return
		}
		reply, ok := s.answer(msg)
		if !ok {
			continue // a timeout: the client gives up and closes
		}
		if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(reply))), reply...)); err != nil {
			return
		}
	}
}

// answer returns the reply to the query msg, or false for no reply.
func (s *nameServer) answer(msg []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		panic(err)
	}
	q, err := p.Question()
	if err != nil {
		panic(err)
	}
	name := strings.ToLower(q.Name.String())
	rcode := dnsmessage.RCodeSuccess
	var answers []dnsmessage.Resource
	s.mu.Lock()
	defer s.mu.Unlock()
chain:
	for hop := 0; ; hop++ {
		if hop > 8 {
			rcode = dnsmessage.RCodeServerFailure
			break
		}
		switch s.faults[name] {
		case simdns.NXDomain:
			rcode = dnsmessage.RCodeNameError
			break chain
		case simdns.ServFail:
			rcode = dnsmessage.RCodeServerFailure
			break chain
		case simdns.Timeout:
			return nil, false
		}
		records := s.zone.Records(name)
		if len(records) == 0 {
			rcode = dnsmessage.RCodeNameError
			break
		}
		if c, ok := records[0].(simdns.CNAME); ok && q.Type != dnsmessage.TypeCNAME {
			answers = append(answers, resource(name, c))
			name = c.Target
			continue
		}
		for _, r := range records {
			if rr := resource(name, r); rr.Header.Type == q.Type {
				answers = append(answers, rr)
			}
		}
		break
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired,
		RecursionAvailable: true, RCode: rcode,
	})
	b.EnableCompression()
	must(b.StartQuestions())
	must(b.Question(q))
	must(b.StartAnswers())
	for _, rr := range answers {
		hdr := rr.Header
		switch body := rr.Body.(type) {
		case *dnsmessage.AResource:
			must(b.AResource(hdr, *body))
		case *dnsmessage.AAAAResource:
			must(b.AAAAResource(hdr, *body))
		case *dnsmessage.CNAMEResource:
			must(b.CNAMEResource(hdr, *body))
		case *dnsmessage.MXResource:
			must(b.MXResource(hdr, *body))
		case *dnsmessage.NSResource:
			must(b.NSResource(hdr, *body))
		case *dnsmessage.PTRResource:
			must(b.PTRResource(hdr, *body))
		case *dnsmessage.SRVResource:
			must(b.SRVResource(hdr, *body))
		case *dnsmessage.TXTResource:
			must(b.TXTResource(hdr, *body))
		}
	}
	reply, err := b.Finish()
	must(err)
	return reply, true
}

// resource returns r of owner as a DNS resource.
func resource(owner string, r simdns.Record) dnsmessage.Resource {
	hdr := dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(owner), Class: dnsmessage.ClassINET, TTL: 60}
	var body dnsmessage.ResourceBody
	switch r := r.(type) {
	case simdns.A:
		hdr.Type, body = dnsmessage.TypeA, &dnsmessage.AResource{A: r.Addr.As4()}
	case simdns.AAAA:
		hdr.Type, body = dnsmessage.TypeAAAA, &dnsmessage.AAAAResource{AAAA: r.Addr.As16()}
	case simdns.CNAME:
		hdr.Type, body = dnsmessage.TypeCNAME, &dnsmessage.CNAMEResource{CNAME: dnsmessage.MustNewName(r.Target)}
	case simdns.MX:
		hdr.Type, body = dnsmessage.TypeMX, &dnsmessage.MXResource{Pref: r.Pref, MX: dnsmessage.MustNewName(r.Host)}
	case simdns.NS:
		hdr.Type, body = dnsmessage.TypeNS, &dnsmessage.NSResource{NS: dnsmessage.MustNewName(r.Host)}
	case simdns.PTR:
		hdr.Type, body = dnsmessage.TypePTR, &dnsmessage.PTRResource{PTR: dnsmessage.MustNewName(r.Target)}
	case simdns.SRV:
		hdr.Type, body = dnsmessage.TypeSRV, &dnsmessage.SRVResource{
			Priority: r.Priority, Weight: r.Weight, Port: r.Port, Target: dnsmessage.MustNewName(r.Target)}
	case simdns.TXT:
		hdr.Type, body = dnsmessage.TypeTXT, &dnsmessage.TXTResource{TXT: []string{r.Text}}
	}
	return dnsmessage.Resource{Header: hdr, Body: body}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
