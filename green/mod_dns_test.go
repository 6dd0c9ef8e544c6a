package green_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// dnsTestSocket is a socket module of plain net sockets that counts its dials
// and, if gate is set, holds each dial until gate is closed and then fails
// it: a name server that answers only when the test says so, and then not.
// A dial whose context ends first closes cancelled (if set), once.
type dnsTestSocket struct {
	dials     atomic.Int32
	gate      chan struct{}
	once      sync.Once
	cancelled chan struct{}
	cOnce     sync.Once
}

// release closes gate, once.
func (s *dnsTestSocket) release() { s.once.Do(func() { close(s.gate) }) }

var errNoServer = errors.New("test: no name server")

func (s *dnsTestSocket) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	s.dials.Add(1)
	if s.gate != nil {
		select {
		case <-s.gate:
			return nil, &net.OpError{Op: "dial", Net: network, Err: errNoServer}
		case <-ctx.Done():
			if s.cancelled != nil {
				s.cOnce.Do(func() { close(s.cancelled) })
			}
			return nil, ctx.Err()
		}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

func (s *dnsTestSocket) Dial(network, address string) (net.Conn, error) {
	return s.DialContext(context.Background(), network, address)
}

func (s *dnsTestSocket) Listen(network, address string) (net.Listener, error) {
	return net.Listen(network, address)
}

func (s *dnsTestSocket) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(ctx, network, address)
}

func (s *dnsTestSocket) ListenPacket(network, address string) (net.PacketConn, error) {
	return net.ListenPacket(network, address)
}

func (s *dnsTestSocket) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	var lc net.ListenConfig
	return lc.ListenPacket(ctx, network, address)
}

func TestDNS_Conformance(t *testing.T) {
	cases := []struct {
		name string
		dns  green.DNS
	}{
		{"Thread", green.DNS{}},
		{"ThreadGo", green.DNS{Net: &net.Resolver{PreferGo: true}}},
		{"Pure", green.DNS{Resolver: green.PureResolver, Socket: &dnsTestSocket{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { ifacetest.TestDNS(t, c.dns) })
	}
}

// gatedDNS returns a resolver of each kind whose queries wait for gate,
// closed at the end of the test (before the hub closes, which waits for
// lookups in flight).
func gatedDNS(t *testing.T, kind green.ResolverKind) (green.DNS, *dnsTestSocket) {
	s := &dnsTestSocket{gate: make(chan struct{}), cancelled: make(chan struct{})}
	t.Cleanup(s.release)
	if kind == green.PureResolver {
		return green.DNS{Resolver: green.PureResolver, Socket: s}, s
	}
	return green.DNS{Net: &net.Resolver{PreferGo: true, Dial: s.DialContext}}, s
}

// unknownDNSName is not in /etc/hosts, so looking it up queries a name server.
const unknownDNSName = "greenshim-green-test.invalid"

var resolverKinds = []green.ResolverKind{green.ThreadResolver, green.PureResolver}

// A lookup from a greenlet runs off the hub (thread pool or native region):
// while its query waits, another greenlet runs; here that greenlet is the
// one that lets the query end.
func TestDNS_LookupDoesNotHoldHub(t *testing.T) {
	for _, kind := range resolverKinds {
		t.Run(kind.String(), func(t *testing.T) {
			h := newHub(t, green.Options{})
			dns, sock := gatedDNS(t, kind)
			err := run(t, h, func() error {
				var lookupErr error
				lookup := green.Spawn(func() error {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					_, lookupErr = dns.LookupHost(ctx, unknownDNSName)
					return nil
				})
				green.Spawn(func() error {
					// Let the lookup's first query reach the socket.
					for sock.dials.Load() == 0 {
						green.Sleep(time.Millisecond)
					}
					sock.release()
					return nil
				})
				if err := lookup.Join(); err != nil {
					return err
				}
				var dnsErr *net.DNSError
				assert.ErrorAs(t, lookupErr, &dnsErr)
				// The server's refusal, not the context's timeout.
				assert.ErrorContains(t, lookupErr, errNoServer.Error())
				return nil
			})
			require.NoError(t, err)
			assert.Positive(t, sock.dials.Load(), "queries dialed through the socket module")
		})
	}
}

// A Timeout ends a greenlet's wait for a lookup with a *net.DNSError that
// reports a timeout and matches ErrTimeout, and cancels the lookup, which
// then gives its worker back at once.
func TestDNS_LookupTimeout(t *testing.T) {
	for _, kind := range resolverKinds {
		t.Run(kind.String(), func(t *testing.T) {
			h := newHub(t, green.Options{})
			dns, sock := gatedDNS(t, kind)
			err := run(t, h, func() error {
				err := green.WithTimeout(10*time.Millisecond, func() error {
					_, err := dns.LookupIP(context.Background(), "ip4", unknownDNSName)
					return err
				})
				var dnsErr *net.DNSError
				if assert.ErrorAs(t, err, &dnsErr) {
					assert.True(t, dnsErr.IsTimeout, "IsTimeout of %v", err)
					assert.Equal(t, unknownDNSName, dnsErr.Name)
				}
				assert.ErrorIs(t, err, green.ErrTimeout)
				// The gate stays shut: only the lookup's cancellation
				// ends its query.
				err = green.WithTimeout(3*time.Second, func() error {
					_, _, err := green.Recv(sock.cancelled)
					return err
				})
				assert.NoError(t, err, "the abandoned lookup was not cancelled")
				return nil
			})
			require.NoError(t, err)
		})
	}
}

// localhost resolves from a greenlet with both resolvers.
func TestDNS_GreenletLocalhost(t *testing.T) {
	for _, kind := range resolverKinds {
		t.Run(kind.String(), func(t *testing.T) {
			h := newHub(t, green.Options{})
			dns := green.DNS{Resolver: kind, Socket: &dnsTestSocket{}}
			err := run(t, h, func() error {
				ips, err := dns.LookupIP(context.Background(), "ip4", "localhost")
				if err != nil {
					return err
				}
				if assert.NotEmpty(t, ips) {
					assert.True(t, ips[0].IsLoopback(), "%v is loopback", ips[0])
				}
				return nil
			})
			require.NoError(t, err)
		})
	}
}

func TestDNS_PureNeedsSocket(t *testing.T) {
	assert.PanicsWithValue(t, "green: DNS with PureResolver needs a Socket", func() {
		green.DNS{Resolver: green.PureResolver}.LookupHost(context.Background(), "localhost")
	})
}

// The thread resolver's lookups queue on the hub's thread pool, as
// gevent's: with one worker busy, a lookup from a greenlet waits for it
// (and parks meanwhile, so the greenlet that frees the worker runs first).
func TestDNS_ThreadLookupUsesPool(t *testing.T) {
	h := newHub(t, green.Options{ThreadPoolSize: 1})
	gate := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(open)
	var log []string
	err := run(t, h, func() error {
		busy := h.ThreadPool().Spawn(func() (any, error) { <-gate; return nil, nil })
		lookup := green.Spawn(func() error {
			_, err := green.DNS{}.LookupHost(context.Background(), "localhost")
			log = append(log, "lookup done")
			return err
		})
		opener := green.Spawn(func() error {
			log = append(log, "worker freed")
			open()
			return nil
		})
		if _, err := green.JoinAll([]*green.Greenlet{lookup, opener}, green.JoinOptions{}); err != nil {
			return err
		}
		return busy.Wait()
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"worker freed", "lookup done"}, log)
}

// A lookup under a context that has ended fails at once with the context's
// error and sends no query, from a greenlet and from a goroutine. (Package
// net's resolver would send it, and return the answer instead of the
// context's error whenever the answer was there first.)
func TestDNS_DoneContextSendsNoQuery(t *testing.T) {
	ctxs := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		want    error
		timeout bool
	}{
		{"canceled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled, false},
		{"expired", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}, context.DeadlineExceeded, true},
	}
	for _, kind := range resolverKinds {
		for _, c := range ctxs {
			t.Run(kind.String()+"/"+c.name, func(t *testing.T) {
				h := newHub(t, green.Options{})
				dns, sock := gatedDNS(t, kind)
				check := func(err error) {
					var e *net.DNSError
					if assert.ErrorAs(t, err, &e) {
						assert.Equal(t, unknownDNSName, e.Name)
						assert.Equal(t, c.timeout, e.IsTimeout, "IsTimeout of %v", err)
					}
					assert.ErrorIs(t, err, c.want)
				}
				ctx, cancel := c.ctx()
				defer cancel()
				// Bounded: a query sent anyway waits at the gate.
				check(within(t, "LookupIP from a goroutine", func() error {
					_, err := dns.LookupIP(ctx, "ip4", unknownDNSName)
					return err
				}))
				require.NoError(t, run(t, h, func() error {
					_, err := dns.LookupHost(ctx, unknownDNSName)
					check(err)
					return nil
				}))
				assert.Zero(t, sock.dials.Load(), "queries sent under a done context")
			})
		}
	}
}
