package simdisk

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/afero/mem"
)

// The live tree mirrors the MemMapFs, and the entry log says which of its
// changes are durable.

// clean returns name as an absolute, cleaned path: there is no working
// directory, so a relative name is taken from the root.
func clean(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return filepath.Clean(name)
}

// split returns the parent directory and base name of a cleaned path.
func split(p string) (string, string) {
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}

// lookupLocked walks the live tree to the cleaned path p. It returns the
// inode, or nil and the error the os package would give: ENOENT, or
// ENOTDIR when a component on the way is a file.
func (d *Disk) lookupLocked(p string) (*inode, error) {
	n := d.root
	rest := p[1:]
	for rest != "" {
		var name string
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			name, rest = rest[:i], rest[i+1:]
		} else {
			name, rest = rest, ""
		}
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		if n = n.children[name]; n == nil {
			return nil, syscall.ENOENT
		}
	}
	return n, nil
}

// parentLocked returns the directory that holds the cleaned path p (not
// the root) and p's base name.
func (d *Disk) parentLocked(p string) (*inode, string, error) {
	dir, base := split(p)
	n, err := d.lookupLocked(dir)
	if err != nil {
		return nil, "", err
	}
	if !n.dir {
		return nil, "", syscall.ENOTDIR
	}
	return n, base, nil
}

// logLocked appends an entry change and notes it in the directories it
// touches.
func (d *Disk) logLocked(e entryOp) {
	seq := d.logSeq + uint64(len(d.log))
	e.a.dir.lastOp = seq + 1
	if e.b.dir != nil {
		e.b.dir.lastOp = seq + 1
	}
	d.log = append(d.log, e)
}

// commitLocked makes the entry changes up to and including dir's last one
// durable, with every change made before them (a journal commits in order).
func (d *Disk) commitLocked(dir *inode) {
	if dir.lastOp <= d.logSeq {
		return
	}
	k := int(dir.lastOp - d.logSeq)
	for i := range d.log[:k] {
		d.log[i].apply()
	}
	// Keep the array: move the rest down, drop the references after it.
	rest := copy(d.log, d.log[k:])
	clear(d.log[rest:])
	d.log = d.log[:rest]
	d.logSeq += uint64(k)
}

// unlinkLocked takes n and everything below it out of the capacity count.
func (d *Disk) unlinkLocked(n *inode) {
	if n.dir {
		for _, c := range n.children {
			d.unlinkLocked(c)
		}
		return
	}
	n.unlinked = true
	d.used -= n.size
}

// liveData returns the MemMapFs entry of the cleaned path p, which exists.
func (d *Disk) liveData(p string) *mem.FileData {
	f, err := d.mem.Open(p)
	if err != nil {
		panic("simdisk: the live view lost " + p + ": " + err.Error())
	}
	return f.(*mem.File).Data()
}

// pathErr returns a *fs.PathError for name; an error of the live view
// (itself a *fs.PathError naming the cleaned path) gives its cause.
func pathErr(op, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// removeLive removes the cleaned path p from the live view. MemMapFs's
// RemoveAll scans every entry, so it is kept for directories with entries.
func (d *Disk) removeLive(p string, n *inode) error {
	if n.dir && len(n.children) > 0 {
		return d.mem.RemoveAll(p)
	}
	return d.mem.Remove(p)
}
