package patch

import (
	"errors"

	"github.com/greenshim/greenshim/blocking"
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
		if o.skips(m) != p.skips(m) || !sameImpl(o.Impl.Get(m), p.Impl.Get(m)) {
			return false
		}
	}
	return true
}

// sameImpl compares two implementations as interface values; values of
// types that cannot be compared are different.
func sameImpl(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// ErrNoCooperative is returned by PatchAll when a module is left to its
// cooperative default and none is available yet.
var ErrNoCooperative = errors.New("patch: no cooperative implementation available: " +
	"package green does not provide the four modules yet; pass them in Options.Impl")

// cooperative returns the cooperative default of m, or nil if there is none.
// Package green does not provide the modules yet (issue 4); when it does,
// this returns them.
func cooperative(m registry.Module) any { return nil }

func init() {
	registry.Provide(registry.Set{
		OS:     blocking.OS{},
		Time:   blocking.Time{},
		Socket: blocking.Socket{},
		DNS:    blocking.DNS{},
	})
}
