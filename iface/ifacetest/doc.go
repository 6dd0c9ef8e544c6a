// Package ifacetest implements conformance suites for the four modules of
// package iface, so that every implementation, in this module or outside it,
// can show that it behaves like the standard library it stands in for.
//
// Each suite is a function that takes the *testing.T of an ordinary test and
// the implementation under test, and runs one named subtest per case with
// t.Run, so a failure names the case that broke:
//
//	func TestSocket(t *testing.T) {
//		ifacetest.TestSocket(t, blocking.Socket{})
//	}
//
// The suites report failures through t; they do not return errors. Every wait
// in a suite is bounded by a few seconds of real time, so a broken
// implementation fails the suite instead of hanging it.
//
// # Socket
//
// [TestSocket] works on the loopback interface only (127.0.0.1) and needs no
// other network. It checks:
//
//   - Conn: TCP conns from Listen and DialContext pass
//     [golang.org/x/net/nettest.TestConn] (I/O, deadlines, concurrent use).
//   - Listen, ListenContext: a conn dialed with Dial or DialContext is
//     accepted and carries bytes both ways.
//   - ListenPacket, ListenPacketContext: UDP datagrams go both ways, and a
//     conn from Dial("udp", ...) reaches a packet conn.
//   - AcceptClosed: Accept on a closed listener, or one closed while Accept
//     waits, fails with a [*net.OpError] for which errors.Is(err,
//     [net.ErrClosed]) holds.
//   - ReadDeadline: Read past a deadline, set in the past or passing while
//     Read waits, fails with a [*net.OpError] for which errors.Is(err,
//     [os.ErrDeadlineExceeded]) holds and whose Timeout method reports true.
//   - DialRefused: Dial to a closed loopback port fails with a [*net.OpError]
//     wrapping ECONNREFUSED.
//   - DialContext: a cancelled context makes DialContext fail with an error
//     for which errors.Is(err, [context.Canceled]) holds; an expired one with
//     errors.Is(err, [context.DeadlineExceeded]).
//
// Deadlines on conns are times on the wall clock, as in package net.
//
// # Time
//
// [TestTime] is for a clock that advances by itself: the real clock, or a
// virtual one that jumps forward when everything waits on it. It cannot
// drive a clock that only moves when told to (such as a mock clock); test
// those by hand. Durations are a few milliseconds, measured on the clock
// under test, so the suite takes well under a second of real time. It checks:
//
//   - Now, Since and Until agree with each other and Now does not go back.
//   - Sleep(d) returns after at least d; Sleep(0) and Sleep(-d) return;
//     goroutines sleeping 30, 10 and 20 ms wake in the order 10, 20, 30.
//   - After and Tick deliver a time no earlier than the call plus d; Tick
//     returns nil for d <= 0.
//   - Timer: Stop and Reset return what they return on a [*time.Timer] in
//     Go 1.23 and later: true if the timer was active, including a timer
//     that expired but whose value was not yet received, false if it had
//     fired (its value received) or been stopped; and after either returns
//     no stale value is received from C.
//   - Ticker: it ticks at least twice, nothing is received after Stop, Reset
//     changes the period, and NewTicker and Reset panic for d <= 0.
//   - AfterFunc: f runs once; C returns nil; Stop before the timer fires
//     returns true and f never runs; Reset after f ran returns false and runs
//     f again.
//   - WithTimeout, WithDeadline: the context reports its deadline, ends with
//     [context.DeadlineExceeded] and the cancel function ends it with
//     [context.Canceled].
//
// # OS
//
// [TestOS] works in a fresh directory from t.TempDir, through absolute paths
// given to the implementation; an implementation backed by memory rather
// than the disk passes as long as it accepts those paths. It checks:
//
//   - Create, OpenFile, Write, Read, Stat, Rename, Remove, RemoveAll, Mkdir,
//     MkdirAll and Readdirnames behave as in package os.
//   - A missing file makes Open, Stat, Remove and Rename fail with a
//     [*fs.PathError] (or [*os.LinkError] for Rename) for which
//     errors.Is(err, [fs.ErrNotExist]) holds; Mkdir of an existing
//     directory fails with [fs.ErrExist].
//   - FS: the files it wrote pass [testing/fstest.TestFS] through
//     [github.com/spf13/afero.NewIOFS].
//   - Env: Setenv, Getenv, LookupEnv, Environ and Unsetenv agree on a key
//     unique to the run, which is removed again afterwards.
//   - Hostname returns a non-empty name.
//
// The environment belongs to the whole process, so TestOS must be called
// from a test that does not call t.Parallel and has no parallel ancestor:
// like t.Setenv, which it calls, it panics otherwise.
//
// # DNS
//
// [TestDNS] needs no network: it resolves names from /etc/hosts and the
// services database, and names that cannot exist. Every lookup runs under a
// context with a five-second timeout. It checks:
//
//   - LookupHost, LookupIP, LookupNetIP: "localhost" resolves to a loopback
//     address.
//   - LookupAddr: 127.0.0.1 has a name.
//   - LookupPort: "http" over "tcp" is port 80; an unknown service fails
//     with a [*net.DNSError].
//   - NotFound: every Lookup of a name that does not exist fails with a
//     [*net.DNSError] whose IsNotFound is true.
//   - Context: a lookup under a context that has expired fails with a
//     [*net.DNSError] whose IsTimeout is true and for which errors.Is(err,
//     [context.DeadlineExceeded]) holds; under a cancelled one, with a
//     [*net.DNSError] for which errors.Is(err, [context.Canceled]) holds.
package ifacetest
