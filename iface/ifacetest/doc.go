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
// The suite's deadlines on conns are times on the clock the conn's Now
// method reads, for a conn that has one (a simulated world's, whose
// deadlines are in world time), else on the wall clock, as in package net.
// nettest.TestConn sets its own on the wall clock: a simulated world passes
// it when its clock starts at the wall clock's time.
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
//     goroutines sleeping 30, 10 and 20 ms wake in the order 10, 20, 30
//     (in one of five attempts: Go does not promise that a goroutine whose
//     sleep ended first runs first, and on a loaded machine it may not).
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
// # Processes
//
// [TestProcs] tests the processes of an OS ([iface.ProcsOf]) by running a
// helper program ([Helper]) under the command line it is given: for real
// processes, [HelperCommand], the test binary itself, whose TestMain calls
// [RunHelper] first; for a simulated world, a command the world runs by
// calling Helper. Every wait is bounded by five seconds of real time (twenty
// for the 8 MiB copies of HugeOutput). It needs an OS whose files the
// commands see (it runs a file it wrote through the OS). It checks:
//
//   - Run, Output, CombinedOutput: exit status 0, the output byte for byte,
//     standard output and error in the order written; Pid is 0 before Start
//     and positive after; ExitCode is -1 until Wait returns.
//   - ExitStatus: a command that exits 3 fails with an [iface.ExitError]
//     whose ExitCode is 3 and Exited true; where it is an [*exec.ExitError],
//     Output has kept standard error in its Stderr.
//   - Stdin, Writers: a reader and writers that are not files are copied to
//     and from the command, and Wait waits for the copies.
//   - Pipes: StdinPipe and StdoutPipe stream: each line written to the
//     command comes back before the next is written; closing standard input
//     ends it.
//   - Env, Dir: a command inherits the environment (as set through the OS)
//     unless SetEnv replaces it, and runs in the directory of SetDir.
//   - Kill, Signal: a command killed, or ended by os.Interrupt, fails Wait
//     with an ExitError whose Exited is false and ExitCode -1; Kill and
//     Signal after Wait fail with [os.ErrProcessDone].
//   - Context: a context done while the command runs kills it; Start under
//     a cancelled context fails with [context.Canceled].
//   - Cancel, WaitDelay: the cancel function runs once when the context is
//     done, and never for a command that has exited; a cancel function that
//     does not stop the command is followed by a kill after the WaitDelay.
//   - NotFound: Start, Run and Output of a program not in the PATH fail with
//     an [*exec.Error] for which errors.Is(err, [exec.ErrNotFound]) holds,
//     and LookPath likewise; NotExecutable: a file without execute
//     permission fails with [fs.ErrPermission].
//   - HugeOutput: 8 MiB of output arrive whole, and 8 MiB through cat (in
//     and out at once) too.
//   - ClosedPipes: a command that closes its output early gives EOF at once
//     while it runs; one that closes its input makes writes fail with
//     syscall.EPIPE.
//   - Misuse: Wait before Start or twice, Start twice, pipes after Start or
//     over a set stream, Output over a set Stdout fail with an error.
//   - Concurrent: ten commands run at once from ten goroutines.
//
// Like TestOS it changes the environment, so it must not be called from a
// parallel test.
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
