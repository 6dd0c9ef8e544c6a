package simdns

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// A Zone holds the records of a world, by name, and the faults of its name
// server. It is safe for concurrent use: a test may add records and set or
// clear faults while lookups run. The zero Zone is empty and ready to use.
type Zone struct {
	mu           sync.Mutex          // guards names, faults, defaultFault
	names        map[string][]Record // by canonical name; never an empty slice
	faults       map[string]Fault    // by canonical name
	defaultFault Fault
}

// NewZone returns an empty zone.
func NewZone() *Zone { return new(Zone) }

// errLocalhost is why a zone refuses address records for localhost.
var errLocalhost = errors.New("localhost resolves as a hosts file has it, before DNS; the zone cannot change it")

// AddHost adds the address records of a host (A for IPv4 addresses, AAAA
// for IPv6 ones; an IPv4-mapped IPv6 address is its IPv4 address) and a
// PTR record for each address naming the host, so that reverse lookups
// find it. Adding a record a name already has changes nothing. It returns
// an error naming the host or the address that is not valid, or if name
// has a CNAME; then it adds nothing.
func (z *Zone) AddHost(name string, addrs ...netip.Addr) error {
	key, err := domain("host", name)
	switch {
	case err != nil:
	case isLocalhost(key):
		err = errLocalhost
	case len(addrs) == 0:
		err = errors.New("no address")
	}
	records := make([]Record, 0, len(addrs))
	for _, a := range addrs {
		if err != nil {
			break
		}
		switch a = a.Unmap(); {
		case !a.IsValid() || a.Zone() != "":
			err = fmt.Errorf("address %v is not an IP address without a zone", a)
		case a.Is4():
			records = append(records, A{a})
		default:
			records = append(records, AAAA{a})
		}
	}
	if err != nil {
		return fmt.Errorf("simdns: AddHost %q: %w", name, err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if err := z.addLocked(key, records); err != nil {
		return fmt.Errorf("simdns: AddHost %q: %w", name, err)
	}
	for _, a := range addrs {
		// Not addLocked: a reverse name with a CNAME (which only Add
		// could have put there) gets its PTR record beside it anyway,
		// and lookups stop following that CNAME, rather than fail a
		// host for its address.
		z.appendLocked(reverseName(a), PTR{key})
	}
	return nil
}

// Add adds records to name. Names, in name and in records, are
// case-insensitive and may be given with or without the trailing dot.
// Adding a record a name already has changes nothing. It returns an error
// naming name or the record that is not valid: a bad domain name, an A
// record without an IPv4 address, an AAAA record without an IPv6 one, a
// CNAME beside other records, an address or CNAME for localhost, a nil
// Record; then it adds nothing.
func (z *Zone) Add(name string, records ...Record) error {
	key, err := domain("name", name)
	if err == nil && len(records) == 0 {
		err = errors.New("no record")
	}
	norm := make([]Record, 0, len(records))
	for i, r := range records {
		if err != nil {
			break
		}
		if r == nil {
			err = fmt.Errorf("record %d is nil", i)
			break
		}
		var n Record
		if n, err = r.normalize(); err == nil {
			norm = append(norm, n)
		}
	}
	if err != nil {
		return fmt.Errorf("simdns: Add %q: %w", name, err)
	}
	if isLocalhost(key) {
		for _, r := range norm {
			switch r.(type) {
			case A, AAAA, CNAME:
				return fmt.Errorf("simdns: Add %q %v: %w", name, r, errLocalhost)
			}
		}
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if err := z.addLocked(key, norm); err != nil {
		return fmt.Errorf("simdns: Add %q: %w", name, err)
	}
	return nil
}

// addLocked adds records to key, or none if that would put a CNAME beside
// another record.
func (z *Zone) addLocked(key string, records []Record) error {
	all := slices.Clone(z.names[key])
	for _, r := range records {
		if !slices.Contains(all, r) {
			all = append(all, r)
		}
	}
	if len(all) > 1 && slices.ContainsFunc(all, func(r Record) bool { _, ok := r.(CNAME); return ok }) {
		return errors.New("a name with a CNAME has no other record")
	}
	if z.names == nil {
		z.names = make(map[string][]Record)
	}
	z.names[key] = all
	return nil
}

// appendLocked adds r to key unless key has it.
func (z *Zone) appendLocked(key string, r Record) {
	if !slices.Contains(z.names[key], r) {
		if z.names == nil {
			z.names = make(map[string][]Record)
		}
		z.names[key] = append(z.names[key], r)
	}
}

// Remove removes every record of name, and every PTR record that names
// it: a host leaving the world. Its fault, if any, stays. It returns an
// error if name is not a valid domain name.
func (z *Zone) Remove(name string) error {
	key, err := domain("name", name)
	if err != nil {
		return fmt.Errorf("simdns: Remove %q: %w", name, err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	delete(z.names, key)
	for owner, rs := range z.names {
		rs = slices.DeleteFunc(rs, func(r Record) bool { return r == PTR{key} })
		if len(rs) == 0 {
			delete(z.names, owner)
		} else {
			z.names[owner] = rs
		}
	}
	return nil
}

// Records returns a copy of the records of name, in the order they were
// added, or nil if it has none or is not a valid domain name.
func (z *Zone) Records(name string) []Record {
	key, ok := canonical(name)
	if !ok {
		return nil
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	return slices.Clone(z.names[key])
}

// String returns the zone in the form of a zone file, one record a line,
// names sorted: "db.example. A 10.0.0.2".
func (z *Zone) String() string {
	z.mu.Lock()
	defer z.mu.Unlock()
	keys := make([]string, 0, len(z.names))
	for k := range z.names {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, r := range z.names[k] {
			b.WriteString(k + " " + r.String() + "\n")
		}
	}
	return b.String()
}

// maxCNAMEHops bounds the CNAME chain a lookup follows; a longer one (or
// a loop) is a SERVFAIL, as recursive servers answer it.
const maxCNAMEHops = 8

// answer is what the name server answers a lookup, before its delay.
type answer struct {
	name    string        // canonical name of the records: the end of the CNAME chain
	records []Record      // the records asked for, a copy
	kind    FaultKind     // NoError or how the lookup fails
	delay   time.Duration // how long the answer takes
}

// resolve answers the lookup of the records of key that want selects, as a
// recursive name server does: it follows CNAMEs and applies the faults of
// the names it visits, or the default fault if it meets none of them.
func (z *Zone) resolve(key string, want func(Record) bool) answer {
	if z == nil {
		return answer{name: key}
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	var a answer
	ownFault := false
	for hop := 0; ; hop++ {
		if hop > maxCNAMEHops {
			a.kind = ServFail
			break
		}
		a.name = key
		if f, ok := z.nameFaultLocked(key); ok {
			ownFault = true
			a.delay += f.Delay
			if a.kind = f.Kind; a.kind != NoError {
				break
			}
		}
		rs := z.names[key]
		if len(rs) == 1 {
			if c, ok := rs[0].(CNAME); ok {
				key = c.Target
				continue
			}
		}
		for _, r := range rs {
			if want(r) {
				a.records = append(a.records, r)
			}
		}
		break
	}
	if !ownFault {
		f := z.defaultFaultLocked()
		a.delay += f.Delay
		if a.kind == NoError {
			a.kind = f.Kind
		}
	}
	return a
}
