package green

import (
	"context"
	"net"
	"net/netip"
	"strconv"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.DNS = DNS{}
	_ iface.DNS = (*DNS)(nil)
)

// ResolverKind selects how DNS resolves names, as gevent's GEVENT_RESOLVER.
type ResolverKind int

const (
	// ThreadResolver is gevent's default "thread" resolver: the system
	// resolver (DNS.Net, or net.DefaultResolver), each lookup run on the
	// thread pool of the caller's hub, so at most ThreadPoolSize lookups
	// run at once.
	ThreadResolver ResolverKind = iota
	// PureResolver is gevent's pure resolver: Go's own resolver
	// (PreferGo), whose queries travel over DNS.Socket.
	PureResolver
)

func (k ResolverKind) String() string {
	switch k {
	case ThreadResolver:
		return "thread"
	case PureResolver:
		return "pure"
	}
	return "ResolverKind(" + strconv.Itoa(int(k)) + ")"
}

// DNS is the dns module for greenlets: the cooperative [iface.DNS]. Called
// from a greenlet, a lookup parks only the caller; called from a plain
// goroutine, it runs directly in it. The zero value is the thread resolver
// on net.DefaultResolver.
//
// With Resolver ThreadResolver, each lookup calls the method of the same
// name on Net (net.DefaultResolver if nil), on the thread pool of the
// caller's hub.
//
// With Resolver PureResolver, lookups are those of a *net.Resolver with
// PreferGo set whose Dial goes through Socket: every query (UDP, or TCP for
// long answers) is a conn of the socket module, the green one once it is
// patched in. Go's resolver waits on goroutines of its own inside a lookup
// (one per query type, and a shared one per name for LookupIP), on Go
// channels, which would hold the hub; so from a greenlet the whole lookup
// runs in a native region ([Native]) while the caller parks. Socket must
// be set: a nil Socket with PureResolver panics, since a pure resolver
// dialing plain net sockets is just a slower thread resolver.
//
// DNS is a value; its resolver is built per lookup, which costs little.
// Lookups under a context take their deadline from it on the wall clock,
// as *net.Resolver does: give them contexts of real time (not those of
// Time on a virtual-time hub). A lookup under a context that has already
// ended sends no query and fails with *net.Resolver's error for it (a
// *net.DNSError that errors.Is the context's error); *net.Resolver itself
// would query anyway and might return the answer instead.
type DNS struct {
	Resolver ResolverKind
	Net      *net.Resolver // ThreadResolver: the resolver; nil means net.DefaultResolver
	Socket   iface.Socket  // PureResolver: the socket module its queries travel over
}

// resolver returns the *net.Resolver of d's kind.
func (d DNS) resolver() *net.Resolver {
	switch d.Resolver {
	case ThreadResolver:
		if d.Net == nil {
			return net.DefaultResolver
		}
		return d.Net
	case PureResolver:
		if d.Socket == nil {
			panic("green: DNS with PureResolver needs a Socket")
		}
		s := d.Socket
		return &net.Resolver{PreferGo: true, Dial: s.DialContext}
	}
	panic("green: unknown ResolverKind " + d.Resolver.String())
}

// lookup runs fn with d's resolver under ctx: on the caller's hub's thread
// pool (thread) or in a native region (pure) when called from a greenlet,
// directly otherwise.
func lookup[T any](ctx context.Context, d DNS, name string, fn func(ctx context.Context, r *net.Resolver) (T, error)) (T, error) {
	if ctx == nil {
		panic("green: DNS lookup of " + strconv.Quote(name) + " with a nil context")
	}
	r := d.resolver()
	if err := ctx.Err(); err != nil {
		// *net.Resolver runs the lookup anyway, under a context of its
		// own, and returns whichever of the answer and ctx's end its
		// select picks: an answer already there (a fast or simulated
		// name server) wins half the time. A done context fails at once.
		var zero T
		return zero, doneDNSError(err, name)
	}
	h := callerHub()
	if h == nil {
		return fn(ctx, r)
	}
	// Cancelled when the wait ends, so that a lookup the greenlet stopped
	// waiting for gives its worker back instead of holding it until the
	// resolver gives up.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var v T
	var err error
	run := func() error {
		v, err = fn(ctx, r)
		return nil
	}
	var werr error
	if d.Resolver == PureResolver {
		werr = h.Native(run)
	} else {
		_, werr = h.pool.Apply(func() (any, error) { return nil, run() })
	}
	if werr != nil {
		// The wait ended before the lookup (a Timeout, a kill): the
		// lookup, cancelled, finishes on its own, its result unread.
		var zero T
		return zero, &net.DNSError{Err: werr.Error(), Name: name, IsTimeout: isTimeout(werr), UnwrapErr: werr}
	}
	return v, err
}

// doneDNSError is the error *net.Resolver gives a lookup whose context
// ended (err is ctx.Err()): the same text, IsTimeout for a deadline, and
// errors.Is the context's error.
func doneDNSError(err error, name string) *net.DNSError {
	msg := "operation was canceled"
	if err == context.DeadlineExceeded {
		msg = "i/o timeout"
	}
	return &net.DNSError{Err: msg, Name: name, IsTimeout: err == context.DeadlineExceeded, UnwrapErr: err}
}

func isTimeout(err error) bool {
	t, ok := err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

// LookupHost copies (*net.Resolver).LookupHost.
func (d DNS) LookupHost(ctx context.Context, host string) ([]string, error) {
	return lookup(ctx, d, host, func(ctx context.Context, r *net.Resolver) ([]string, error) { return r.LookupHost(ctx, host) })
}

// LookupIP copies (*net.Resolver).LookupIP.
func (d DNS) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	return lookup(ctx, d, host, func(ctx context.Context, r *net.Resolver) ([]net.IP, error) { return r.LookupIP(ctx, network, host) })
}

// LookupNetIP copies (*net.Resolver).LookupNetIP.
func (d DNS) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return lookup(ctx, d, host, func(ctx context.Context, r *net.Resolver) ([]netip.Addr, error) {
		return r.LookupNetIP(ctx, network, host)
	})
}

// LookupAddr copies (*net.Resolver).LookupAddr.
func (d DNS) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return lookup(ctx, d, addr, func(ctx context.Context, r *net.Resolver) ([]string, error) { return r.LookupAddr(ctx, addr) })
}

// LookupPort copies (*net.Resolver).LookupPort.
func (d DNS) LookupPort(ctx context.Context, network, service string) (int, error) {
	return lookup(ctx, d, service, func(ctx context.Context, r *net.Resolver) (int, error) { return r.LookupPort(ctx, network, service) })
}

// LookupCNAME copies (*net.Resolver).LookupCNAME.
func (d DNS) LookupCNAME(ctx context.Context, host string) (string, error) {
	return lookup(ctx, d, host, func(ctx context.Context, r *net.Resolver) (string, error) { return r.LookupCNAME(ctx, host) })
}

// LookupMX copies (*net.Resolver).LookupMX.
func (d DNS) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return lookup(ctx, d, name, func(ctx context.Context, r *net.Resolver) ([]*net.MX, error) { return r.LookupMX(ctx, name) })
}

// LookupTXT copies (*net.Resolver).LookupTXT.
func (d DNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return lookup(ctx, d, name, func(ctx context.Context, r *net.Resolver) ([]string, error) { return r.LookupTXT(ctx, name) })
}

// srv is LookupSRV's two results.
type srv struct {
	cname string
	addrs []*net.SRV
}

// LookupSRV copies (*net.Resolver).LookupSRV.
func (d DNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r, err := lookup(ctx, d, name, func(ctx context.Context, r *net.Resolver) (srv, error) {
		cname, addrs, err := r.LookupSRV(ctx, service, proto, name)
		return srv{cname, addrs}, err
	})
	return r.cname, r.addrs, err
}

// LookupNS copies (*net.Resolver).LookupNS.
func (d DNS) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	return lookup(ctx, d, name, func(ctx context.Context, r *net.Resolver) ([]*net.NS, error) { return r.LookupNS(ctx, name) })
}
