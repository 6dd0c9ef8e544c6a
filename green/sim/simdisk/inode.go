package simdisk

import (
	"cmp"
	"io/fs"
	"slices"

	"github.com/spf13/afero/mem"
)

// An inode is the bookkeeping beside one file or directory of the live view
// (the MemMapFs). Its fields are guarded by the Disk's mu.
//
// The live view holds what the running host sees; an inode holds what is
// durable: a file's data as of its last Sync, a directory's entries as of
// the last commit of the entry log (see entryOp). Renames move inodes, so a
// file keeps its durable data under a new name.
//
// A file's durable data is not a copy: it is the live data, cut at the
// durable size, except where the host changed bytes below that size since
// the last Sync; those bytes' durable values are saved (an undo log) just
// before the live view changes them. So appending and syncing, the common
// case, copy nothing and Sync is O(1); only an overwrite or a truncate of
// durable bytes pays, once per byte per Sync.
type inode struct {
	dir  bool
	live *mem.FileData // the MemMapFs entry: its data, mode and times
	rd   mem.File      // a read-only handle on live, to read its bytes

	// Files.
	size     int64   // live size, kept here to account capacity and offsets
	dsize    int64   // durable size: the live size at the last Sync
	undo     []saved // durable values of the bytes of [0, dsize) changed since, sorted, disjoint
	changed  bool    // the data changed since the last Sync
	last     span    // the last write since the last Sync, the one a crash may tear
	unlinked bool    // no longer in the live tree: its size does not count toward capacity

	// Directories.
	children map[string]*inode // live entries
	entries  map[string]*inode // durable entries
	lastOp   uint64            // 1 + sequence number of the last entry change in this directory; 0 if none
}

// span is a byte range [off, off+n) of a file.
type span struct{ off, n int64 }

// saved holds the durable bytes of a file at off.
type saved struct {
	off int64
	old []byte
}

func (s *saved) end() int64 { return s.off + int64(len(s.old)) }

func newFile(live *mem.FileData) *inode {
	return &inode{live: live, rd: *mem.NewReadOnlyFileHandle(live)}
}

func newDir(live *mem.FileData) *inode {
	return &inode{dir: true, live: live, children: map[string]*inode{}, entries: map[string]*inode{}}
}

// dirty reports whether the file has data that is not durable.
func (n *inode) dirty() bool { return n.changed }

// preserveLocked saves the durable values of the bytes of [lo, hi) that are
// not saved yet; call it before the live view changes them. Live bytes
// below min(dsize, size) are durable unless saved; those between a smaller
// live size and dsize were saved when a truncate cut them.
func (n *inode) preserveLocked(lo, hi int64) {
	hi = min(hi, n.dsize, n.size)
	if lo >= hi {
		return
	}
	i, _ := slices.BinarySearchFunc(n.undo, lo, func(s saved, lo int64) int { return cmp.Compare(s.end(), lo+1) })
	var add []saved
	for pos := lo; pos < hi; {
		if i < len(n.undo) && n.undo[i].off <= pos {
			pos = n.undo[i].end()
			i++
			continue
		}
		end := hi
		if i < len(n.undo) {
			end = min(end, n.undo[i].off)
		}
		old := make([]byte, end-pos)
		n.rd.ReadAt(old, pos) //nolint:errcheck // within the live size
		add = append(add, saved{pos, old})
		pos = end
	}
	if len(add) > 0 {
		n.undo = append(n.undo, add...)
		slices.SortFunc(n.undo, func(a, b saved) int { return cmp.Compare(a.off, b.off) })
	}
}

// writeLocked is called before a write of b bytes at off.
func (n *inode) writeLocked(off, b int64) { n.preserveLocked(off, off+b) }

// wroteLocked records a write of b bytes at off, after it, and updates the
// size.
func (n *inode) wroteLocked(off, b int64) {
	n.size = max(n.size, off+b)
	n.last = span{off, b}
	n.changed = true
}

// truncateLocked is called before a change of size.
func (n *inode) truncateLocked(size int64) { n.preserveLocked(size, n.size) }

// truncatedLocked records a change of size, after it; a truncate is not a
// write, so a crash tears no earlier write across it.
func (n *inode) truncatedLocked(size int64) {
	n.size = size
	n.last = span{}
	n.changed = true
}

// syncLocked makes the file's live data durable: the durable size becomes
// the live one, and no byte differs from its durable value any more.
func (n *inode) syncLocked() {
	n.dsize, n.undo, n.changed, n.last = n.size, nil, false, span{}
}

// durableLocked returns a copy of the file's durable data.
func (n *inode) durableLocked() []byte {
	data := make([]byte, n.dsize)
	n.rd.ReadAt(data[:min(n.dsize, n.size)], 0) //nolint:errcheck // within the live size
	for _, s := range n.undo {
		copy(data[s.off:], s.old)
	}
	return data
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
