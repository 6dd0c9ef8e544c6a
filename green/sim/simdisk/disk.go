package simdisk

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/afero"
	"github.com/spf13/afero/mem"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.OS       = (*Disk)(nil)
	_ afero.Lstater  = (*Disk)(nil)
	_ afero.File     = (*File)(nil)
	_ fs.ReadDirFile = (*File)(nil)
)

// Options configure a [Disk]. The zero value is a disk with no faults, no
// latency, the host name "localhost" and an empty environment.
type Options struct {
	// Hostname is what Hostname returns; "" means "localhost".
	Hostname string
	// Env is the environment the host starts with, and starts with again
	// after each crash. It is copied.
	Env map[string]string
	// Rand is the seeded source of the faults drawn by chance (EIO rules
	// with a Rate) and of crashes given no source of their own. nil means a
	// source seeded with 0. The disk draws from it under its lock.
	Rand *rand.Rand
	// Wait is called with an operation's latency ([Faults].Latency) before
	// the operation takes effect, outside the disk's lock; a world makes it
	// park the caller on world time. nil means no latency.
	Wait func(d time.Duration)
	// Now gives the modification times of files and directories the disk
	// makes or changes; a world passes its clock so that runs repeat bit for
	// bit. nil leaves MemMapFs's wall-clock times.
	Now func() time.Time
	// Faults is the fault plan the disk starts with; see [Disk.SetFaults].
	Faults Faults
	// SectorSize is the granularity of torn writes; 0 means 512.
	SectorSize int
}

// Disk is a host's disk: an [iface.OS] whose file system keeps the live
// view in an [afero.MemMapFs] and tracks what is durable beside it. See the
// package documentation for the durability model. A Disk is safe for
// concurrent use. Make one with [New].
type Disk struct {
	hostname string
	initEnv  map[string]string
	wait     func(time.Duration)
	now      func() time.Time
	sector   int64
	latency  [numOps]atomic.Int64 // from faults.Latency, read without the lock

	mu     sync.Mutex // guards the fields below, every inode and the log
	gen    uint64     // incremented by each crash; handles from an older one fail
	mem    afero.Fs   // the live view
	root   *inode
	log    []entryOp // entry changes not yet durable, oldest first
	logSeq uint64    // sequence number of log[0]
	used   int64     // sum of the sizes of the linked files
	faults Faults
	rng    *rand.Rand
	env    map[string]string
}

// New returns an empty disk (only the root directory, durable), or an error
// naming what is wrong with opts.
func New(opts Options) (*Disk, error) {
	if err := opts.Faults.Validate(); err != nil {
		return nil, err
	}
	if opts.SectorSize < 0 {
		return nil, fmt.Errorf("simdisk: Options.SectorSize %d is negative", opts.SectorSize)
	}
	d := &Disk{
		hostname: opts.Hostname,
		wait:     opts.Wait,
		now:      opts.Now,
		sector:   int64(opts.SectorSize),
		rng:      opts.Rand,
	}
	if d.hostname == "" {
		d.hostname = "localhost"
	}
	if d.sector == 0 {
		d.sector = 512
	}
	if d.rng == nil {
		d.rng = rand.New(rand.NewPCG(0, 0))
	}
	d.initEnv = make(map[string]string, len(opts.Env))
	for k, v := range opts.Env {
		d.initEnv[k] = v
	}
	d.resetEnvLocked()
	d.setFaultsLocked(opts.Faults)
	d.mem = afero.NewMemMapFs()
	d.root = newDir(d.liveData("/"))
	return d, nil
}

// SetFaults replaces the fault plan, or returns an error naming what is
// wrong with f and keeps the old one.
func (d *Disk) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setFaultsLocked(f)
	return nil
}

// Faults returns the current fault plan.
func (d *Disk) Faults() Faults {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.faults
	f.EIO = slices.Clone(f.EIO)
	f.Latency = maps.Clone(f.Latency)
	return f
}

func (d *Disk) setFaultsLocked(f Faults) {
	f.EIO = append([]Rule(nil), f.EIO...)
	lat := make(map[Op]time.Duration, len(f.Latency))
	for i := range d.latency {
		d.latency[i].Store(0)
	}
	for op, v := range f.Latency {
		lat[op] = v
		d.latency[op.index()].Store(int64(v))
	}
	f.Latency = lat
	d.faults = f
}

// Used returns the bytes the linked files hold, as Capacity counts them.
func (d *Disk) Used() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.used
}

// touch sets n's modification time from Options.Now, if there is one
// (MemMapFs has just set it from the wall clock).
func (d *Disk) touch(n *inode) {
	if d.now != nil {
		mem.SetModTime(n.live, d.now())
	}
}

// delay waits for op's latency, if there is one and a Wait.
func (d *Disk) delay(op Op) {
	if d.wait == nil {
		return
	}
	if l := d.latency[op.index()].Load(); l > 0 {
		d.wait(time.Duration(l))
	}
}

// faultLocked returns EIO if a rule fails op on the cleaned path p.
func (d *Disk) faultLocked(op Op, p string) error {
	for i := range d.faults.EIO {
		r := &d.faults.EIO[i]
		if r.matches(op, p) && (r.Rate == 0 || r.Rate == 1 || d.rng.Float64() < r.Rate) {
			return syscall.EIO
		}
	}
	return nil
}

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

// Rename copies os.Rename: it fails with an *os.LinkError, replaces a file
// or an empty directory, and is one atomic entry change in both
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
	n, err := d.lookupLocked(from)
	if err != nil {
		return fail(err)
	}
	if from == "/" || to == "/" {
		return fail(syscall.EBUSY)
	}
	odir, obase, _ := d.parentLocked(from)
	ndir, nbase, err := d.parentLocked(to)
	if err != nil {
		return fail(err)
	}
	if from == to {
		return nil
	}
	if n.dir && strings.HasPrefix(to, from+"/") {
		return fail(syscall.EINVAL)
	}
	if old := ndir.children[nbase]; old != nil {
		switch {
		case old.dir && !n.dir:
			return fail(syscall.EISDIR)
		case !old.dir && n.dir:
			return fail(syscall.ENOTDIR)
		case old.dir && len(old.children) > 0:
			return fail(syscall.ENOTEMPTY)
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
