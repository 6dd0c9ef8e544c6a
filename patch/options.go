package patch

import (
	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/registry"
)

// Options say what PatchAll patches. The zero value patches all four modules
// with the cooperative implementations.
type Options struct {
	// Impl holds the implementations to install; a nil field means the
	// cooperative default for that module.
	Impl registry.Set

	// NoOS, NoTime, NoSocket and NoDNS opt a module out: PatchAll leaves
	// it as it is.
	NoOS, NoTime, NoSocket, NoDNS bool

	// Resolver chooses the cooperative dns module's resolver, as gevent's
	// GEVENT_RESOLVER: green.ThreadResolver (the zero value, gevent's
	// default: the system resolver on the hub's thread pool) or
	// green.PureResolver (Go's resolver, its queries over green sockets).
	// It is ignored when Impl.DNS is set.
	Resolver green.ResolverKind
}

// skips reports whether o opts m out.
func (o Options) skips(m registry.Module) bool {
	switch m {
	case registry.OSModule:
		return o.NoOS
	case registry.TimeModule:
		return o.NoTime
	case registry.SocketModule:
		return o.NoSocket
	case registry.DNSModule:
		return o.NoDNS
	}
	return false
}

func (o *Options) setSkip(m registry.Module, skip bool) {
	switch m {
	case registry.OSModule:
		o.NoOS = skip
	case registry.TimeModule:
		o.NoTime = skip
	case registry.SocketModule:
		o.NoSocket = skip
	case registry.DNSModule:
		o.NoDNS = skip
	}
}

// equal reports whether o and p ask for the same patch.
func (o Options) equal(p Options) bool {
	for _, m := range registry.Modules() {
		if o.skips(m) != p.skips(m) || !registry.Same(o.Impl.Get(m), p.Impl.Get(m)) || o.Resolver != p.Resolver {
			return false
		}
	}
	return true
}

// cooperative returns the cooperative default of m: package green's
// module, on the hub of the calling greenlet (the default hub for calls
// from plain goroutines).
func cooperative(m registry.Module, o Options) any {
	switch m {
	case registry.OSModule:
		return green.OS{}
	case registry.TimeModule:
		return green.Time{}
	case registry.SocketModule:
		return green.Socket{}
	case registry.DNSModule:
		if o.Resolver == green.PureResolver {
			return green.DNS{Resolver: green.PureResolver, Socket: green.Socket{}}
		}
		return green.DNS{Resolver: o.Resolver}
	}
	return nil
}

func init() {
	registry.Provide(registry.Set{
		OS:     blocking.OS{},
		Time:   blocking.Time{},
		Socket: blocking.Socket{},
		DNS:    blocking.DNS{},
	})
}
