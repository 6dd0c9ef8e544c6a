// Package registry holds the current implementation of each of the four I/O
// modules of package iface (os, time, socket and dns), the originals they
// replaced, and a record of who bound which implementation when.
//
// It is the Go counterpart of the module attributes that gevent's monkey.py
// rewrites, and of its saved dictionary of originals. Package patch swaps the
// implementations; code that does I/O asks the registry for them.
//
// # Modules and their order
//
// A [Module] names one of the four modules. [Modules] lists them in the
// order in which package patch patches them, which is also the order of the
// constants: os, time, socket, dns. Socket deadlines and dns timeouts run on
// time, and a cooperative resolver sends its queries over sockets, so each
// module is patched after the ones it depends on.
//
// # Late binding
//
// The getters [Socket], [Time], [OS] and [DNS] return the implementation
// current at the moment of the call. Code that calls them each time it does
// I/O always uses the current one, like Python code that writes
// socket.create_connection rather than importing the function:
//
//	conn, err := registry.Socket().Dial("tcp", addr)
//
// [Procs] returns the processes of the current os module (an optional
// ability of iface.OS) in the same way.
//
// A getter costs one atomic load: no lock, no allocation. It is safe to call
// from any goroutine, at any time, concurrently with [Swap].
//
// # Originals
//
// [Provide] installs the original implementation of each module; the first
// original provided for a module wins and later ones are ignored, as in
// gevent's saved. Package patch provides the blocking implementations of
// package blocking from its init function, so a program that imports patch
// (directly or not) always has them.
//
// Go initializes independent packages in the order of their import paths, so
// a package may call a getter, or a Bind function, from its own init before
// patch's init has run. The registry never returns nil: before an original is
// provided, the getters and Bind functions return a small forwarder per
// module whose every method calls the module's original at the time of the
// call. Such a call panics, with a message that says to import package
// patch, only if no original has been provided by then. A value obtained
// before [Provide] therefore behaves as the original does (for the methods of
// the module's interface and the os module's processes, iface.Procs;
// afero's optional abilities such as afero.Lstater are not forwarded), which is what a binding made at that moment would have bound.
// Once an original is provided the getters return the real implementation,
// with no forwarder in between. [Originals] returns the set provided.
//
// # Snapshot binding
//
// [BindSocket], [BindTime], [BindOS] and [BindDNS] also return the current
// implementation, but for code that keeps it, like Python's
// "from socket import create_connection":
//
//	var sock = registry.BindSocket() // keeps the implementation current at init
//
// Each records a [Binding]: the module, the package, function, file and line
// of the caller, and the epoch (see [Epoch]) at which it bound. A Bind call
// made many times from one place in one epoch is recorded once, with a count,
// so a Bind in a loop adds a record per epoch (per patch), not per call. [Bindings] lists them all;
// [Stale] lists those whose bound implementation is no longer the current one.
// Package patch names the bindings its patch made stale, with file and line:
// gevent's most common pitfall, objects bound before patching that silently
// keep the blocking implementation, is reported instead of discovered.
//
// # Swapping
//
// [Swap] installs an implementation, checked against the module's interface,
// increments the epoch ([Epoch]) and returns the previous implementation and
// the bindings made stale by this swap. [Current], [Original] and [IsPatched]
// report the state of a module. Swap requires the module's original to have
// been provided first ([ErrNoOriginal]). Installing the implementation that is already current
// changes nothing; installing a forwarder installs the original it forwards to.
//
// [SetForTest] swaps one module for the duration of a test.
//
// # Native components
//
// Code that does its I/O outside the registry, such as a database driver that
// calls package net directly (gevent's C-extension limitation), cannot be
// patched. [DeclareNative] records such a component, with the modules it
// bypasses and where it was declared, so that package patch can list it as
// staying blocking. [Natives] lists them.
//
// # Concurrency
//
// Every function of this package is safe for use by several goroutines at
// once. Writers (Provide, Swap, the Bind functions, DeclareNative) are
// serialized by one mutex; the getters do not take it.
package registry
