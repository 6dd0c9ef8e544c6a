// Package iface defines the four I/O modules that greenshim can swap at run
// time: socket, time, os and dns.
//
// Each module is a small interface whose methods copy the behaviour of a named
// standard-library function, so that code written against the standard library
// keeps working when it is handed an implementation instead. Two families of
// implementations exist in this module: the blocking ones in package blocking,
// which call the standard library, and the cooperative ones in package green,
// which run on a hub of greenlets. Users may write their own; the conformance
// suites in package ifacetest say what "the same behaviour" means and every
// implementation in this module passes them.
//
// The current implementation of each module is kept in package registry, and
// package patch swaps them (patch.PatchAll).
//
// # Modules
//
//   - [Socket]: dialing and listening, returning the standard [net.Conn],
//     [net.Listener] and [net.PacketConn], so http.Transport.DialContext and
//     http.Server.Serve work unchanged.
//   - [Time]: the clock, sleeping, timers, tickers and context deadlines.
//     [Timer] and [Ticker] are interfaces because the standard types cannot be
//     implemented outside package time.
//   - [OS]: the file system as an [afero.Fs], plus the process environment and
//     host name ([Env]), and, as an optional ability, processes ([Procs]:
//     commands with arguments, environment, directory and pipes, waited
//     for and killed as package os/exec does). [ProcsOf] returns an OS's
//     processes, or falls back to commands that fail to start.
//   - [DNS]: name lookups, with the method set of [*net.Resolver].
//
// # Errors
//
// Implementations return the standard error types and sentinels, never new
// ones, so that errors.Is and errors.As code written for the standard library
// keeps working:
//
//   - Socket operations fail with [*net.OpError]. A closed listener or conn
//     reports an error for which errors.Is(err, [net.ErrClosed]) holds; a
//     passed deadline one for which errors.Is(err, [os.ErrDeadlineExceeded])
//     holds and whose Timeout method reports true.
//   - File operations fail with [*fs.PathError] (or [*os.LinkError],
//     [*os.SyscallError] where the os package uses them); a missing file
//     satisfies errors.Is(err, [fs.ErrNotExist]).
//   - Commands fail as package os/exec's do: a program not found in the
//     PATH with an [*exec.Error] for which errors.Is(err, [exec.ErrNotFound])
//     holds; a file that may not be executed with an [*exec.Error] or a
//     [*fs.PathError] for which errors.Is(err, [fs.ErrPermission]) holds; a
//     command that ran and did not exit 0 (or was killed) with an
//     [ExitError], found with errors.As, which is an [*exec.ExitError]
//     wherever the process is real; writing to a pipe whose reader has gone
//     with an error for which errors.Is(err, syscall.EPIPE) holds.
//   - Lookups fail with [*net.DNSError]: IsNotFound for a name that does not
//     exist, IsTimeout for a lookup that ran out of time.
//   - Calls that take a context return the context's error, wrapped in the
//     types above where the standard library does, when it is cancelled.
package iface
