package ifacetest

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/iface"
)

// lookupTimeout bounds every lookup of the DNS suite.
const lookupTimeout = 5 * time.Second

// Names the DNS suite looks up that do not exist.
//
// What the standard resolver returns for them was checked on Linux with
// Go 1.26, both with the pure Go resolver and with GODEBUG=netdns=cgo, on a
// machine whose only name server answers NXDOMAIN for everything and, for
// the Go resolver, with a Resolver.Dial that finds no server at all:
//
//   - A valid name under the reserved .invalid TLD (RFC 6761) is IsNotFound
//     only when a name server answers; with none it is IsTemporary (the Go
//     resolver reports "connection refused" or "network is unreachable").
//   - A name that is not a valid domain name (a space in a label) is
//     rejected by both resolvers before any query: IsNotFound, with or
//     without a name server, for every Lookup method.
//   - A name under .onion (RFC 7686) is not a choice: the Go resolver skips
//     DNS for it, and LookupHost returns no addresses and a nil error.
//   - A name under "localhost." goes to DNS with the Go resolver, and the
//     cgo resolver's myhostname module may answer it with a loopback address.
const (
	// malformedName is rejected by the resolver itself.
	malformedName = "does not exist.invalid"
	// invalidName needs a name server to be reported as not found.
	invalidName = "does-not-exist.invalid"
	// unresolvedName is not in /etc/hosts, so looking it up reaches the
	// resolver's context checks: the Go resolver answers "localhost" from
	// /etc/hosts even under a context that has ended.
	unresolvedName = "greenshim-ifacetest.invalid"
)

// TestDNS tests an implementation of [iface.DNS] without network access. See
// the package documentation for what it checks.
func TestDNS(t *testing.T, r iface.DNS) {
	t.Run("LookupHost", func(t *testing.T) { testLookupHost(t, r) })
	t.Run("LookupIP", func(t *testing.T) { testLookupIP(t, r) })
	t.Run("LookupNetIP", func(t *testing.T) { testLookupNetIP(t, r) })
	t.Run("LookupAddr", func(t *testing.T) { testLookupAddr(t, r) })
	t.Run("LookupPort", func(t *testing.T) { testLookupPort(t, r) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, r) })
	t.Run("Context", func(t *testing.T) { testLookupContext(t, r) })
}

// lookupContext returns the context every lookup runs under.
func lookupContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	t.Cleanup(cancel)
	return ctx
}

func testLookupHost(t *testing.T, r iface.DNS) {
	addrs, err := r.LookupHost(lookupContext(t), "localhost")
	require.NoError(t, err, `LookupHost("localhost")`)
	assert.True(t, slices.Contains(addrs, "127.0.0.1") || slices.Contains(addrs, "::1"),
		`LookupHost("localhost") = %v, want 127.0.0.1 or ::1 among them`, addrs)
}

func testLookupIP(t *testing.T, r iface.DNS) {
	ips, err := r.LookupIP(lookupContext(t), "ip4", "localhost")
	require.NoError(t, err, `LookupIP("ip4", "localhost")`)
	require.NotEmpty(t, ips, `LookupIP("ip4", "localhost")`)
	for _, ip := range ips {
		assert.NotNil(t, ip.To4(), "%v is not an IPv4 address", ip)
		assert.True(t, ip.IsLoopback(), "%v is not a loopback address", ip)
	}
}

func testLookupNetIP(t *testing.T, r iface.DNS) {
	addrs, err := r.LookupNetIP(lookupContext(t), "ip", "localhost")
	require.NoError(t, err, `LookupNetIP("ip", "localhost")`)
	require.NotEmpty(t, addrs, `LookupNetIP("ip", "localhost")`)
	// The Go resolver returns IPv4 addresses in their IPv6 form
	// (::ffff:127.0.0.1), the cgo one does not.
	assert.True(t, slices.ContainsFunc(addrs, func(a netip.Addr) bool { return a.Unmap().IsLoopback() }),
		`LookupNetIP("ip", "localhost") = %v, want a loopback address among them`, addrs)
}

func testLookupAddr(t *testing.T, r iface.DNS) {
	names, err := r.LookupAddr(lookupContext(t), "127.0.0.1")
	require.NoError(t, err, `LookupAddr("127.0.0.1")`)
	assert.NotEmpty(t, names, `LookupAddr("127.0.0.1")`)
}

func testLookupPort(t *testing.T, r iface.DNS) {
	port, err := r.LookupPort(lookupContext(t), "tcp", "http")
	require.NoError(t, err, `LookupPort("tcp", "http")`)
	assert.Equal(t, 80, port, `LookupPort("tcp", "http")`)

	_, err = r.LookupPort(lookupContext(t), "tcp", "greenshim-no-such-service")
	require.Error(t, err, "LookupPort of an unknown service")
	var dnsErr *net.DNSError
	assert.ErrorAs(t, err, &dnsErr)
}

// lookups calls each Lookup method that takes a name on name, and returns the
// error.
var lookups = []struct {
	method string
	call   func(ctx context.Context, r iface.DNS, name string) error
}{
	{"LookupHost", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupHost(ctx, name)
		return err
	}},
	{"LookupIP", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupIP(ctx, "ip", name)
		return err
	}},
	{"LookupNetIP", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupNetIP(ctx, "ip", name)
		return err
	}},
	{"LookupCNAME", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupCNAME(ctx, name)
		return err
	}},
	{"LookupMX", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupMX(ctx, name)
		return err
	}},
	{"LookupTXT", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupTXT(ctx, name)
		return err
	}},
	{"LookupSRV", func(ctx context.Context, r iface.DNS, name string) error {
		_, _, err := r.LookupSRV(ctx, "http", "tcp", name)
		return err
	}},
	{"LookupNS", func(ctx context.Context, r iface.DNS, name string) error {
		_, err := r.LookupNS(ctx, name)
		return err
	}},
}

func testNotFound(t *testing.T, r iface.DNS) {
	t.Run("Malformed", func(t *testing.T) {
		for _, l := range lookups {
			t.Run(l.method, func(t *testing.T) {
				err := l.call(lookupContext(t), r, malformedName)
				e := requireDNSError(t, err, l.method+" of "+malformedName)
				assert.True(t, e.IsNotFound, "IsNotFound of %v", err)
			})
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for _, l := range lookups {
			t.Run(l.method, func(t *testing.T) {
				err := l.call(lookupContext(t), r, invalidName)
				e := requireDNSError(t, err, l.method+" of "+invalidName)
				if !e.IsNotFound && (e.IsTemporary || e.IsTimeout) {
					t.Skipf("no name server answered: %v", err)
				}
				assert.True(t, e.IsNotFound, "IsNotFound of %v", err)
			})
		}
	})
}

func testLookupContext(t *testing.T, r iface.DNS) {
	cases := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		want    error
		timeout bool // want IsTimeout
	}{
		{"Expired", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}, context.DeadlineExceeded, true},
		{"Canceled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, l := range lookups {
				t.Run(l.method, func(t *testing.T) {
					ctx, cancel := c.ctx()
					defer cancel()
					var err error
					within(t, l.method, func() { err = l.call(ctx, r, unresolvedName) })
					e := requireDNSError(t, err, l.method+" under a done context")
					assert.ErrorIs(t, err, c.want)
					if c.timeout {
						assert.True(t, e.IsTimeout, "IsTimeout of %v", err)
					}
				})
			}
		})
	}
}

// requireDNSError stops t unless err is a *net.DNSError, and returns it.
func requireDNSError(t *testing.T, err error, what string) *net.DNSError {
	t.Helper()
	require.Error(t, err, what)
	var e *net.DNSError
	require.ErrorAs(t, err, &e, what)
	return e
}
