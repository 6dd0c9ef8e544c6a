package simdns_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
	"github.com/greenshim/greenshim/iface"
)

// TestResolver_SameAsStdlib looks names up with a Resolver and with
// package net's Go resolver asking a name server that serves the same
// zone with the same faults, and compares what they return: values, and
// errors field by field.
func TestResolver_SameAsStdlib(t *testing.T) {
	type lookup func(ctx context.Context, d iface.DNS) (any, error)
	host := func(name string) lookup {
		return func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupHost(ctx, name) }
	}
	mx := func(name string) lookup {
		return func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupMX(ctx, name) }
	}
	ip := func(name string) lookup {
		return func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupIP(ctx, "ip", name) }
	}
	cname := func(name string) lookup {
		return func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupCNAME(ctx, name) }
	}
	cases := []struct {
		name   string
		lookup lookup
		faults map[string]simdns.FaultKind
		ctx    string // "" (a live context), "expired", "canceled", or "deadline" (50ms)
	}{
		{"Host", host("db.example"), nil, ""},
		{"HostCase", host("DB.Example."), nil, ""},
		{"HostChain", host("alias.example"), nil, ""},
		{"HostMissing", host("nope.example"), nil, ""},
		{"HostNoAddress", host("example"), nil, ""},
		{"HostDangling", host("dangling.example"), nil, ""},
		{"HostMalformed", host("a..b"), nil, ""},
		{"HostEmpty", host(""), nil, ""},
		{"HostLiteral", host("192.0.2.1"), nil, ""},
		{"IP4", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupIP(ctx, "ip4", "db.example") }, nil, ""},
		{"IP6None", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupIP(ctx, "ip6", "web.example") }, nil, ""},
		{"IPNetwork", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupIP(ctx, "tcp", "web.example") }, nil, ""},
		{"IPLiteralFamily", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupIP(ctx, "ip6", "192.0.2.1") }, nil, ""},
		{"NetIP", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupNetIP(ctx, "ip", "db.example") }, nil, ""},
		// Not alias.example: for a chain of two CNAMEs or more, package
		// net's Go resolver returns the first link, not the canonical name
		// its documentation promises (golang.org/issue/59943).
		{"CNAMEChain", cname("www.example"), nil, ""},
		{"CNAMENone", cname("db.example"), nil, ""},
		{"CNAMENoAddress", cname("example"), nil, ""},
		{"CNAMEMissing", cname("nope.example"), nil, ""},
		{"MX", mx("example"), nil, ""},
		{"MXNone", mx("db.example"), nil, ""},
		{"MXMissing", mx("nope.example"), nil, ""},
		{"MXMalformed", mx("a b"), nil, ""},
		{"TXT", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupTXT(ctx, "example") }, nil, ""},
		{"TXTNone", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupTXT(ctx, "web.example") }, nil, ""},
		{"NS", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupNS(ctx, "example") }, nil, ""},
		{"SRV", func(ctx context.Context, d iface.DNS) (any, error) {
			cname, srvs, err := d.LookupSRV(ctx, "http", "tcp", "example")
			return []any{cname, srvs}, err
		}, nil, ""},
		{"SRVChain", func(ctx context.Context, d iface.DNS) (any, error) {
			cname, srvs, err := d.LookupSRV(ctx, "", "", "srv.example")
			return []any{cname, srvs}, err
		}, nil, ""},
		{"SRVNone", func(ctx context.Context, d iface.DNS) (any, error) {
			cname, srvs, err := d.LookupSRV(ctx, "ldap", "tcp", "example")
			return []any{cname, srvs}, err
		}, nil, ""},
		{"Addr4", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupAddr(ctx, "10.0.0.2") }, nil, ""},
		{"Addr6", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupAddr(ctx, "fd00::2") }, nil, ""},
		{"AddrNone", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupAddr(ctx, "10.9.8.7") }, nil, ""},
		{"AddrBad", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupAddr(ctx, "bogus") }, nil, ""},
		{"Port", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupPort(ctx, "tcp", "https") }, nil, ""},
		{"PortNumber", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupPort(ctx, "udp", "99999") }, nil, ""},
		{"PortNetwork", func(ctx context.Context, d iface.DNS) (any, error) { return d.LookupPort(ctx, "sctp", "https") }, nil, ""},
		{"HostNXDomain", host("db.example"), map[string]simdns.FaultKind{"db.example": simdns.NXDomain}, ""},
		{"HostServFail", host("db.example"), map[string]simdns.FaultKind{"db.example": simdns.ServFail}, ""},
		{"HostChainServFail", host("alias.example"), map[string]simdns.FaultKind{"web.example": simdns.ServFail}, ""},
		{"MXServFail", mx("example"), map[string]simdns.FaultKind{"example": simdns.ServFail}, ""},
		{"MXNXDomain", mx("example"), map[string]simdns.FaultKind{"example": simdns.NXDomain}, ""},
		{"CNAMEServFail", cname("alias.example"), map[string]simdns.FaultKind{"alias.example": simdns.ServFail}, ""},
		{"IPExpired", ip("db.example"), nil, "expired"},
		{"IPCanceled", ip("db.example"), nil, "canceled"},
		{"IPDeadline", ip("db.example"), map[string]simdns.FaultKind{"db.example": simdns.Timeout}, "deadline"},
		{"HostExpired", host("db.example"), nil, "expired"},
		{"HostCanceled", host("db.example"), nil, "canceled"},
		{"HostDeadline", host("db.example"), map[string]simdns.FaultKind{"db.example": simdns.Timeout}, "deadline"},
		{"MXExpired", mx("example"), nil, "expired"},
		{"MXCanceled", mx("example"), nil, "canceled"},
		{"MXDeadline", mx("example"), map[string]simdns.FaultKind{"example": simdns.Timeout}, "deadline"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z := exampleZone(t)
			ns := newNameServer(z)
			t.Cleanup(ns.close)
			for name, k := range c.faults {
				ns.setFault(name, k)
				require.NoError(t, z.SetFault(name, simdns.Fault{Kind: k}))
			}
			mine := &simdns.Resolver{Zone: z, Server: "10.0.0.53:53"}
			ctx := func() context.Context {
				ctx, cancel := context.WithTimeout(testContext(t), testTimeout)
				switch c.ctx {
				case "expired":
					ctx, cancel = context.WithDeadline(ctx, time.Now().Add(-time.Second))
				case "canceled":
					cancel()
				case "deadline":
					ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				}
				t.Cleanup(cancel)
				return ctx
			}
			want, wantErr := c.lookup(ctx(), ns.resolver())
			// Under a context that has already ended, package net's
			// answer is a race: its select takes the done context or the
			// finished query (this name server answers at once), at
			// random. Ask again until it takes the context, as it does
			// at least half of the time.
			for i := 0; wantErr == nil && (c.ctx == "expired" || c.ctx == "canceled") && i < 30; i++ {
				want, wantErr = c.lookup(ctx(), ns.resolver())
			}
			got, err := c.lookup(ctx(), mine)
			if c.ctx == "" {
				sameError(t, wantErr, err)
			} else {
				sameContextError(t, wantErr, err, c.ctx == "deadline")
			}
			assert.ElementsMatch(t, flatten(want), flatten(got), "the answer")
		})
	}
}

// sameError checks that err is what package net returned, want.
func sameError(t *testing.T, want, err error) {
	t.Helper()
	if want == nil {
		assert.NoError(t, err)
		return
	}
	var w, e *net.DNSError
	if !errors.As(want, &w) {
		assert.Equal(t, want, err)
		return
	}
	require.ErrorAs(t, err, &e, "package net: %v", want)
	if w.IsTimeout && w.Server != "" {
		// package net's is the *net.OpError of the read on the
		// server's conn, which a Resolver does not have.
		assert.Equal(t, "i/o timeout", e.Err, "Err (package net's %q)", w.Err)
	} else {
		assert.Equal(t, w.Err, e.Err, "Err")
	}
	assert.Equal(t, w.Name, e.Name, "Name")
	assert.Equal(t, w.Server != "", e.Server != "", "a Server (package net's %q, %q)", w.Server, e.Server)
	assert.Equal(t, w.IsNotFound, e.IsNotFound, "IsNotFound")
	assert.Equal(t, w.IsTimeout, e.IsTimeout, "IsTimeout")
	assert.Equal(t, w.IsTemporary, e.IsTemporary, "IsTemporary")
	for _, target := range []error{context.DeadlineExceeded, context.Canceled} {
		assert.Equal(t, errors.Is(want, target), errors.Is(err, target), "errors.Is %v", target)
	}
}

// sameContextError checks that err, the error of a lookup whose context
// has ended, is what package net returned, want, as far as package net is
// consistent: LookupIP (and so every dial) maps ctx.Err() to its errors,
// while its other methods report the failure of the conn to the name
// server, with a Server, and under a deadline that passes during the
// query, an error that is not context.DeadlineExceeded for errors.Is.
func sameContextError(t *testing.T, want, err error, deadline bool) {
	t.Helper()
	var w, e *net.DNSError
	require.ErrorAs(t, want, &w)
	require.ErrorAs(t, err, &e, "package net: %v", want)
	assert.Equal(t, w.IsTimeout, e.IsTimeout, "IsTimeout (package net: %v)", want)
	assert.Equal(t, w.IsNotFound, e.IsNotFound, "IsNotFound (package net: %v)", want)
	for _, target := range []error{context.DeadlineExceeded, context.Canceled} {
		if errors.Is(want, target) || !deadline {
			assert.Equal(t, errors.Is(want, target), errors.Is(err, target), "errors.Is %v (package net: %v)", target, want)
		}
	}
}

// flatten returns the answer v as strings, to compare as sets: package
// net sorts addresses by RFC 6724 and SRV records by a random source.
func flatten(v any) []string {
	var out []string
	switch v := v.(type) {
	case nil:
	case []string:
		out = v
	case []any:
		for _, x := range v {
			out = append(out, flatten(x)...)
		}
	case []net.IP:
		for _, ip := range v {
			out = append(out, ip.String())
		}
	case []*net.MX:
		for _, m := range v {
			out = append(out, fmt.Sprint(*m))
		}
	case []*net.NS:
		for _, n := range v {
			out = append(out, fmt.Sprint(*n))
		}
	case []*net.SRV:
		for _, s := range v {
			out = append(out, fmt.Sprint(*s))
		}
	default:
		out = []string{fmt.Sprint(v)}
	}
	return out
}
