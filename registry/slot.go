package registry

import (
	"sync"
	"sync/atomic"

	"github.com/greenshim/greenshim/iface"
)

// The current implementation of each module, one atomic pointer per module
// so that a getter is a single load. Each pointer always holds a non-nil
// pointer to a non-nil interface value: the forwarder until an original is
// provided, then the original or whatever Swap installed.
var (
	curOS     atomic.Pointer[iface.OS]
	curTime   atomic.Pointer[iface.Time]
	curSocket atomic.Pointer[iface.Socket]
	curDNS    atomic.Pointer[iface.DNS]
)

// The originals, read by the forwarders without taking mu.
var (
	origOS     atomic.Pointer[iface.OS]
	origTime   atomic.Pointer[iface.Time]
	origSocket atomic.Pointer[iface.Socket]
	origDNS    atomic.Pointer[iface.DNS]
)

func init() { installForwarders() }

// installForwarders makes the forwarders current.
func installForwarders() {
	var (
		o iface.OS     = osForwarder{}
		t iface.Time   = timeForwarder{}
		s iface.Socket = socketForwarder{}
		d iface.DNS    = dnsForwarder{}
	)
	curOS.Store(&o)
	curTime.Store(&t)
	curSocket.Store(&s)
	curDNS.Store(&d)
}

// mu serializes the writers: Provide, Swap, the Bind functions and
// DeclareNative. The getters never take it.
var mu sync.Mutex

// OS returns the current implementation of the os module.
func OS() iface.OS { return *curOS.Load() }

// Time returns the current implementation of the time module.
func Time() iface.Time { return *curTime.Load() }

// Socket returns the current implementation of the socket module.
func Socket() iface.Socket { return *curSocket.Load() }

// DNS returns the current implementation of the dns module.
func DNS() iface.DNS { return *curDNS.Load() }

// Current returns the current implementation of m, as the getter of m does.
// It panics if m is not one of the four modules.
func Current(m Module) any {
	switch m {
	case OSModule:
		return OS()
	case TimeModule:
		return Time()
	case SocketModule:
		return Socket()
	case DNSModule:
		return DNS()
	}
	m.mustValid("Current")
	return nil
}

// Original returns the original implementation of m, or nil if none has
// been provided. It panics if m is not one of the four modules.
func Original(m Module) any {
	switch m {
	case OSModule:
		if p := origOS.Load(); p != nil {
			return *p
		}
	case TimeModule:
		if p := origTime.Load(); p != nil {
			return *p
		}
	case SocketModule:
		if p := origSocket.Load(); p != nil {
			return *p
		}
	case DNSModule:
		if p := origDNS.Load(); p != nil {
			return *p
		}
	default:
		m.mustValid("Original")
	}
	return nil
}

// IsPatched reports whether m's current implementation is other than its
// original. It panics if m is not one of the four modules.
func IsPatched(m Module) bool {
	m.mustValid("IsPatched")
	orig := Original(m)
	return orig != nil && !same(Current(m), orig)
}

// store makes impl, which implements m's interface, the current
// implementation of m. mu held.
func storeLocked(m Module, impl any) {
	switch m {
	case OSModule:
		v := impl.(iface.OS)
		curOS.Store(&v)
	case TimeModule:
		v := impl.(iface.Time)
		curTime.Store(&v)
	case SocketModule:
		v := impl.(iface.Socket)
		curSocket.Store(&v)
	case DNSModule:
		v := impl.(iface.DNS)
		curDNS.Store(&v)
	}
}

// implements reports whether impl implements m's interface.
func implements(m Module, impl any) bool {
	var ok bool
	switch m {
	case OSModule:
		_, ok = impl.(iface.OS)
	case TimeModule:
		_, ok = impl.(iface.Time)
	case SocketModule:
		_, ok = impl.(iface.Socket)
	case DNSModule:
		_, ok = impl.(iface.DNS)
	}
	return ok
}

// same reports whether a and b are the same implementation: equal interface
// values. Values of types that cannot be compared (a struct holding a slice,
// say) compare unequal, rather than panic.
func same(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// Same reports whether a and b are the same implementation, as Swap and
// the stale-binding checks decide it: equal interface values, where values
// of types that cannot be compared are never the same.
func Same(a, b any) bool { return same(a, b) }
