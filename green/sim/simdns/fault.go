package simdns

import (
	"fmt"
	"maps"
	"strconv"
	"time"
)

// FaultKind is how a name server answers a name with a fault.
type FaultKind uint8

const (
	// NoError answers with the zone's records (after the fault's Delay:
	// a slow answer).
	NoError FaultKind = iota
	// NXDomain answers that the name does not exist, whatever the zone
	// holds: the lookup fails with IsNotFound.
	NXDomain
	// ServFail answers SERVFAIL: the lookup fails with IsTemporary,
	// "server misbehaving".
	ServFail
	// Timeout never answers: the lookup fails with IsTimeout once the
	// resolver's Timeout has passed (or its context has ended).
	Timeout
)

func (k FaultKind) String() string {
	switch k {
	case NoError:
		return "noerror"
	case NXDomain:
		return "nxdomain"
	case ServFail:
		return "servfail"
	case Timeout:
		return "timeout"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// A Fault is what the name server does wrong for a name. The zero Fault
// is no fault: an answer at once.
type Fault struct {
	Kind FaultKind
	// Delay comes before the answer or the failure: a slow server. A
	// Delay that reaches the resolver's Timeout is a timeout.
	Delay time.Duration
	// Times is how many lookups the fault applies to, after which it
	// clears itself; 0 means until it is cleared.
	Times int
}

// String describes f for a fault plan a failing run prints:
// "servfail after 2s, 3 times".
func (f Fault) String() string {
	s := f.Kind.String()
	if f.Delay > 0 {
		s += " after " + f.Delay.String()
	}
	if f.Times > 0 {
		s += ", " + strconv.Itoa(f.Times) + " times"
	}
	return s
}

// check returns an error saying what is wrong with f, if anything.
func (f Fault) check() error {
	switch {
	case f.Kind > Timeout:
		return fmt.Errorf("unknown fault kind %v", f.Kind)
	case f.Delay < 0:
		return fmt.Errorf("negative fault delay %v", f.Delay)
	case f.Times < 0:
		return fmt.Errorf("negative fault count %d", f.Times)
	}
	return nil
}

// faultKey returns the zone key a fault on name is stored under: an IP
// address stands for its reverse name, the one its PTR lookup asks for.
func faultKey(name string) (string, error) {
	if addr, err := parseAddr(name); err == nil {
		return reverseName(addr), nil
	}
	return domain("name", name)
}

// SetFault makes the name server answer name with f from now on,
// replacing name's fault if it had one; name may also be an IP address,
// for the reverse lookups of that address. A fault applies to a lookup
// that asks for name and to a lookup whose CNAME chain passes through it.
// It returns an error naming name or the field of f that is not valid.
func (z *Zone) SetFault(name string, f Fault) error {
	key, err := faultKey(name)
	if err == nil {
		err = f.check()
	}
	if err != nil {
		return fmt.Errorf("simdns: SetFault %q: %w", name, err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if f == (Fault{}) {
		delete(z.faults, key)
		return nil
	}
	if z.faults == nil {
		z.faults = make(map[string]Fault)
	}
	z.faults[key] = f
	return nil
}

// ClearFault removes name's fault (that set by SetFault), if it has one.
// It returns an error if name is neither a domain name nor an IP address.
func (z *Zone) ClearFault(name string) error {
	key, err := faultKey(name)
	if err != nil {
		return fmt.Errorf("simdns: ClearFault %q: %w", name, err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	delete(z.faults, key)
	return nil
}

// SetDefaultFault makes the name server answer every name that has no
// fault of its own with f; the zero Fault clears it. It returns an error
// naming the field of f that is not valid.
func (z *Zone) SetDefaultFault(f Fault) error {
	if err := f.check(); err != nil {
		return fmt.Errorf("simdns: SetDefaultFault: %w", err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.defaultFault = f
	return nil
}

// ClearFaults removes every fault, the default one too.
func (z *Zone) ClearFaults() {
	z.mu.Lock()
	defer z.mu.Unlock()
	clear(z.faults)
	z.defaultFault = Fault{}
}

// Faults returns the faults in force: each name's, by zone key (lower
// case, absolute), and the default one.
func (z *Zone) Faults() (byName map[string]Fault, defaultFault Fault) {
	z.mu.Lock()
	defer z.mu.Unlock()
	return maps.Clone(z.faults), z.defaultFault
}

// nameFaultLocked returns the fault of key, if it has one, counting the
// lookup that visits key against its Times.
func (z *Zone) nameFaultLocked(key string) (Fault, bool) {
	f, ok := z.faults[key]
	if ok && f.Times > 0 {
		if f.Times == 1 {
			delete(z.faults, key)
		} else {
			z.faults[key] = Fault{Kind: f.Kind, Delay: f.Delay, Times: f.Times - 1}
		}
	}
	return f, ok
}

// defaultFaultLocked returns the default fault, counting the lookup that
// meets it against its Times.
func (z *Zone) defaultFaultLocked() Fault {
	f := z.defaultFault
	if f.Times == 1 {
		z.defaultFault = Fault{}
	} else if f.Times > 1 {
		z.defaultFault.Times--
	}
	return f
}
