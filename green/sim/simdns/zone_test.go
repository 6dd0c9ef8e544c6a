package simdns_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

func TestZone_Add(t *testing.T) {
	z := simdns.NewZone()
	require.NoError(t, z.Add("Mail.Example", simdns.MX{Host: "MX1.example.", Pref: 5}, simdns.TXT{Text: "t"}))
	require.NoError(t, z.Add("mail.example.", simdns.MX{Host: "mx1.example", Pref: 5}), "a record it has: no change")
	require.NoError(t, z.Add("_sip._udp.example", simdns.SRV{Target: ".", Port: 0}), `target "." is no service`)
	require.NoError(t, z.Add("9.0.0.10.in-addr.arpa", simdns.PTR{Target: "nine.example"}))
	require.NoError(t, z.Add("example", simdns.NS{Host: "ns.example"}, simdns.A{Addr: addr("192.0.2.1")},
		simdns.AAAA{Addr: addr("2001:db8::1")}))
	require.NoError(t, z.Add("localhost", simdns.MX{Host: "mx1.example"}), "localhost: other records are allowed")

	assert.Equal(t, []simdns.Record{simdns.MX{Host: "mx1.example.", Pref: 5}, simdns.TXT{Text: "t"}}, z.Records("MAIL.example"))
	assert.Equal(t, []simdns.Record{simdns.SRV{Target: "."}}, z.Records("_sip._udp.example."))
	assert.Nil(t, z.Records("nope.example"))
	assert.Nil(t, z.Records("a b"))
	assert.Equal(t, strings.Join([]string{
		"9.0.0.10.in-addr.arpa. PTR nine.example.",
		"_sip._udp.example. SRV 0 0 0 .",
		"example. NS ns.example.",
		"example. A 192.0.2.1",
		"example. AAAA 2001:db8::1",
		"localhost. MX 0 mx1.example.",
		"mail.example. MX 5 mx1.example.",
		`mail.example. TXT "t"`,
		"",
	}, "\n"), z.String())
}

func TestZone_AddBadInput(t *testing.T) {
	z := simdns.NewZone()
	require.NoError(t, z.Add("alias.example", simdns.CNAME{Target: "web.example"}))
	require.NoError(t, z.Add("web.example", simdns.TXT{Text: "x"}))
	long := strings.Repeat("a", 64) + ".example"
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"Empty", z.Add("", simdns.TXT{}), `simdns: Add "": name "": invalid domain name`},
		{"Space", z.Add("a b.example", simdns.TXT{}), `simdns: Add "a b.example": name "a b.example": invalid domain name`},
		{"LongLabel", z.Add(long, simdns.TXT{}), `simdns: Add "` + long + `": name "` + long + `": invalid domain name`},
		{"AllDigits", z.Add("123", simdns.TXT{}), `simdns: Add "123": name "123": invalid domain name`},
		{"NoRecord", z.Add("x.example"), `simdns: Add "x.example": no record`},
		{"NilRecord", z.Add("x.example", simdns.TXT{}, nil), `simdns: Add "x.example": record 1 is nil`},
		{"AWithIPv6", z.Add("x.example", simdns.A{Addr: addr("::1")}), `simdns: Add "x.example": A address ::1 is not an IPv4 address`},
		{"AWithNothing", z.Add("x.example", simdns.A{}), `simdns: Add "x.example": A address invalid IP is not an IPv4 address`},
		{"AAAAWithIPv4", z.Add("x.example", simdns.AAAA{Addr: addr("10.0.0.1")}),
			`simdns: Add "x.example": AAAA address 10.0.0.1 is not an IPv6 address without a zone`},
		{"AAAAMapped", z.Add("x.example", simdns.AAAA{Addr: addr("::ffff:10.0.0.1")}),
			`simdns: Add "x.example": AAAA address ::ffff:10.0.0.1 is not an IPv6 address without a zone`},
		{"AAAAZone", z.Add("x.example", simdns.AAAA{Addr: addr("fe80::1%eth0")}),
			`simdns: Add "x.example": AAAA address fe80::1%eth0 is not an IPv6 address without a zone`},
		{"CNAMETarget", z.Add("x.example", simdns.CNAME{Target: "x..example"}),
			`simdns: Add "x.example": CNAME target "x..example": invalid domain name`},
		{"MXHost", z.Add("x.example", simdns.MX{Host: "10.0.0.1"}), `simdns: Add "x.example": MX host "10.0.0.1": invalid domain name`},
		{"NSHost", z.Add("x.example", simdns.NS{Host: ""}), `simdns: Add "x.example": NS host "": invalid domain name`},
		{"PTRTarget", z.Add("x.example", simdns.PTR{Target: "-x"}), `simdns: Add "x.example": PTR target "-x": invalid domain name`},
		{"SRVTarget", z.Add("x.example", simdns.SRV{Target: "x-.example"}), `simdns: Add "x.example": SRV target "x-.example": invalid domain name`},
		{"CNAMEBesideOther", z.Add("web.example", simdns.CNAME{Target: "db.example"}),
			`simdns: Add "web.example": a name with a CNAME has no other record`},
		{"OtherBesideCNAME", z.Add("alias.example", simdns.TXT{Text: "x"}),
			`simdns: Add "alias.example": a name with a CNAME has no other record`},
		{"TwoCNAMEs", z.Add("alias.example", simdns.CNAME{Target: "db.example"}),
			`simdns: Add "alias.example": a name with a CNAME has no other record`},
		{"LocalhostA", z.Add("localhost.", simdns.A{Addr: addr("10.0.0.1")}),
			`simdns: Add "localhost." A 10.0.0.1: localhost resolves as a hosts file has it, before DNS; the zone cannot change it`},
		{"LocalhostCNAME", z.Add("LOCALHOST", simdns.CNAME{Target: "db.example"}),
			`simdns: Add "LOCALHOST" CNAME db.example.: localhost resolves as a hosts file has it, before DNS; the zone cannot change it`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.EqualError(t, c.err, c.want) })
	}
	assert.Equal(t, "alias.example. CNAME web.example.\nweb.example. TXT \"x\"\n", z.String(), "no bad record was added")
}

func TestZone_AddHost(t *testing.T) {
	z := simdns.NewZone()
	require.NoError(t, z.AddHost("a.example", addr("10.0.0.1"), addr("::ffff:10.0.0.2"), addr("fd00::1")))
	require.NoError(t, z.AddHost("b.example", addr("10.0.0.1")), "two names on one address")
	require.NoError(t, z.AddHost("A.example.", addr("10.0.0.1")), "again: no change")
	assert.Equal(t, []simdns.Record{
		simdns.A{Addr: addr("10.0.0.1")}, simdns.A{Addr: addr("10.0.0.2")}, simdns.AAAA{Addr: addr("fd00::1")},
	}, z.Records("a.example"))
	assert.Equal(t, []simdns.Record{simdns.PTR{Target: "a.example."}, simdns.PTR{Target: "b.example."}},
		z.Records("1.0.0.10.in-addr.arpa"))
	assert.Equal(t, []simdns.Record{simdns.PTR{Target: "a.example."}},
		z.Records("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa."))

	require.NoError(t, z.Add("alias.example", simdns.CNAME{Target: "a.example"}))
	before := z.String()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"BadName", z.AddHost("a_b c", addr("10.0.0.9")), `simdns: AddHost "a_b c": host "a_b c": invalid domain name`},
		{"NoAddress", z.AddHost("c.example"), `simdns: AddHost "c.example": no address`},
		{"ZeroAddress", z.AddHost("c.example", netip.Addr{}), `simdns: AddHost "c.example": address invalid IP is not an IP address without a zone`},
		{"Zone", z.AddHost("c.example", addr("10.0.0.9"), addr("fe80::1%eth0")),
			`simdns: AddHost "c.example": address fe80::1%eth0 is not an IP address without a zone`},
		{"Localhost", z.AddHost("localhost", addr("10.0.0.9")),
			`simdns: AddHost "localhost": localhost resolves as a hosts file has it, before DNS; the zone cannot change it`},
		{"CNAME", z.AddHost("alias.example", addr("10.0.0.9")),
			`simdns: AddHost "alias.example": a name with a CNAME has no other record`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.EqualError(t, c.err, c.want) })
	}
	assert.Equal(t, before, z.String(), "nothing added by a failed AddHost")
}

func TestZone_Remove(t *testing.T) {
	z := exampleZone(t)
	r := &simdns.Resolver{Zone: z}
	require.NoError(t, z.AddHost("db2.example", addr("10.0.0.2")))
	require.NoError(t, z.SetFault("db.example", simdns.Fault{Delay: 1}))

	require.NoError(t, z.Remove("DB.example"))
	assert.Nil(t, z.Records("db.example"))
	_, err := r.LookupHost(testContext(t), "db.example")
	require.Error(t, err)
	names, err := r.LookupAddr(testContext(t), "10.0.0.2")
	require.NoError(t, err)
	assert.Equal(t, []string{"db2.example."}, names, "the other name on the address stays")
	_, err = r.LookupAddr(testContext(t), "fd00::2")
	require.Error(t, err, "the reverse name with no PTR left is gone")
	byName, _ := z.Faults()
	assert.Contains(t, byName, "db.example.", "the fault stays")

	require.NoError(t, z.Remove("never.example"), "a name with no record")
	assert.EqualError(t, z.Remove("a b"), `simdns: Remove "a b": name "a b": invalid domain name`)
}

func TestZone_Zero(t *testing.T) {
	var z simdns.Zone
	assert.Empty(t, z.String())
	require.NoError(t, z.Remove("x.example"))
	require.NoError(t, z.ClearFault("x.example"))
	z.ClearFaults()
	require.NoError(t, z.AddHost("x.example", addr("10.0.0.1")))
	require.NoError(t, z.SetFault("y.example", simdns.Fault{Kind: simdns.NXDomain}))
	addrs, err := (&simdns.Resolver{Zone: &z}).LookupHost(testContext(t), "x.example")
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.1"}, addrs)
}

func TestRecord_String(t *testing.T) {
	cases := []struct {
		r          simdns.Record
		typ, their string
	}{
		{simdns.A{Addr: addr("10.0.0.1")}, "A", "A 10.0.0.1"},
		{simdns.AAAA{Addr: addr("fd00::1")}, "AAAA", "AAAA fd00::1"},
		{simdns.CNAME{Target: "x.example."}, "CNAME", "CNAME x.example."},
		{simdns.MX{Host: "mx.example.", Pref: 10}, "MX", "MX 10 mx.example."},
		{simdns.NS{Host: "ns.example."}, "NS", "NS ns.example."},
		{simdns.PTR{Target: "x.example."}, "PTR", "PTR x.example."},
		{simdns.SRV{Target: "x.example.", Port: 80, Priority: 1, Weight: 2}, "SRV", "SRV 1 2 80 x.example."},
		{simdns.TXT{Text: `a "b"`}, "TXT", `TXT "a \"b\""`},
	}
	for _, c := range cases {
		assert.Equal(t, c.typ, c.r.Type())
		assert.Equal(t, c.their, c.r.String())
	}
}
