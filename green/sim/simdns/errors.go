package simdns

import (
	"context"
	"errors"
	"net"
)

// The errors of a lookup are those of package net's Go resolver, field for
// field: see the package documentation, # Errors.

// errNoSuchHost is the Err of a *net.DNSError for a name that does not
// exist or has no record of the type asked for (package net's
// errNoSuchHost).
const errNoSuchHost = "no such host"

// errServerMisbehaving is the Err of a *net.DNSError for a SERVFAIL
// (package net's errServerTemporarilyMisbehaving).
const errServerMisbehaving = "server misbehaving"

// timeoutError is package net's errTimeout, to which it maps
// context.DeadlineExceeded: "i/o timeout", a timeout, and
// context.DeadlineExceeded for errors.Is.
type timeoutError struct{}

func (timeoutError) Error() string        { return "i/o timeout" }
func (timeoutError) Timeout() bool        { return true }
func (timeoutError) Temporary() bool      { return true }
func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// canceledError is package net's errCanceled, to which it maps
// context.Canceled: "operation was canceled", and context.Canceled for
// errors.Is.
type canceledError struct{}

func (canceledError) Error() string        { return "operation was canceled" }
func (canceledError) Is(target error) bool { return target == context.Canceled }

// notFound returns the error of a lookup of name that found nothing, as
// server answered it ("" for a name rejected before any query).
func notFound(name, server string) *net.DNSError {
	return &net.DNSError{Err: errNoSuchHost, Name: name, Server: server, IsNotFound: true}
}

// serverFailure returns the error of a lookup of name that server answered
// with SERVFAIL.
func serverFailure(name, server string) *net.DNSError {
	return &net.DNSError{Err: errServerMisbehaving, Name: name, Server: server, IsTemporary: true}
}

// serverTimeout returns the error of a lookup of name to which server did
// not answer in time. Package net's message is that of the *net.OpError of
// the read on the server's conn, "read udp ...: i/o timeout"; it does not
// wrap it, so errors.Is(err, context.DeadlineExceeded) is false, as here.
func serverTimeout(name, server string) *net.DNSError {
	return &net.DNSError{Err: timeoutError{}.Error(), Name: name, Server: server, IsTimeout: true, IsTemporary: true}
}

// contextError returns the error of a lookup of name whose context ended
// with err (ctx.Err()), as package net reports it: newDNSError(mapErr(err)).
func contextError(name string, err error) *net.DNSError {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		err = timeoutError{}
	case errors.Is(err, context.Canceled):
		err = canceledError{}
	}
	return wrapError(name, err)
}

// wrapError returns a *net.DNSError for name that wraps err, with
// IsTimeout and IsTemporary set from err's methods of those names, as
// package net's newDNSError does (which wraps context errors only: here
// err is also an error of the resolver's Wait).
func wrapError(name string, err error) *net.DNSError {
	e := &net.DNSError{Err: err.Error(), Name: name, UnwrapErr: err}
	if t, ok := err.(interface{ Timeout() bool }); ok {
		e.IsTimeout = t.Timeout()
	}
	if t, ok := err.(interface{ Temporary() bool }); ok {
		e.IsTemporary = t.Temporary()
	}
	return e
}
