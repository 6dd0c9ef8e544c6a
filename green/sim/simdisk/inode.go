package simdisk

import (
	"io/fs"

	"github.com/spf13/afero/mem"
)

// An inode is the bookkeeping beside one file or directory of the live view
// (the MemMapFs). Its fields are guarded by the Disk's mu.
//
// The live view holds what the running host sees; an inode holds what is
// durable: a file's data as of its last Sync, a directory's entries as of
// the last commit of the entry log (see entryOp). Renames move inodes, so a
// file keeps its durable data under a new name.
type inode struct {
	dir  bool
	live *mem.FileData // the MemMapFs entry: its data, mode and times
	rd   mem.File      // a read-only handle on live, to copy data at Sync

	// Files.
	size     int64  // live size, kept here to account capacity and offsets
	durable  []byte // data made durable by the last Sync
	lo, hi   int64  // extent of the live data changed since the last Sync; clean when lo >= hi
	last     span   // the last unsynced write, the one a crash may tear
	unlinked bool   // no longer in the live tree: its size does not count toward capacity

	// Directories.
	children map[string]*inode // live entries
	entries  map[string]*inode // durable entries
	lastOp   uint64            // 1 + sequence number of the last entry change in this directory; 0 if none
}

// span is a byte range [off, off+n) of a file.
type span struct{ off, n int64 }

func newFile(live *mem.FileData) *inode {
	return &inode{live: live, rd: *mem.NewReadOnlyFileHandle(live)}
}

func newDir(live *mem.FileData) *inode {
	return &inode{dir: true, live: live, children: map[string]*inode{}, entries: map[string]*inode{}}
}

// dirty reports whether the file has data that is not durable.
func (n *inode) dirty() bool { return n.lo < n.hi || int64(len(n.durable)) != n.size }

// markLocked records that the live bytes [lo, hi) changed.
func (n *inode) markLocked(lo, hi int64) {
	if n.lo >= n.hi {
		n.lo, n.hi = lo, hi
		return
	}
	n.lo, n.hi = min(n.lo, lo), max(n.hi, hi)
}

// wroteLocked records a write of b bytes at off on a file of live size
// n.size, and updates the size. The zeros a write past the end leaves are
// part of what changed.
func (n *inode) wroteLocked(off, b int64) {
	n.markLocked(min(off, n.size), off+b)
	n.size = max(n.size, off+b)
	n.last = span{off, b}
}

// truncatedLocked records a change of size; a truncate is not a write, so a
// crash tears no earlier write across it.
func (n *inode) truncatedLocked(size int64) {
	n.markLocked(min(size, n.size), max(size, n.size))
	n.size = size
	n.last = span{}
}

// syncLocked makes the file's live data durable: it copies the changed
// extent, which covers every byte whose live content may differ from the
// durable one (each change widened it), and nothing else.
func (n *inode) syncLocked() {
	if !n.dirty() {
		return
	}
	if int64(cap(n.durable)) >= n.size {
		n.durable = n.durable[:n.size]
	} else {
		n.durable = append(n.durable[:cap(n.durable)], make([]byte, n.size-int64(cap(n.durable)))...)
	}
	if hi := min(n.hi, n.size); n.lo < hi {
		n.rd.ReadAt(n.durable[n.lo:hi], n.lo) //nolint:errcheck // reads exactly the live bytes
	}
	n.lo, n.hi, n.last = 0, 0, span{}
}

// mode returns the live mode, which a crash keeps (modes are not modelled).
func (n *inode) mode() fs.FileMode { return mem.GetFileInfo(n.live).Mode() }

// entryOp is one entry change, in the order the host made it: creating a
// file or directory, removing an entry, renaming (two changes, atomic).
// Syncing a directory commits the log up to the last change in that
// directory, so the durable namespace is always the live one as it was
// after some prefix of the changes, never a mixture.
type entryOp struct {
	what     string // "create", "mkdir", "remove", "rename"
	path, to string // as cleaned; to only for rename
	a, b     change // b.dir is nil unless the op is a rename
}

// change sets dir's durable entry name to ino, or removes it if ino is nil.
type change struct {
	dir  *inode
	name string
	ino  *inode
}

func (c *change) apply() {
	if c.dir == nil {
		return
	}
	if c.ino == nil {
		delete(c.dir.entries, c.name)
	} else {
		c.dir.entries[c.name] = c.ino
	}
}

func (e *entryOp) apply() { e.a.apply(); e.b.apply() }

func (e *entryOp) String() string {
	if e.what == "rename" {
		return "rename " + e.path + " -> " + e.to
	}
	return e.what + " " + e.path
}
