package simdisk

import (
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/afero"
	"github.com/spf13/afero/mem"
)

// The afero.Fs methods: each copies the os function of its name.

// Name returns "simdisk".
func (d *Disk) Name() string { return "simdisk" }

// Create copies os.Create.
func (d *Disk) Create(name string) (afero.File, error) {
	return d.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open copies os.Open.
func (d *Disk) Open(name string) (afero.File, error) {
	return d.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile copies os.OpenFile. Creating a file is an entry change in its
// directory.
func (d *Disk) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	d.delay(OpOpen)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.faultLocked(OpOpen, p); err != nil {
		return nil, pathErr("open", name, err)
	}
	writable := flag&(os.O_WRONLY|os.O_RDWR) != 0
	n, err := d.lookupLocked(p)
	switch {
	case err == syscall.ENOENT && flag&os.O_CREATE != 0:
		dir, base, err := d.parentLocked(p)
		if err != nil {
			return nil, pathErr("open", name, err)
		}
		// MemMapFs's Create makes no error on the way, as its OpenFile does.
		mf, err := d.mem.Create(p)
		if err != nil {
			return nil, pathErr("open", name, err)
		}
		h := mf.(*mem.File)
		mem.SetMode(h.Data(), perm&fs.ModePerm)
		n = newFile(h.Data())
		d.touch(n)
		dir.children[base] = n
		d.logLocked(entryOp{what: "create", path: p, a: change{dir, base, n}})
		if writable {
			return &File{d: d, gen: d.gen, ino: n, h: *h, name: name, path: p, flag: flag}, nil
		}
	case err != nil:
		return nil, pathErr("open", name, err)
	case flag&(os.O_CREATE|os.O_EXCL) == os.O_CREATE|os.O_EXCL:
		return nil, pathErr("open", name, syscall.EEXIST)
	case n.dir && writable:
		return nil, pathErr("open", name, syscall.EISDIR)
	}
	f := &File{d: d, gen: d.gen, ino: n, name: name, path: p, flag: flag}
	if writable {
		f.h = *mem.NewFileHandle(n.live)
	} else {
		f.h = *mem.NewReadOnlyFileHandle(n.live)
	}
	h := &f.h
	if flag&os.O_TRUNC != 0 && writable && !n.dir && n.size > 0 {
		n.truncateLocked(0)
		if err := h.Truncate(0); err != nil {
			return nil, pathErr("open", name, err)
		}
		d.used -= n.size
		n.truncatedLocked(0)
		d.touch(n)
	}
	return f, nil
}

// Mkdir copies os.Mkdir; it is an entry change in the parent directory.
func (d *Disk) Mkdir(name string, perm os.FileMode) error {
	d.delay(OpDir)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mkdirLocked(name, p, perm)
}

func (d *Disk) mkdirLocked(name, p string, perm os.FileMode) error {
	if err := d.faultLocked(OpDir, p); err != nil {
		return pathErr("mkdir", name, err)
	}
	if p == "/" {
		return pathErr("mkdir", name, syscall.EEXIST)
	}
	dir, base, err := d.parentLocked(p)
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	if dir.children[base] != nil {
		return pathErr("mkdir", name, syscall.EEXIST)
	}
	if err := d.mem.Mkdir(p, perm); err != nil {
		return pathErr("mkdir", name, err)
	}
	n := newDir(d.liveData(p))
	d.touch(n)
	dir.children[base] = n
	d.logLocked(entryOp{what: "mkdir", path: p, a: change{dir, base, n}})
	return nil
}

// MkdirAll copies os.MkdirAll; each directory it makes is an entry change.
func (d *Disk) MkdirAll(name string, perm os.FileMode) error {
	d.delay(OpDir)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.root
	for i := 1; i < len(p); {
		j := strings.IndexByte(p[i:], '/')
		if j < 0 {
			j = len(p) - i
		}
		sub, base := p[:i+j], p[i:i+j]
		c := n.children[base]
		switch {
		case c == nil:
			if err := d.mkdirLocked(sub, sub, perm); err != nil {
				return err
			}
			c = n.children[base]
		case !c.dir:
			return pathErr("mkdir", sub, syscall.ENOTDIR)
		}
		n, i = c, i+j+1
	}
	return nil
}

// Remove copies os.Remove; it is an entry change in the parent directory.
func (d *Disk) Remove(name string) error {
	d.delay(OpDir)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.faultLocked(OpDir, p); err != nil {
		return pathErr("remove", name, err)
	}
	if p == "/" {
		return pathErr("remove", name, syscall.EBUSY)
	}
	n, err := d.lookupLocked(p)
	if err != nil {
		return pathErr("remove", name, err)
	}
	if n.dir && len(n.children) > 0 {
		return pathErr("remove", name, syscall.ENOTEMPTY)
	}
	return d.removeLocked(name, p, n)
}

func (d *Disk) removeLocked(name, p string, n *inode) error {
	dir, base, _ := d.parentLocked(p)
	if err := d.removeLive(p, n); err != nil {
		return pathErr("remove", name, err)
	}
	delete(dir.children, base)
	d.unlinkLocked(n)
	d.logLocked(entryOp{what: "remove", path: p, a: change{dir, base, nil}})
	return nil
}

// RemoveAll copies os.RemoveAll. Removing a tree is one entry change, in
// the parent directory of its top.
func (d *Disk) RemoveAll(name string) error {
	d.delay(OpDir)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.faultLocked(OpDir, p); err != nil {
		return pathErr("unlinkat", name, err)
	}
	if p == "/" {
		return pathErr("unlinkat", name, syscall.EBUSY)
	}
	n, err := d.lookupLocked(p)
	if err == syscall.ENOENT {
		return nil
	}
	if err != nil {
		return pathErr("unlinkat", name, err)
	}
	return d.removeLocked(name, p, n)
}

// Rename copies os.Rename: it fails with an *os.LinkError, replaces a file,
// refuses an existing directory as the new name with EEXIST (as os.Rename
// does, before asking the kernel), and is one atomic entry change in both
// directories (syncing either makes it durable).
func (d *Disk) Rename(oldname, newname string) error {
	d.delay(OpDir)
	from, to := clean(oldname), clean(newname)
	d.mu.Lock()
	defer d.mu.Unlock()
	fail := func(err error) error { return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err} }
	if err := d.faultLocked(OpDir, from); err != nil {
		return fail(err)
	}
	if from == "/" || to == "/" {
		return fail(syscall.EBUSY)
	}
	// os.Rename refuses an existing directory as the new name before it
	// asks the kernel, unless it is the same file under another spelling;
	// then the errors come in the kernel's order: the parents' first.
	n, oerr := d.lookupLocked(from)
	if target, _ := d.lookupLocked(to); target != nil && target.dir {
		if oerr != nil {
			return fail(oerr)
		}
		if oldname == newname || target != n {
			return fail(syscall.EEXIST)
		}
	}
	odir, obase, err := d.parentLocked(from)
	if err != nil {
		return fail(err)
	}
	ndir, nbase, err := d.parentLocked(to)
	if err != nil {
		return fail(err)
	}
	if n = odir.children[obase]; n == nil {
		return fail(syscall.ENOENT)
	}
	if from == to {
		return nil
	}
	if n.dir && strings.HasPrefix(to, from+"/") {
		return fail(syscall.EINVAL)
	}
	if old := ndir.children[nbase]; old != nil { // a file: directories were refused above
		if n.dir {
			return fail(syscall.ENOTDIR)
		}
		if err := d.removeLive(to, old); err != nil {
			return fail(err)
		}
		d.unlinkLocked(old)
	}
	if err := d.mem.Rename(from, to); err != nil {
		return fail(err)
	}
	delete(odir.children, obase)
	ndir.children[nbase] = n
	d.logLocked(entryOp{what: "rename", path: from, to: to, a: change{odir, obase, nil}, b: change{ndir, nbase, n}})
	return nil
}

// Stat copies os.Stat.
func (d *Disk) Stat(name string) (os.FileInfo, error) {
	d.delay(OpStat)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.faultLocked(OpStat, p); err != nil {
		return nil, pathErr("stat", name, err)
	}
	n, err := d.lookupLocked(p)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return mem.GetFileInfo(n.live), nil
}

// LstatIfPossible is Stat: the disk has no symbolic links.
func (d *Disk) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	fi, err := d.Stat(name)
	return fi, false, err
}

// meta runs a Chmod, Chown or Chtimes on the live view. Modes, owners and
// times are not modelled: a crash keeps them as they were.
func (d *Disk) meta(op, name string, call func(p string) error) error {
	d.delay(OpMeta)
	p := clean(name)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.faultLocked(OpMeta, p); err != nil {
		return pathErr(op, name, err)
	}
	if _, err := d.lookupLocked(p); err != nil {
		return pathErr(op, name, err)
	}
	if err := call(p); err != nil {
		return pathErr(op, name, err)
	}
	return nil
}

// Chmod copies os.Chmod.
func (d *Disk) Chmod(name string, mode os.FileMode) error {
	return d.meta("chmod", name, func(p string) error { return d.mem.Chmod(p, mode) })
}

// Chown copies os.Chown.
func (d *Disk) Chown(name string, uid, gid int) error {
	return d.meta("chown", name, func(p string) error { return d.mem.Chown(p, uid, gid) })
}

// Chtimes copies os.Chtimes.
func (d *Disk) Chtimes(name string, atime, mtime time.Time) error {
	return d.meta("chtimes", name, func(p string) error { return d.mem.Chtimes(p, atime, mtime) })
}
