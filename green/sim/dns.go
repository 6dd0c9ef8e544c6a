package sim

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"net"
	"time"

	"github.com/greenshim/greenshim/green/sim/simdns"
	"github.com/greenshim/greenshim/iface"
)

// The world's DNS is package simdns: one zone per world, which AddHost
// fills with each host's name and addresses (A, AAAA and PTR records) and
// a test fills with any other record and fault through World.Zone. Each
// host asks it through a resolver of its own, whose waits (slow answers,
// a name server that does not answer until the resolver's timeout) pass
// on world time, and whose random choices (the order of a name's
// addresses, SRV weights) come from a source seeded by the world's seed
// and the host's name.

// dnsServer is the Server named in the errors of the world's name server.
const dnsServer = "sim"

// Zone returns the world's DNS zone: the names of its hosts, and whatever
// records and faults a test adds (Zone.Add, Zone.SetFault). Changes take
// effect at the next lookup that starts.
func (w *World) Zone() *simdns.Zone { return w.zone }

// DNS returns the world's dns module, what package patch installs for a
// world: the resolver of the world's first host (every host resolves the
// same names; each has its own resolver, Host.DNS, for its random
// choices).
func (w *World) DNS() iface.DNS { return w.defaultHost().DNS() }

// newResolver returns the resolver of the host named name. Its source is
// seeded with the world's seed and a hash of the name that is the same in
// every process, so that its choices repeat with the seed.
func (w *World) newResolver(name string) *simdns.Resolver {
	f := fnv.New64a()
	f.Write([]byte(name))
	seed := f.Sum64()
	return &simdns.Resolver{
		Zone:   w.zone,
		Wait:   w.sleepCtx,
		Server: dnsServer,
		Rand:   rand.NewPCG(w.cfg.Seed, seed),
	}
}

// sleepCtx waits d of world time, or until ctx is done: a resolver's
// Wait. A kill unwinds it; a WithTimeout or a closed world ends it with
// its error.
func (w *World) sleepCtx(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var l waitList
	w.enter()
	defer w.unlockRun()
	if ctx.Done() != nil {
		// As a dial's: the context ends the wait through Done alone, on
		// whichever clock made it.
		stop := context.AfterFunc(ctx, func() {
			w.mu.Lock()
			l.wakeAll()
			w.unlockRun()
		})
		defer stop()
	}
	until := w.now() + int64(d)
	for w.now() < until {
		if w.closed {
			return net.ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.waitLocked(&l, until, "sim dns"); err != nil {
			return err
		}
	}
	return nil
}
