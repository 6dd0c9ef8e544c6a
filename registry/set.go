package registry

import "github.com/greenshim/greenshim/iface"

// Set is one implementation of each module; a nil field means none.
type Set struct {
	OS     iface.OS
	Time   iface.Time
	Socket iface.Socket
	DNS    iface.DNS
}

// Get returns the set's implementation of m, or a nil interface if the field
// is nil. It panics if m is not one of the four modules.
func (s Set) Get(m Module) any {
	switch m {
	case OSModule:
		if s.OS != nil {
			return s.OS
		}
	case TimeModule:
		if s.Time != nil {
			return s.Time
		}
	case SocketModule:
		if s.Socket != nil {
			return s.Socket
		}
	case DNSModule:
		if s.DNS != nil {
			return s.DNS
		}
	default:
		m.mustValid("Set.Get")
	}
	return nil
}
