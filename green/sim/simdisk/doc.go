// Package simdisk is a simulated host's disk: an [iface.OS] whose file
// system is an [afero.Fs] with a durability model, so that code can be
// crashed at any point and restarted on what a real disk would have kept.
//
// A [Disk] keeps the live view, what the running host reads and writes, in
// an [afero.MemMapFs], and beside it, per file and directory, what is
// durable. [Disk.Crash] throws the live view away and builds a new one from
// the durable image. Everything from outside is injected through [Options]:
// the seeded source of chance, the function that waits out latencies, the
// clock for modification times, the host name and environment. The package knows nothing of worlds, hubs or
// greenlets.
//
// # Durability
//
// The model is Linux ext4's without data=journal (data=ordered), taken at
// its guarantees, not its accidents:
//
//   - Data written and not yet synced lives in a page cache: every handle
//     on the running host reads it at once, and a crash loses it.
//   - [File.Sync] on a file makes that file's data and size durable, as
//     fsync(2) does. It makes no directory entry durable: a new file whose
//     data was synced still vanishes in a crash if its directory was not.
//     Closing a file makes nothing durable.
//   - Creating a file or directory, removing an entry (Remove, RemoveAll:
//     one change for the whole tree) and renaming are entry changes. An entry
//     change becomes durable when its directory is synced, for a rename
//     either of its two directories (see below for how).
//   - Entry changes are journaled in the order they were made: syncing a
//     directory also makes durable every entry change made before its last
//     one, in any directory, as ext4's journal commit does. So the durable
//     namespace is always the live namespace as it was at some moment, never
//     a mixture, and a rename is atomic: after a crash the file is under its
//     old name or its new one, not both and not neither.
//   - Modes, owners and times are not modelled: a crash keeps them as the
//     running host last set them.
//
// Through afero a directory is synced as on Linux, by opening it and
// syncing the handle:
//
//	d, err := disk.Open("/data")
//	if err != nil { ... }
//	err = d.Sync() // the entry changes in /data are durable when it returns nil
//	d.Close()
//
// # Crashes
//
// After [Disk.Crash] the disk holds exactly this, and nothing else:
//
//   - The namespace made durable by directory syncs (every directory's
//     entries as of its last sync, with the journal order above), plus, when
//     Faults.KeepEntries draws so, a prefix of the entry changes made since,
//     in order, as a journal that committed on its own. With KeepEntries 0
//     every change that was not durable is lost; a test that wants the worst
//     case sets nothing.
//   - In each file so reached, the data of its last Sync (empty if it was
//     never synced), plus, with probability Faults.TornWrite, a prefix of the
//     file's last write since that Sync, cut at a sector boundary
//     (Options.SectorSize, 512 by default) strictly inside the write; bytes
//     between the durable end and the torn write read as zeros. A write within one
//     sector is never torn: sectors are written whole. A Truncate since the
//     last write leaves nothing to tear.
//   - The environment, which starts again from Options.Env.
//
// Every [File] opened before the crash fails from then on, every method but
// Name, with an *fs.PathError wrapping syscall.EIO: the host that opened it
// is gone. The returned [CrashReport] lists what was lost.
//
// # Faults
//
// A fault plan ([Faults]) is data: a test sets it in Options or with
// [Disk.SetFaults] and prints it with a failing run. It holds
//
//   - Capacity: the bytes all files may hold; a write or Truncate beyond it
//     fails whole with ENOSPC.
//   - EIO rules: operations of the given kinds on the paths a pattern
//     selects fail with EIO, always or with a rate drawn from Options.Rand.
//     A failed write writes nothing; a failed Sync makes nothing durable and
//     leaves the data to a later Sync (unlike Linux, which may drop it).
//   - Latency per kind of operation, waited out through Options.Wait before
//     the operation takes effect (a world parks the caller on its time).
//   - TornWrite and KeepEntries, the chances a crash uses.
//
// # Errors
//
// As the iface error contract says: file operations fail with an
// [*fs.PathError] (Rename with an [*os.LinkError]) wrapping a syscall.Errno
// — ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, EBADF, EBUSY, ENOSPC
// and EIO — so errors.Is(err, fs.ErrNotExist) and errors.Is(err,
// syscall.ENOSPC) hold where they would on Linux. A closed File fails with
// os.ErrClosed. Paths are absolute: there is no working directory, and a
// relative name is taken from the root.
package simdisk
