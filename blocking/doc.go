// Package blocking implements the four modules of package iface on top of the
// standard library: every call blocks its goroutine as the function it copies
// does. These are the implementations installed when nothing is patched.
//
// Each type is a struct of optional fields whose zero value is ready to use
// and calls the standard library directly:
//
//   - [Socket]: net.Dial, net.Listen and friends, through a [net.Dialer] and
//     a [net.ListenConfig] when set.
//   - [Time]: package time and context.WithTimeout/WithDeadline, or a
//     [clock.Clock] when set, such as a [*clock.Mock] for tests that move
//     time by hand.
//   - [OS]: the file system of package os (afero.OsFs), or any [afero.Fs]
//     when set, and the environment and processes (os/exec) of package os.
//   - [DNS]: [net.DefaultResolver], or a [*net.Resolver] when set.
//
// The methods have value receivers, so both a value and a pointer of each
// type satisfy its interface, and a value may be copied freely. Each is safe
// for use by several goroutines at once if what it wraps is.
//
// # Errors
//
// Errors are those of the standard library (or of the afero.Fs or
// clock.Clock given), returned unchanged: [*net.OpError], [*fs.PathError],
// [*net.DNSError] and the sentinels they wrap, as package iface requires.
//
// # Time
//
// With a nil Clock, Time calls package time itself rather than going through
// clock.New(), so that a call costs no more than a method call on top of the
// standard function.
//
// With a Clock, timers and tickers keep the Go 1.23 guarantees of package
// iface even where [*clock.Mock] (v1.3.5) does not: its channels hold one
// buffered value, so a timer that has fired but not been received from would
// report false from Stop and deliver the stale value afterwards. Time's
// adapters stop the timer first and then discard any value left in the
// channel, counting a discarded value as the timer having been active, as the
// runtime does. See [Time] for what a mock clock does not do.
//
// # Testing
//
// Package ifacetest's suites pass against each type; the package's tests run
// them.
package blocking
