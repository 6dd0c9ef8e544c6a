package simdns

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// A Record is one resource record of a name: one of [A], [AAAA], [CNAME],
// [MX], [NS], [PTR], [SRV] and [TXT], the types package net looks up. The
// set is closed: other packages cannot add types.
type Record interface {
	// Type is the record's type as a zone file writes it: "A", "MX", ...
	Type() string
	// String is the record as a zone file writes it after the owner's
	// name, its names absolute: "MX 10 mail.example.com.".
	String() string

	// normalize returns the record with its names canonical, or an error
	// saying which field is wrong.
	normalize() (Record, error)
}

// A is an IPv4 address record.
type A struct{ Addr netip.Addr }

// AAAA is an IPv6 address record.
type AAAA struct{ Addr netip.Addr }

// CNAME says that its owner is an alias of Target. A name with a CNAME
// has no other record (RFC 1034 section 3.6.2): [Zone.Add] refuses both.
type CNAME struct{ Target string }

// MX names a mail exchanger of its owner; lower Pref is preferred.
type MX struct {
	Host string
	Pref uint16
}

// NS names a name server of its owner.
type NS struct{ Host string }

// PTR names the host of an address, under in-addr.arpa. or ip6.arpa.
// [Zone.AddHost] adds them; Add is for a PTR without an address record.
type PTR struct{ Target string }

// SRV locates a service (RFC 2782): its owner is "_service._proto.name".
// Target "." says the service is not available there.
type SRV struct {
	Target   string
	Port     uint16
	Priority uint16
	Weight   uint16
}

// TXT is a text record. A lookup returns Text whole: it stands for the
// concatenation of a record's strings, as (*net.Resolver).LookupTXT
// returns it.
type TXT struct{ Text string }

func (A) Type() string     { return "A" }
func (AAAA) Type() string  { return "AAAA" }
func (CNAME) Type() string { return "CNAME" }
func (MX) Type() string    { return "MX" }
func (NS) Type() string    { return "NS" }
func (PTR) Type() string   { return "PTR" }
func (SRV) Type() string   { return "SRV" }
func (TXT) Type() string   { return "TXT" }

func (r A) String() string     { return "A " + r.Addr.String() }
func (r AAAA) String() string  { return "AAAA " + r.Addr.String() }
func (r CNAME) String() string { return "CNAME " + r.Target }
func (r MX) String() string    { return "MX " + strconv.Itoa(int(r.Pref)) + " " + r.Host }
func (r NS) String() string    { return "NS " + r.Host }
func (r PTR) String() string   { return "PTR " + r.Target }
func (r SRV) String() string {
	return fmt.Sprintf("SRV %d %d %d %s", r.Priority, r.Weight, r.Port, r.Target)
}
func (r TXT) String() string { return "TXT " + strconv.Quote(r.Text) }

// errInvalidName is the reason given for a name that is not a valid
// domain name.
var errInvalidName = errors.New("invalid domain name")

// domain returns name canonical, or an error naming field.
func domain(field, name string) (string, error) {
	key, ok := canonical(name)
	if !ok {
		return "", fmt.Errorf("%s %q: %w", field, name, errInvalidName)
	}
	return key, nil
}

func (r A) normalize() (Record, error) {
	if !r.Addr.Is4() {
		return nil, fmt.Errorf("A address %v is not an IPv4 address", r.Addr)
	}
	return r, nil
}

func (r AAAA) normalize() (Record, error) {
	if !r.Addr.Is6() || r.Addr.Is4In6() || r.Addr.Zone() != "" {
		return nil, fmt.Errorf("AAAA address %v is not an IPv6 address without a zone", r.Addr)
	}
	return r, nil
}

func (r CNAME) normalize() (Record, error) {
	var err error
	r.Target, err = domain("CNAME target", r.Target)
	return r, err
}

func (r MX) normalize() (Record, error) {
	var err error
	r.Host, err = domain("MX host", r.Host)
	return r, err
}

func (r NS) normalize() (Record, error) {
	var err error
	r.Host, err = domain("NS host", r.Host)
	return r, err
}

func (r PTR) normalize() (Record, error) {
	var err error
	r.Target, err = domain("PTR target", r.Target)
	return r, err
}

func (r SRV) normalize() (Record, error) {
	var err error
	r.Target, err = domain("SRV target", r.Target)
	return r, err
}

func (r TXT) normalize() (Record, error) { return r, nil }
