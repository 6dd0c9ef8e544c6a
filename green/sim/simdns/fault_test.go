package simdns_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

const server = "10.0.0.53:53"

func TestZone_Fault(t *testing.T) {
	lookupHost := func(name string) func(ctx context.Context, r *simdns.Resolver) (any, error) {
		return func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupHost(ctx, name) }
	}
	notFound := func(name string) *net.DNSError {
		return &net.DNSError{Err: "no such host", Name: name, Server: server, IsNotFound: true}
	}
	servFail := func(name string) *net.DNSError {
		return &net.DNSError{Err: "server misbehaving", Name: name, Server: server, IsTemporary: true}
	}
	timeout := func(name string) *net.DNSError {
		return &net.DNSError{Err: "i/o timeout", Name: name, Server: server, IsTimeout: true, IsTemporary: true}
	}
	cases := []struct {
		name    string
		faults  map[string]simdns.Fault // "" is the default fault
		timeout time.Duration           // the Resolver's
		lookup  func(ctx context.Context, r *simdns.Resolver) (any, error)
		want    any // the answer, or the *net.DNSError
		waits   []time.Duration
	}{
		{"None", nil, 0, lookupHost("db.example"), []string{"10.0.0.2", "fd00::2"}, nil},
		{"Slow", map[string]simdns.Fault{"db.example": {Delay: 1500 * time.Millisecond}}, 0,
			lookupHost("db.example"), []string{"10.0.0.2", "fd00::2"}, []time.Duration{1500 * time.Millisecond}},
		{"NXDomain", map[string]simdns.Fault{"db.example": {Kind: simdns.NXDomain}}, 0,
			lookupHost("db.example"), notFound("db.example"), nil},
		{"NXDomainSlow", map[string]simdns.Fault{"DB.example.": {Kind: simdns.NXDomain, Delay: 2 * time.Second}}, 0,
			lookupHost("db.example"), notFound("db.example"), []time.Duration{2 * time.Second}},
		{"ServFail", map[string]simdns.Fault{"db.example": {Kind: simdns.ServFail}}, 0,
			lookupHost("db.example"), servFail("db.example"), nil},
		{"Timeout", map[string]simdns.Fault{"db.example": {Kind: simdns.Timeout}}, 0,
			lookupHost("db.example"), timeout("db.example"), []time.Duration{simdns.DefaultTimeout}},
		{"TimeoutOwn", map[string]simdns.Fault{"db.example": {Kind: simdns.Timeout, Delay: time.Second}}, 3 * time.Second,
			lookupHost("db.example"), timeout("db.example"), []time.Duration{3 * time.Second}},
		{"SlowerThanTimeout", map[string]simdns.Fault{"db.example": {Delay: 3 * time.Second}}, 3 * time.Second,
			lookupHost("db.example"), timeout("db.example"), []time.Duration{3 * time.Second}},
		{"OtherName", map[string]simdns.Fault{"web.example": {Kind: simdns.ServFail}}, 0,
			lookupHost("db.example"), []string{"10.0.0.2", "fd00::2"}, nil},
		{"ChainTarget", map[string]simdns.Fault{"web.example": {Kind: simdns.ServFail}}, 0,
			lookupHost("alias.example"), servFail("alias.example"), nil},
		{"ChainDelaysAdd", map[string]simdns.Fault{"alias.example": {Delay: time.Second}, "web.example": {Delay: 2 * time.Second}}, 0,
			lookupHost("alias.example"), []string{"10.0.0.3"}, []time.Duration{3 * time.Second}},
		{"ChainFirstFailure", map[string]simdns.Fault{"alias.example": {Kind: simdns.NXDomain, Delay: time.Second}, "web.example": {Kind: simdns.ServFail, Delay: 2 * time.Second}}, 0,
			lookupHost("alias.example"), notFound("alias.example"), []time.Duration{time.Second}},
		{"Default", map[string]simdns.Fault{"": {Kind: simdns.ServFail}}, 0,
			lookupHost("db.example"), servFail("db.example"), nil},
		{"DefaultMissingName", map[string]simdns.Fault{"": {Kind: simdns.Timeout}}, 0,
			lookupHost("nope.example"), timeout("nope.example"), []time.Duration{simdns.DefaultTimeout}},
		{"DefaultOnceOnChain", map[string]simdns.Fault{"": {Delay: time.Second}}, 0,
			lookupHost("alias.example"), []string{"10.0.0.3"}, []time.Duration{time.Second}},
		{"OwnOverridesDefault", map[string]simdns.Fault{"": {Kind: simdns.ServFail}, "db.example": {Delay: time.Second}}, 0,
			lookupHost("db.example"), []string{"10.0.0.2", "fd00::2"}, []time.Duration{time.Second}},
		{"LocalhostExempt", map[string]simdns.Fault{"": {Kind: simdns.Timeout}, "localhost": {Kind: simdns.NXDomain}}, 0,
			lookupHost("localhost"), []string{"127.0.0.1", "::1"}, nil},
		{"LiteralExempt", map[string]simdns.Fault{"": {Kind: simdns.Timeout}}, 0,
			lookupHost("10.1.2.3"), []string{"10.1.2.3"}, nil},
		{"PortExempt", map[string]simdns.Fault{"": {Kind: simdns.Timeout}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupPort(ctx, "tcp", "http") }, 80, nil},
		{"Reverse", map[string]simdns.Fault{"10.0.0.2": {Kind: simdns.ServFail}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupAddr(ctx, "10.0.0.2") },
			servFail("2.0.0.10.in-addr.arpa."), nil},
		{"ReverseByName", map[string]simdns.Fault{"2.0.0.10.in-addr.arpa": {Kind: simdns.NXDomain}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupAddr(ctx, "10.0.0.2") },
			notFound("2.0.0.10.in-addr.arpa."), nil},
		{"MX", map[string]simdns.Fault{"example": {Kind: simdns.ServFail}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupMX(ctx, "example") },
			servFail("example"), nil},
		{"TXT", map[string]simdns.Fault{"example": {Kind: simdns.Timeout}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupTXT(ctx, "example") },
			timeout("example"), []time.Duration{simdns.DefaultTimeout}},
		{"NS", map[string]simdns.Fault{"example": {Kind: simdns.NXDomain}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupNS(ctx, "example") },
			notFound("example"), nil},
		{"SRV", map[string]simdns.Fault{"_http._tcp.example": {Kind: simdns.ServFail}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) {
				_, srvs, err := r.LookupSRV(ctx, "http", "tcp", "example")
				return srvs, err
			},
			servFail("_http._tcp.example"), nil},
		{"CNAME", map[string]simdns.Fault{"www.example": {Kind: simdns.ServFail}}, 0,
			func(ctx context.Context, r *simdns.Resolver) (any, error) { return r.LookupCNAME(ctx, "alias.example") },
			servFail("alias.example"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z := exampleZone(t)
			for name, f := range c.faults {
				if name == "" {
					require.NoError(t, z.SetDefaultFault(f))
				} else {
					require.NoError(t, z.SetFault(name, f))
				}
			}
			w := new(waits)
			r := &simdns.Resolver{Zone: z, Wait: w.Wait, Timeout: c.timeout, Server: server}
			got, err := c.lookup(testContext(t), r)
			if want, ok := c.want.(*net.DNSError); ok {
				var e *net.DNSError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, want, e)
				assert.NotErrorIs(t, err, context.DeadlineExceeded, "the server's timeout is not the context's")
			} else {
				require.NoError(t, err)
				assert.Equal(t, c.want, got)
			}
			assert.Equal(t, c.waits, w.delays(), "delays waited")
		})
	}
}

func TestZone_FaultTimes(t *testing.T) {
	z := exampleZone(t)
	r := &simdns.Resolver{Zone: z, Wait: new(waits).Wait}
	ctx := testContext(t)
	require.NoError(t, z.SetFault("db.example", simdns.Fault{Kind: simdns.ServFail, Times: 2}))
	require.NoError(t, z.SetDefaultFault(simdns.Fault{Kind: simdns.NXDomain, Times: 1}))

	var e *net.DNSError
	_, err := r.LookupHost(ctx, "db.example")
	require.ErrorAs(t, err, &e)
	assert.True(t, e.IsTemporary, "first lookup: %v", err)
	byName, def := z.Faults()
	assert.Equal(t, map[string]simdns.Fault{"db.example.": {Kind: simdns.ServFail, Times: 1}}, byName)
	assert.Equal(t, simdns.Fault{Kind: simdns.NXDomain, Times: 1}, def, "a name's own fault spares the default")

	_, err = r.LookupHost(ctx, "db.example")
	require.ErrorAs(t, err, &e)
	assert.True(t, e.IsTemporary, "second lookup: %v", err)
	byName, _ = z.Faults()
	assert.Empty(t, byName, "spent")

	_, err = r.LookupHost(ctx, "db.example")
	require.ErrorAs(t, err, &e)
	assert.True(t, e.IsNotFound, "third lookup meets the default: %v", err)

	addrs, err := r.LookupHost(ctx, "db.example")
	require.NoError(t, err, "fourth lookup")
	assert.Equal(t, []string{"10.0.0.2", "fd00::2"}, addrs)
	byName, def = z.Faults()
	assert.Empty(t, byName)
	assert.Zero(t, def)
}

func TestZone_ClearFault(t *testing.T) {
	z := exampleZone(t)
	r := &simdns.Resolver{Zone: z}
	ctx := testContext(t)
	require.NoError(t, z.SetFault("db.example", simdns.Fault{Kind: simdns.NXDomain}))
	require.NoError(t, z.SetFault("10.0.0.3", simdns.Fault{Kind: simdns.NXDomain}))
	require.NoError(t, z.SetDefaultFault(simdns.Fault{Kind: simdns.ServFail}))
	_, err := r.LookupHost(ctx, "db.example")
	require.Error(t, err)

	require.NoError(t, z.ClearFault("DB.EXAMPLE."))
	_, err = r.LookupHost(ctx, "db.example")
	require.Error(t, err, "the default fault is left")
	_, err = r.LookupHost(ctx, "web.example")
	require.Error(t, err, "the default fault is left")

	require.NoError(t, z.SetDefaultFault(simdns.Fault{}))
	_, err = r.LookupHost(ctx, "db.example")
	require.NoError(t, err)
	_, err = r.LookupAddr(ctx, "10.0.0.3")
	require.Error(t, err)

	require.NoError(t, z.SetFault("web.example", simdns.Fault{Kind: simdns.Timeout}))
	require.NoError(t, z.SetFault("web.example", simdns.Fault{}), "the zero Fault clears")
	_, err = r.LookupHost(ctx, "web.example")
	require.NoError(t, err)

	require.NoError(t, z.SetDefaultFault(simdns.Fault{Kind: simdns.ServFail}))
	z.ClearFaults()
	byName, def := z.Faults()
	assert.Empty(t, byName)
	assert.Zero(t, def)
	_, err = r.LookupAddr(ctx, "10.0.0.3")
	require.NoError(t, err)
}

func TestZone_FaultBadInput(t *testing.T) {
	z := simdns.NewZone()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"BadName", z.SetFault("a b", simdns.Fault{Kind: simdns.NXDomain}), `simdns: SetFault "a b": name "a b": invalid domain name`},
		{"EmptyName", z.SetFault("", simdns.Fault{Kind: simdns.NXDomain}), `simdns: SetFault "": name "": invalid domain name`},
		{"AddrWithZone", z.SetFault("fe80::1%eth0", simdns.Fault{}), `simdns: SetFault "fe80::1%eth0": name "fe80::1%eth0": invalid domain name`},
		{"Kind", z.SetFault("x.example", simdns.Fault{Kind: 9}), `simdns: SetFault "x.example": unknown fault kind FaultKind(9)`},
		{"Delay", z.SetFault("x.example", simdns.Fault{Delay: -time.Second}), `simdns: SetFault "x.example": negative fault delay -1s`},
		{"Times", z.SetFault("x.example", simdns.Fault{Times: -1}), `simdns: SetFault "x.example": negative fault count -1`},
		{"ClearBadName", z.ClearFault("-x.example"), `simdns: ClearFault "-x.example": name "-x.example": invalid domain name`},
		{"DefaultDelay", z.SetDefaultFault(simdns.Fault{Kind: simdns.Timeout, Delay: -1}), `simdns: SetDefaultFault: negative fault delay -1ns`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.EqualError(t, c.err, c.want) })
	}
	byName, def := z.Faults()
	assert.Empty(t, byName, "no bad fault was set")
	assert.Zero(t, def)
}

func TestFault_String(t *testing.T) {
	cases := []struct {
		f    simdns.Fault
		want string
	}{
		{simdns.Fault{}, "noerror"},
		{simdns.Fault{Delay: time.Second}, "noerror after 1s"},
		{simdns.Fault{Kind: simdns.NXDomain}, "nxdomain"},
		{simdns.Fault{Kind: simdns.ServFail, Delay: 2 * time.Second, Times: 3}, "servfail after 2s, 3 times"},
		{simdns.Fault{Kind: simdns.Timeout, Times: 1}, "timeout, 1 times"},
		{simdns.Fault{Kind: 7}, "FaultKind(7)"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.f.String())
	}
}

// TestResolver_Context checks the errors of a context that ends while a
// lookup waits, on a Wait that blocks until it does.
func TestResolver_Context(t *testing.T) {
	z := exampleZone(t)
	require.NoError(t, z.SetDefaultFault(simdns.Fault{Kind: simdns.Timeout}))
	waited := make(chan struct{}, 1)
	r := &simdns.Resolver{Zone: z, Server: server, Wait: func(ctx context.Context, d time.Duration) error {
		waited <- struct{}{}
		<-ctx.Done()
		return errors.New("not the error reported")
	}}
	cases := []struct {
		name string
		end  func(cancel context.CancelCauseFunc)
		want *net.DNSError
		is   error
	}{
		{"Canceled", func(cancel context.CancelCauseFunc) { cancel(nil) },
			&net.DNSError{Err: "operation was canceled", Name: "db.example"}, context.Canceled},
		{"CanceledCause", func(cancel context.CancelCauseFunc) { cancel(errors.New("a cause")) },
			&net.DNSError{Err: "operation was canceled", Name: "db.example"}, context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(testContext(t))
			go func() {
				<-waited
				c.end(cancel)
			}()
			_, err := r.LookupHost(ctx, "db.example")
			var e *net.DNSError
			require.ErrorAs(t, err, &e)
			assert.ErrorIs(t, err, c.is)
			e.UnwrapErr = nil
			assert.Equal(t, c.want, e)
		})
	}
}

// TestResolver_WaitError checks that an error of Wait other than the
// context's is wrapped.
func TestResolver_WaitError(t *testing.T) {
	z := exampleZone(t)
	require.NoError(t, z.SetFault("db.example", simdns.Fault{Delay: time.Second}))
	killed := &net.OpError{Op: "wait", Err: errors.New("greenlet killed")}
	r := &simdns.Resolver{Zone: z, Wait: func(context.Context, time.Duration) error { return killed }}
	_, err := r.LookupMX(testContext(t), "db.example")
	var e *net.DNSError
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, killed)
	assert.Equal(t, &net.DNSError{Err: killed.Error(), Name: "db.example", UnwrapErr: killed}, e)
}

// TestResolver_RealTime runs slow answers and timeouts on the timers of a
// nil Wait, in real time, each bounded by testTimeout.
func TestResolver_RealTime(t *testing.T) {
	z := exampleZone(t)
	require.NoError(t, z.SetFault("db.example", simdns.Fault{Delay: 5 * time.Millisecond}))
	require.NoError(t, z.SetFault("web.example", simdns.Fault{Kind: simdns.Timeout}))
	r := &simdns.Resolver{Zone: z, Timeout: 10 * time.Millisecond}

	addrs, err := r.LookupHost(testContext(t), "db.example")
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.2", "fd00::2"}, addrs)

	_, err = r.LookupHost(testContext(t), "web.example")
	var e *net.DNSError
	require.ErrorAs(t, err, &e)
	assert.True(t, e.IsTimeout, "IsTimeout of %v", err)

	// The context's deadline comes before the resolver's timeout.
	r.Timeout = time.Hour
	ctx, cancel := context.WithTimeout(testContext(t), 10*time.Millisecond)
	defer cancel()
	_, err = r.LookupHost(ctx, "web.example")
	require.ErrorAs(t, err, &e)
	assert.True(t, e.IsTimeout, "IsTimeout of %v", err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestResolver_Synctest runs the waits of a nil Wait in a synctest
// bubble, where they take exactly their time on the bubble's clock.
func TestResolver_Synctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		z := exampleZone(t)
		require.NoError(t, z.SetFault("db.example", simdns.Fault{Delay: 250 * time.Millisecond}))
		require.NoError(t, z.SetFault("web.example", simdns.Fault{Kind: simdns.Timeout}))
		r := &simdns.Resolver{Zone: z}
		ctx := context.Background()

		start := time.Now()
		addrs, err := r.LookupHost(ctx, "db.example")
		require.NoError(t, err)
		assert.Equal(t, []string{"10.0.0.2", "fd00::2"}, addrs)
		assert.Equal(t, 250*time.Millisecond, time.Since(start), "slow answer")

		start = time.Now()
		_, err = r.LookupHost(ctx, "web.example")
		var e *net.DNSError
		require.ErrorAs(t, err, &e)
		assert.True(t, e.IsTimeout)
		assert.Equal(t, simdns.DefaultTimeout, time.Since(start), "timeout")

		start = time.Now()
		tctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, err = r.LookupHost(tctx, "web.example")
		require.ErrorAs(t, err, &e)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 3*time.Second, time.Since(start), "the context's deadline")

		// Lookups in goroutines of the bubble wait together.
		start = time.Now()
		done := make(chan error)
		for range 3 {
			go func() {
				_, err := r.LookupHost(ctx, "db.example")
				done <- err
			}()
		}
		for range 3 {
			require.NoError(t, <-done)
		}
		assert.Equal(t, 250*time.Millisecond, time.Since(start), "three slow answers at once")
	})
}
