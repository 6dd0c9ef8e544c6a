package simdns_test

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

func TestResolver_Lookup(t *testing.T) {
	r := &simdns.Resolver{Zone: exampleZone(t), Server: "10.0.0.53:53"}
	cases := []struct {
		name   string
		lookup func(ctx context.Context) (any, error)
		want   any
	}{
		{"HostA+AAAA", func(ctx context.Context) (any, error) { return r.LookupHost(ctx, "db.example") },
			[]string{"10.0.0.2", "fd00::2"}},
		{"HostCase+Dot", func(ctx context.Context) (any, error) { return r.LookupHost(ctx, "DB.Example.") },
			[]string{"10.0.0.2", "fd00::2"}},
		{"HostCNAMEChain", func(ctx context.Context) (any, error) { return r.LookupHost(ctx, "alias.example") },
			[]string{"10.0.0.3"}},
		{"HostIPv4Literal", func(ctx context.Context) (any, error) { return r.LookupHost(ctx, "192.0.2.1") },
			[]string{"192.0.2.1"}},
		{"HostIPv6LiteralZone", func(ctx context.Context) (any, error) { return r.LookupHost(ctx, "fe80::1%eth0") },
			[]string{"fe80::1%eth0"}},
		{"HostLocalhost", func(ctx context.Context) (any, error) { return r.LookupHost(ctx, "LocalHost.") },
			[]string{"127.0.0.1", "::1"}},
		{"IP", func(ctx context.Context) (any, error) { return r.LookupIP(ctx, "ip", "db.example") },
			[]net.IP{net.ParseIP("10.0.0.2").To4(), net.ParseIP("fd00::2")}},
		{"IP4", func(ctx context.Context) (any, error) { return r.LookupIP(ctx, "ip4", "db.example") },
			[]net.IP{net.ParseIP("10.0.0.2").To4()}},
		{"IP6", func(ctx context.Context) (any, error) { return r.LookupIP(ctx, "ip6", "db.example") },
			[]net.IP{net.ParseIP("fd00::2")}},
		{"IPLiteral", func(ctx context.Context) (any, error) { return r.LookupIP(ctx, "ip4", "192.0.2.1") },
			[]net.IP{net.ParseIP("192.0.2.1")}},
		{"IPLocalhost6", func(ctx context.Context) (any, error) { return r.LookupIP(ctx, "ip6", "localhost") },
			[]net.IP{net.IPv6loopback}},
		{"IPAddr", func(ctx context.Context) (any, error) { return r.LookupIPAddr(ctx, "fe80::1%eth0") },
			[]net.IPAddr{{IP: net.ParseIP("fe80::1"), Zone: "eth0"}}},
		{"NetIP", func(ctx context.Context) (any, error) { return r.LookupNetIP(ctx, "ip", "www.example") },
			[]netip.Addr{addr("10.0.0.3")}},
		{"NetIPLiteralUnmapped", func(ctx context.Context) (any, error) { return r.LookupNetIP(ctx, "ip", "192.0.2.1") },
			[]netip.Addr{addr("192.0.2.1")}},
		{"NetIPLocalhost4", func(ctx context.Context) (any, error) { return r.LookupNetIP(ctx, "ip4", "localhost") },
			[]netip.Addr{addr("127.0.0.1")}},
		{"CNAMEChain", func(ctx context.Context) (any, error) { return r.LookupCNAME(ctx, "alias.example") },
			"web.example."},
		{"CNAMEDangling", func(ctx context.Context) (any, error) { return r.LookupCNAME(ctx, "dangling.example") },
			"nowhere.example."},
		{"CNAMENone", func(ctx context.Context) (any, error) { return r.LookupCNAME(ctx, "DB.example") },
			"db.example."},
		{"CNAMELocalhost", func(ctx context.Context) (any, error) { return r.LookupCNAME(ctx, "localhost") },
			"localhost"},
		{"MXByPref", func(ctx context.Context) (any, error) { return r.LookupMX(ctx, "example") },
			[]*net.MX{{Host: "mail2.example.", Pref: 10}, {Host: "mail1.example.", Pref: 20}}},
		{"TXT", func(ctx context.Context) (any, error) { return r.LookupTXT(ctx, "example.") },
			[]string{"v=spf1 -all", "hello world"}},
		{"NS", func(ctx context.Context) (any, error) { return r.LookupNS(ctx, "example") },
			[]*net.NS{{Host: "ns1.example."}, {Host: "ns2.example."}}},
		{"PTR4", func(ctx context.Context) (any, error) { return r.LookupAddr(ctx, "10.0.0.2") },
			[]string{"db.example."}},
		{"PTR4Mapped", func(ctx context.Context) (any, error) { return r.LookupAddr(ctx, "::ffff:10.0.0.3") },
			[]string{"web.example."}},
		{"PTR6", func(ctx context.Context) (any, error) { return r.LookupAddr(ctx, "fd00::2") },
			[]string{"db.example."}},
		{"PTRLoopback", func(ctx context.Context) (any, error) { return r.LookupAddr(ctx, "::1") },
			[]string{"localhost"}},
		{"PortName", func(ctx context.Context) (any, error) { return r.LookupPort(ctx, "tcp", "HTTPS") }, 443},
		{"PortUDP", func(ctx context.Context) (any, error) { return r.LookupPort(ctx, "udp", "domain") }, 53},
		{"PortIP", func(ctx context.Context) (any, error) { return r.LookupPort(ctx, "", "ssh") }, 22},
		{"PortNumber", func(ctx context.Context) (any, error) { return r.LookupPort(ctx, "tcp", "8080") }, 8080},
		{"PortEmpty", func(ctx context.Context) (any, error) { return r.LookupPort(ctx, "tcp", "") }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.lookup(testContext(t))
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestResolver_LookupSRV(t *testing.T) {
	r := &simdns.Resolver{Zone: exampleZone(t)}
	want := []*net.SRV{
		{Target: "www.example.", Port: 81, Priority: 10, Weight: 60},
		{Target: "web.example.", Port: 80, Priority: 10, Weight: 5},
		{Target: "db.example.", Port: 8080, Priority: 20, Weight: 0},
	}
	cases := []struct {
		name                 string
		service, proto, host string
		cname                string
	}{
		{"ServiceProto", "http", "tcp", "Example.", "_http._tcp.example."},
		{"Name", "", "", "_http._tcp.example", "_http._tcp.example."},
		{"CNAME", "", "", "srv.example", "_http._tcp.example."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cname, srvs, err := r.LookupSRV(testContext(t), c.service, c.proto, c.host)
			require.NoError(t, err)
			assert.Equal(t, c.cname, cname)
			assert.Equal(t, want, srvs)
		})
	}
}

// TestResolver_NotFound checks the errors of names that do not exist or
// have no record of the type asked for.
func TestResolver_NotFound(t *testing.T) {
	const server = "10.0.0.53:53"
	r := &simdns.Resolver{Zone: exampleZone(t), Server: server}
	cases := []struct {
		name     string
		lookup   func(ctx context.Context) error
		errName  string
		noServer bool // the name is rejected before any query
	}{
		{"HostMissing", func(ctx context.Context) error { _, err := r.LookupHost(ctx, "nope.example"); return err }, "nope.example", false},
		{"HostEmpty", func(ctx context.Context) error { _, err := r.LookupHost(ctx, ""); return err }, "", true},
		{"HostMalformed", func(ctx context.Context) error { _, err := r.LookupHost(ctx, "a..b"); return err }, "a..b", true},
		{"HostNoAddress", func(ctx context.Context) error { _, err := r.LookupHost(ctx, "example"); return err }, "example", false},
		{"HostDangling", func(ctx context.Context) error { _, err := r.LookupHost(ctx, "dangling.example"); return err }, "dangling.example", false},
		{"IP4OnlyAAAA", func(ctx context.Context) error {
			require.NoError(t, r.Zone.AddHost("six.example", addr("fd00::6")))
			_, err := r.LookupIP(ctx, "ip4", "six.example")
			return err
		}, "six.example", false},
		{"IPEmpty", func(ctx context.Context) error { _, err := r.LookupIP(ctx, "ip", ""); return err }, "", true},
		{"CNAMENoAddress", func(ctx context.Context) error { _, err := r.LookupCNAME(ctx, "example"); return err }, "example", false},
		{"CNAMEMissing", func(ctx context.Context) error { _, err := r.LookupCNAME(ctx, "nope.example"); return err }, "nope.example", false},
		{"MXNone", func(ctx context.Context) error { _, err := r.LookupMX(ctx, "db.example"); return err }, "db.example", false},
		{"MXAllDigits", func(ctx context.Context) error { _, err := r.LookupMX(ctx, "123"); return err }, "123", true},
		{"TXTNone", func(ctx context.Context) error { _, err := r.LookupTXT(ctx, "web.example"); return err }, "web.example", false},
		{"NSNone", func(ctx context.Context) error { _, err := r.LookupNS(ctx, "web.example"); return err }, "web.example", false},
		{"SRVNone", func(ctx context.Context) error { _, _, err := r.LookupSRV(ctx, "ldap", "tcp", "example"); return err },
			"_ldap._tcp.example", false},
		{"PTRNone", func(ctx context.Context) error { _, err := r.LookupAddr(ctx, "10.9.8.7"); return err },
			"7.8.9.10.in-addr.arpa.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.lookup(testContext(t))
			var e *net.DNSError
			require.ErrorAs(t, err, &e)
			want := &net.DNSError{Err: "no such host", Name: c.errName, Server: server, IsNotFound: true}
			if c.noServer {
				want.Server = ""
			}
			assert.Equal(t, want, e)
		})
	}
}

// TestResolver_BadInput checks the errors of arguments that are not valid,
// and the panic of a nil context.
func TestResolver_BadInput(t *testing.T) {
	r := &simdns.Resolver{Zone: exampleZone(t)}
	ctx := testContext(t)

	_, err := r.LookupIP(ctx, "tcp", "db.example")
	assert.Equal(t, net.UnknownNetworkError("tcp"), err)
	_, err = r.LookupNetIP(ctx, "", "db.example")
	assert.Equal(t, net.UnknownNetworkError(""), err)
	_, err = r.LookupIP(ctx, "ip6", "192.0.2.1")
	assert.Equal(t, &net.AddrError{Err: "no suitable address found", Addr: "192.0.2.1"}, err)

	_, err = r.LookupAddr(ctx, "not-an-address")
	assert.Equal(t, &net.DNSError{Err: "unrecognized address", Name: "not-an-address"}, err)
	_, err = r.LookupAddr(ctx, "fe80::1%eth0")
	assert.Equal(t, &net.DNSError{Err: "unrecognized address", Name: "fe80::1%eth0"}, err)

	_, err = r.LookupPort(ctx, "tcp", "greenshim")
	assert.Equal(t, &net.DNSError{Err: "unknown port", Name: "tcp/greenshim", IsNotFound: true}, err)
	_, err = r.LookupPort(ctx, "", "greenshim")
	assert.Equal(t, &net.DNSError{Err: "unknown port", Name: "ip/greenshim", IsNotFound: true}, err)
	_, err = r.LookupPort(ctx, "sctp", "http")
	assert.Equal(t, &net.AddrError{Err: "unknown network", Addr: "sctp"}, err)
	_, err = r.LookupPort(ctx, "tcp", "65536")
	assert.Equal(t, &net.AddrError{Err: "invalid port", Addr: "65536"}, err)
	_, err = r.LookupPort(ctx, "tcp", "-1")
	assert.Equal(t, &net.AddrError{Err: "invalid port", Addr: "-1"}, err)

	var nilCtx context.Context
	for name, f := range map[string]func(){
		"LookupHost":   func() { _, _ = r.LookupHost(nilCtx, "db.example") },
		"LookupIPAddr": func() { _, _ = r.LookupIPAddr(nilCtx, "db.example") },
		"LookupIP":     func() { _, _ = r.LookupIP(nilCtx, "ip", "db.example") },
		"LookupNetIP":  func() { _, _ = r.LookupNetIP(nilCtx, "ip", "db.example") },
		"LookupCNAME":  func() { _, _ = r.LookupCNAME(nilCtx, "db.example") },
		"LookupSRV":    func() { _, _, _ = r.LookupSRV(nilCtx, "http", "tcp", "example") },
		"LookupMX":     func() { _, _ = r.LookupMX(nilCtx, "example") },
		"LookupNS":     func() { _, _ = r.LookupNS(nilCtx, "example") },
		"LookupTXT":    func() { _, _ = r.LookupTXT(nilCtx, "example") },
		"LookupAddr":   func() { _, _ = r.LookupAddr(nilCtx, "10.0.0.2") },
		"LookupPort":   func() { _, _ = r.LookupPort(nilCtx, "tcp", "http") },
	} {
		assert.PanicsWithValue(t, "simdns: "+name+" with a nil context", f, name)
	}
}

// LookupNetIP answers names without LookupIP's net.IP slices; its answers
// must stay LookupIP's, unmapped, for every network and kind of name.
func TestResolver_LookupNetIPMatchesLookupIP(t *testing.T) {
	z := exampleZone(t)
	require.NoError(t, z.Add("six.example", simdns.AAAA{Addr: addr("fd00::9")}))
	r := &simdns.Resolver{Zone: z}
	ctx := context.Background()
	for _, network := range []string{"ip", "ip4", "ip6", "tcp"} {
		for _, host := range []string{"db.example", "alias.example", "six.example", "localhost", "nowhere.example",
			"192.0.2.1", "fe80::1%eth0", "1bad.example", ""} {
			t.Run(network+"/"+host, func(t *testing.T) {
				got, err := r.LookupNetIP(ctx, network, host)
				ips, wantErr := r.LookupIP(ctx, network, host)
				if wantErr != nil {
					require.Error(t, err)
					assert.Equal(t, wantErr.Error(), err.Error())
					return
				}
				require.NoError(t, err)
				want := make([]netip.Addr, 0, len(ips))
				for _, ip := range ips {
					a, ok := netip.AddrFromSlice(ip)
					require.True(t, ok)
					want = append(want, a.Unmap())
				}
				assert.Equal(t, want, got)
			})
		}
	}
}
