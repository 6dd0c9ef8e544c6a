package simdns_test

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

// testTimeout bounds every lookup of the tests.
const testTimeout = 5 * time.Second

// testContext returns a context that ends when t does or after
// testTimeout.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// addr parses s.
func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

// exampleZone returns a zone with a record of each type:
//
//	db.example.          A 10.0.0.2, AAAA fd00::2 (and their PTRs)
//	web.example.         A 10.0.0.3
//	www.example.         CNAME web.example.
//	alias.example.       CNAME www.example.
//	dangling.example.    CNAME nowhere.example.
//	example.             MX 20 mail1, MX 10 mail2, TXT, TXT, NS ns1, NS ns2
//	_http._tcp.example.  SRV records of priorities 10 and 20
//	srv.example.         CNAME _http._tcp.example.
func exampleZone(t testing.TB) *simdns.Zone {
	t.Helper()
	z := simdns.NewZone()
	require.NoError(t, z.AddHost("db.example", addr("10.0.0.2"), addr("fd00::2")))
	require.NoError(t, z.AddHost("web.example", addr("10.0.0.3")))
	require.NoError(t, z.Add("www.example", simdns.CNAME{Target: "web.example"}))
	require.NoError(t, z.Add("alias.example", simdns.CNAME{Target: "WWW.example."}))
	require.NoError(t, z.Add("dangling.example", simdns.CNAME{Target: "nowhere.example"}))
	require.NoError(t, z.Add("example",
		simdns.MX{Host: "mail1.example", Pref: 20},
		simdns.MX{Host: "mail2.example", Pref: 10},
		simdns.TXT{Text: "v=spf1 -all"},
		simdns.TXT{Text: "hello world"},
		simdns.NS{Host: "ns1.example"},
		simdns.NS{Host: "ns2.example"},
	))
	require.NoError(t, z.Add("_http._tcp.example",
		simdns.SRV{Target: "web.example", Port: 80, Priority: 10, Weight: 5},
		simdns.SRV{Target: "db.example", Port: 8080, Priority: 20, Weight: 0},
		simdns.SRV{Target: "www.example", Port: 81, Priority: 10, Weight: 60},
	))
	require.NoError(t, z.Add("srv.example", simdns.CNAME{Target: "_http._tcp.example"}))
	return z
}

// waits is a Wait that records the delays asked for and returns at once,
// or with ctx.Err() if ctx has ended.
type waits struct {
	mu sync.Mutex
	ds []time.Duration
}

func (w *waits) Wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.ds = append(w.ds, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) delays() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.ds...)
}
