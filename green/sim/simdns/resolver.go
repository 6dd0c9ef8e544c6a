package simdns

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/greenshim/greenshim/iface"
)

var _ iface.DNS = (*Resolver)(nil)

// DefaultTimeout is how long a Resolver waits for a name server that does
// not answer when its Timeout is zero: that of package net's Go resolver
// with the defaults of resolv.conf(5) and one server, 5s for each of 2
// attempts.
const DefaultTimeout = 10 * time.Second

// A Resolver looks names up in a Zone: the dns module of a simulated host,
// an [iface.DNS] whose methods copy those of [*net.Resolver] (see the
// package documentation for what it answers and how it fails). Set its
// fields before its first lookup and do not change them after. A Resolver
// is safe for concurrent use. The zero Resolver has an empty zone: it
// resolves localhost and IP addresses, and nothing else.
type Resolver struct {
	// Zone holds the records and faults; nil is an empty zone.
	Zone *Zone

	// Wait waits for d or until ctx is done, whichever comes first,
	// returning nil after d and ctx.Err() (or an error of its own) when
	// it gives up. Every delay of a lookup passes through it: a slow
	// answer, a name server that never answers (for Timeout). A world
	// makes it park a greenlet on world time, or block in a synctest
	// bubble; nil waits on a timer of package time (real time, or the
	// bubble's).
	Wait func(ctx context.Context, d time.Duration) error

	// Timeout is how long a lookup waits for a name server that does not
	// answer before it fails with IsTimeout; zero means DefaultTimeout. A
	// lookup's context can end it sooner.
	Timeout time.Duration

	// Server is the name server's address, which errors report in
	// net.DNSError.Server as package net reports the server that failed:
	// "10.0.0.53:53", say. Empty is none.
	Server string

	// Rand is where random choices come from: the order of the addresses
	// of a name and of MX records of equal preference, and the order by
	// weight of SRV records of equal priority. Nil means no random
	// choice: zone order, and SRV records by decreasing weight. The
	// Resolver calls Rand under its own lock: do not share it.
	Rand rand.Source

	mu  sync.Mutex // guards rnd
	rnd *rand.Rand // over Rand, made on first use
}

// timeout returns r's Timeout or the default.
func (r *Resolver) timeout() time.Duration {
	if r.Timeout <= 0 {
		return DefaultTimeout
	}
	return r.Timeout
}

// wait waits d through r.Wait, or on a timer.
func (r *Resolver) wait(ctx context.Context, d time.Duration) error {
	if r.Wait != nil {
		return r.Wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// query asks the zone for the records of name that want selects, and
// waits for the answer. It returns the zone's answer, whose records may be
// none, or the error of a name that is not valid, of a context that ended,
// of a fault; the errors name name.
func (r *Resolver) query(ctx context.Context, name string, want func(Record) bool) (answer, error) {
	key, ok := canonical(name)
	if !ok {
		// Package net rejects it before any query, as libc resolvers
		// do: "no such host", no server.
		return answer{}, notFound(name, "")
	}
	if err := ctx.Err(); err != nil {
		return answer{}, contextError(name, err)
	}
	a := r.Zone.resolve(key, want)
	if timeout := r.timeout(); a.kind == Timeout || a.delay >= timeout {
		a.kind, a.delay = Timeout, timeout
	}
	if a.delay > 0 {
		if err := r.wait(ctx, a.delay); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return answer{}, contextError(name, cerr)
			}
			return answer{}, wrapError(name, err)
		}
	}
	switch a.kind {
	case NXDomain:
		return answer{}, notFound(name, r.Server)
	case ServFail:
		return answer{}, serverFailure(name, r.Server)
	case Timeout:
		return answer{}, serverTimeout(name, r.Server)
	}
	return a, nil
}

// random calls f with r's source of random choices, under r's lock, if r
// has one.
func (r *Resolver) random(f func(rnd *rand.Rand)) {
	if r.Rand == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rnd == nil {
		r.rnd = rand.New(r.Rand)
	}
	f(r.rnd)
}
