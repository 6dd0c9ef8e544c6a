package registry

// Provide records the non-nil implementations of s as the originals of their
// modules and, for a module whose current implementation is still the
// forwarder, makes the original current. The first original provided for a
// module wins; later ones are ignored, as in gevent's saved. It panics if an
// implementation is a forwarder of this package.
//
// Package patch provides the implementations of package blocking from its
// init function.
func Provide(s Set) {
	mu.Lock()
	defer mu.Unlock()
	for _, m := range Modules() {
		impl := s.Get(m)
		if impl == nil || Original(m) != nil {
			continue
		}
		if isForwarder(impl) {
			panic("registry: Provide: the " + m.String() + " implementation is the registry's own forwarder")
		}
		switch m {
		case OSModule:
			v := s.OS
			origOS.Store(&v)
		case TimeModule:
			v := s.Time
			origTime.Store(&v)
		case SocketModule:
			v := s.Socket
			origSocket.Store(&v)
		case DNSModule:
			v := s.DNS
			origDNS.Store(&v)
		}
		if isForwarder(Current(m)) {
			storeLocked(m, impl)
		}
	}
}

// Originals returns the set of originals; a module with none has a nil field.
func Originals() Set {
	var s Set
	if p := origOS.Load(); p != nil {
		s.OS = *p
	}
	if p := origTime.Load(); p != nil {
		s.Time = *p
	}
	if p := origSocket.Load(); p != nil {
		s.Socket = *p
	}
	if p := origDNS.Load(); p != nil {
		s.DNS = *p
	}
	return s
}

// CurrentSet returns the current implementation of every module.
func CurrentSet() Set {
	return Set{OS: OS(), Time: Time(), Socket: Socket(), DNS: DNS()}
}
