// # Disks
//
// Each host has a disk, a [simdisk.Disk] made on first use (or as
// [Host.SetDisk] says), whose durability model and faults are package
// simdisk's. [Host.OS] is the host's iface.OS on it: its latencies are
// waits on world time (a greenlet parks, a goroutine blocks durably), its
// modification times are read on the host's clock, its chances are drawn
// from a source seeded by the world's seed and the host's name, and its
// host name and environment (HOSTNAME=name) are the host's own.
//
// # Crashes
//
// [Host.Start] boots a host with a main function; [Host.Crash] is a power
// failure; [Host.Restart] runs main again on what the disk kept. Each run
// of main is a life. At a crash, in this order and atomically for the
// greenlets of the world's hub:
//
//  1. The life ends: main's context is cancelled with cause [ErrCrashed],
//     [Host.Wait] returns ErrCrashed, and the life is fenced off: from
//     its greenlets (into any host), and from anyone into this host until
//     Restart, every file system call of the os module fails with EIO,
//     every Dial, Listen and ListenPacket with ENETDOWN, and Host.Go
//     starts a greenlet that only returns an error. (DNS lookups and the
//     time module are not fenced: they change nothing.)
//  2. The host's conns are closed (its own calls on them fail with
//     net.ErrClosed) and each peer is sent a reset, which it sees as
//     ECONNRESET once it arrives over the link; its listeners and UDP
//     sockets are closed, so dials to it are refused; its processes are
//     killed (see # Processes).
//  3. Its disk crashes (simdisk's Crash): what was not durable is lost,
//     every file opened before fails with EIO from then on, and the
//     environment starts again.
//  4. Every greenlet of the life (main, what it spawned, what Host.Go
//     spawned on the host while it was up; in a world of goroutines,
//     those Host.Go started on green's default hub) is killed at its wait
//     point, the caller last if it is one of them.
//
// What a user can rely on: a crash loses exactly what simdisk's model
// says and nothing a crashed life does afterwards reaches the disk or the
// network. What Go cannot give is a power failure's silence: killed
// greenlets unwind and run their deferred calls (leaking them is not an
// option), so deferred code runs, but its calls into the host's modules
// fail, and whatever it does to memory shared with other hosts or the
// test is its own business. Restart's main starts afresh; state kept in
// Go variables across lives survives, as it would not on a machine.
//
// With goroutines (a world of goroutines, in a synctest bubble or not)
// steps 1 to 3 are the same, but the world cannot stop goroutines: main
// must return once its context is done, and so must what it started. The
// fence in step 1 holds for the host's modules while it is down; once it
// is restarted, a goroutine of the old life that kept going is not told
// apart from the new one, except that its conns and files from before
// the crash still fail. A call that is in progress in another goroutine at
// the moment of the crash may take effect before or after it, as the
// race it is.
//
// # Processes
//
// A host runs programs that a test registers on it:
// [Host.HandleCommand](name, fn) makes a command of that name (a bare name
// or a path, exactly) run fn, a [CommandFunc] given a [Proc]: the command
// line, environment (the command's, or the host's), working directory,
// standard streams and the host. The host's os module ([Host.OS],
// [World.OS]) is an iface.Procs whose commands copy os/exec's: Start,
// Wait, Run, Output, CombinedOutput, the pipes, Kill and Signal, a
// context's cancel function and WaitDelay, and os/exec's errors (an
// *exec.Error wrapping exec.ErrNotFound for a bare name no handler has, an
// *fs.PathError for a path, ENOENT or EACCES as the host's disk says, and
// "exec: already started" and the rest for misuse). A status other than 0
// is an [*ExitError], an iface.ExitError.
//
// The handler runs as a greenlet on the host in a world of greenlets (its
// waits park it; a run of greenlets stays deterministic) and as a goroutine
// in a world of goroutines. Its duration is its waits on world time:
// [Proc.Sleep], the pipes (64 KiB each, waits that block on world time),
// the host's modules. A Reader or Writer that is not a pipe is handed to
// the handler itself, without a copy: the order of its writes is the
// order of the output. Kill, any signal, a done context (after the cancel
// function and WaitDelay), a crash of the host and the world's Close end
// a process at once: Wait reports "signal: killed" (ExitCode -1, Exited
// false), the handler's context is done, its Sleep returns an error and
// its streams fail, so that it returns; what it returns then is ignored. A
// crashed host starts no command until it restarts (Start fails with EIO),
// as the rest of its os module.
//
// # Clocks
//
// [Host.SetClock] gives a host a clock offset and drift: [Host.Now] and
// the host's Time module's Now, Since and Until read the world's time
// skewed by them, so code that compares timestamps across hosts (leases,
// last-writer-wins) can be tested. Timers, sleeps and timeouts last their
// duration in world time and fire in the world's order of events; conn
// deadlines are times on the world's clock.
//
// # Fault points
//
// [Buggify] is FoundationDB's BUGGIFY (package buggify): false outside a
// simulation, and in one, true for a seeded subset of names, each firing
// with a seeded probability. [World.BuggifyReport] (and [World.Report])
// lists which points were enabled and how often each fired.
//
// # Fault plans
//
// A [Plan] states a test's faults as data in one place: link rates, disk
// faults, clocks, fault-point rates, partitions over time and a crash
// schedule. [World.Apply] applies it; [Plan.String] prints it as a
// schedule, and [World.Report] prints it with the crashes and what they
// lost, for printing with a failing run. Crashes, restarts, fired fault
// points and clock changes are recorded in the world's trace (kinds
// "crash", "restart", "buggify", "clock", with the host), beside the
// network's, so the timeline picture shows them.
package sim
