// Package simdns is the DNS of a simulated world: a [Zone] of records, the
// faults of its name server, and a [Resolver], the [iface.DNS] of each
// host, that looks names up in the zone and answers as package net's Go
// resolver does, its errors included, without a network.
//
// # Records
//
// A zone holds, by name, the record types package net looks up: [A],
// [AAAA], [CNAME], [MX], [NS], [PTR], [SRV] and [TXT]. [Zone.AddHost]
// adds a host's addresses and, for each, the PTR record of its reverse
// name (under in-addr.arpa. or ip6.arpa.); [Zone.Add] adds any record.
// Names are case-insensitive and may be given with or without the
// trailing dot, as package net takes them; the zone keeps them in lower
// case, absolute, and lookups return them so ("db.example."). A name that
// is not a valid domain name (package net's rules: letters, digits,
// hyphens and underscores in labels of at most 63 bytes, at most 254
// bytes in all, not all digits) is an error naming it, and so is a record
// that is not valid: a CNAME beside another record, an A record without
// an IPv4 address, a PTR target that is not a name, ... Adding a record a
// name has already changes nothing: records of a name are a set, in the
// order they were first added.
//
// The zone is what a recursive name server knows: a lookup follows the
// CNAME chain from the name asked for (at most 8 links; a longer chain or
// a loop is a SERVFAIL) and answers with the records of the type asked
// for that the end of the chain holds.
//
// As a machine's hosts file does before DNS, "localhost" resolves to
// 127.0.0.1 and ::1 and they resolve back to "localhost", with no fault
// and under any context; the zone refuses address and CNAME records for
// it. An IP address resolves to itself. [Resolver.LookupPort] answers
// from the table package net uses where a machine has no /etc/services.
//
// # Faults
//
// A test sets the [Fault] of a name with [Zone.SetFault], or of every
// name without one with [Zone.SetDefaultFault], and clears them, at any
// time; a lookup reads them when it starts. A fault is one of NXDOMAIN
// (the name does not exist, whatever its records), SERVFAIL, a timeout (a
// name server that never answers) or none, after a Delay (a slow answer),
// for a number of lookups or until cleared. A lookup meets the faults of
// every name on its CNAME chain, their delays adding up and the first
// failure ending it; the default fault applies once to a lookup that
// meets no fault of its own. The fault of an IP address is that of its
// reverse name, for [Resolver.LookupAddr].
//
// # Waiting
//
// Every delay a lookup waits (a slow answer; a timeout, which lasts the
// resolver's Timeout, [DefaultTimeout] unless set; a delay that reaches
// the Timeout is a timeout) passes through [Resolver.Wait], so that the
// world decides what waiting means: parking a greenlet on the world's
// virtual clock, or blocking a goroutine in a testing/synctest bubble,
// where a timeout costs no real time. With a nil Wait a lookup waits on a
// timer of package time. A lookup without a delay answers at once and
// never calls Wait. The lookup's context ends a wait early.
//
// Random choices (the order of a name's addresses, of MX records of equal
// preference, and of SRV records of equal priority, by weight) come from
// [Resolver.Rand], a source the world seeds, never from the global
// source; without it the order is that of the zone, and SRV records come
// by decreasing weight.
//
// # Errors
//
// Errors are those of package net's Go resolver: a *[net.DNSError] whose
// Name is the name the lookup asked for (for LookupAddr, the reverse name;
// for LookupSRV, "_service._proto.name"), and:
//
//   - a name that does not exist (NXDOMAIN), or has no record of the type
//     asked for, or is not a valid domain name: Err "no such host",
//     IsNotFound. The Server is [Resolver.Server], except for a name that
//     is not valid, which no server is asked about.
//   - a SERVFAIL: Err "server misbehaving", IsTemporary, the Server.
//   - a name server that does not answer within the Timeout: Err
//     "i/o timeout", IsTimeout and IsTemporary, the Server; as with
//     package net, errors.Is(err, context.DeadlineExceeded) is false, since
//     it is the resolver's own timeout and not the context's.
//   - a context that ends before the answer: package net's mapping of
//     ctx.Err(), with no Server: for context.DeadlineExceeded, Err
//     "i/o timeout", IsTimeout and IsTemporary; for context.Canceled, Err
//     "operation was canceled"; either way errors.Is(err, ctx.Err()) is
//     true. A context that has ended before the lookup fails it at once.
//     This is what package net's LookupIP, LookupIPAddr and LookupNetIP
//     return, and so every dial; its other methods report the failure of
//     their conn to the name server instead ("dial udp ...: i/o timeout",
//     with a Server), the same for IsTimeout and errors.Is, except that a
//     deadline passing during the query is not context.DeadlineExceeded
//     for errors.Is, and that a cancellation during the query goes
//     unnoticed until the resolver's own timeout.
//   - any other error of Wait: wrapped, IsTimeout and IsTemporary taken
//     from its Timeout and Temporary methods.
//
// LookupAddr of a string that is not an IP address fails with Err
// "unrecognized address"; LookupIP and LookupNetIP of a network other
// than "ip", "ip4" and "ip6" with a [net.UnknownNetworkError], and of an
// IP address of the other family with the *[net.AddrError] "no suitable
// address found";
// LookupPort of an unknown service with Err "unknown port", IsNotFound,
// Name "tcp/service".
//
// Where simdns differs from package net on purpose: LookupNetIP returns
// IPv4 addresses as such, never IPv4-mapped; LookupCNAME returns the end
// of a CNAME chain, as documented, where package net's Go resolver returns
// the first link of a chain of two or more (golang.org/issue/59943);
// names under .onion are looked up in the zone like any other (package
// net returns no address and no error for them); there is no search list:
// every name is absolute. The tests compare each lookup with package net's
// Go resolver asking a name server that serves the same zone.
//
// A nil context panics, as misuse.
package simdns
