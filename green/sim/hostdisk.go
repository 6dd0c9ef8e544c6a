package sim

import (
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"os"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green/sim/simdisk"
	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.OS      = (*hostOS)(nil)
	_ afero.Lstater = (*hostOS)(nil)
)

// Each host has a disk, a simdisk.Disk made on first use (see # Disks in
// the package doc): its waits (Faults.Latency) park the caller on world
// time, its clock is the host's (Host.Now), its chances come from a
// source seeded by the world's seed and the host's name (so one host's
// disk draws the same whatever the others do), its host name is the
// host's and its environment starts as HOSTNAME=<name>.

// SetDisk sets the options h's disk is made with, before its first use
// (Disk, OS, Start); the world fills in what is left zero: Wait, Now,
// Rand, Hostname, and Env (HOSTNAME). It fails if the disk exists
// already or the options are bad (simdisk.New's error).
func (h *Host) SetDisk(opts simdisk.Options) error {
	w := h.w
	w.mu.Lock()
	defer w.unlockRun()
	if h.x.disk != nil {
		return errorf("host %q: SetDisk after the disk's first use", h.name)
	}
	d, err := h.newDisk(opts)
	if err != nil {
		return err
	}
	h.x.disk = d
	return nil
}

// Disk returns h's disk, made on first use: the simdisk.Disk itself, to
// set faults on (Disk().SetFaults) or read what it holds from a test. Code
// that runs on the host uses OS, which a crash fences.
func (h *Host) Disk() *simdisk.Disk {
	w := h.w
	w.mu.Lock()
	defer w.unlockRun()
	return h.diskLocked()
}

func (h *Host) diskLocked() *simdisk.Disk {
	if h.x.disk == nil {
		d, err := h.newDisk(simdisk.Options{})
		if err != nil {
			panic("sim: " + err.Error()) // the zero options are good
		}
		h.x.disk = d
	}
	return h.x.disk
}

func (h *Host) newDisk(opts simdisk.Options) (*simdisk.Disk, error) {
	if opts.Wait == nil {
		opts.Wait = h.w.sleep
	}
	if opts.Now == nil {
		opts.Now = h.Now
	}
	if opts.Rand == nil {
		f := fnv.New64a()
		f.Write([]byte(h.name))
		opts.Rand = rand.New(rand.NewPCG(h.w.cfg.Seed, f.Sum64()))
	}
	if opts.Hostname == "" {
		opts.Hostname = h.name
	}
	if opts.Env == nil {
		opts.Env = map[string]string{"HOSTNAME": h.name}
	}
	return simdisk.New(opts)
}

// OS returns h's os module, an iface.OS on its disk. Every call fails
// with EIO (an *fs.PathError) while h is down (crashed, not restarted),
// and when it comes from a greenlet of a life of h that a crash ended
// (see # Crashes).
func (h *Host) OS() iface.OS { return &hostOS{h: h} }

// OS returns the world's dispatching os module: each call goes to the
// disk of the calling greenlet's host (see # Which host am I), or of the
// world's first host for a plain goroutine or a greenlet started
// elsewhere, as World.Socket. It is what package patch installs for a
// world. A File is its host's: it stays on that disk whoever calls it.
func (w *World) OS() iface.OS { return &hostOS{w: w} }

// sleep waits d of world time: the disk's Wait. A kill unwinds it.
func (w *World) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	w.enter()
	defer w.unlockRun()
	until := w.now() + int64(d)
	var l waitList
	for !w.closed && w.now() < until {
		if err := w.waitLocked(&l, until, "sim disk"); err != nil {
			return
		}
	}
}

// hostOS is a host's disk behind its life's fence; with h nil it
// dispatches to the caller's host in w.
type hostOS struct {
	h *Host
	w *World
}

func (o *hostOS) host() *Host {
	if o.h != nil {
		return o.h
	}
	if h := Current(); h != nil && h.w == o.w {
		return h
	}
	return o.w.defaultHost()
}

// disk returns the disk, or an EIO for op on name if the caller is fenced.
func (o *hostOS) disk(op, name string) (*simdisk.Disk, error) {
	h := o.host()
	w := h.w
	w.enter()
	defer w.unlockRun()
	if h.fencedLocked() {
		return nil, &fs.PathError{Op: op, Path: name, Err: syscall.EIO}
	}
	return h.diskLocked(), nil
}

func (o *hostOS) Name() string { return "sim" }

func (o *hostOS) Create(name string) (afero.File, error) {
	d, err := o.disk("open", name)
	if err != nil {
		return nil, err
	}
	return d.Create(name)
}

func (o *hostOS) Open(name string) (afero.File, error) {
	d, err := o.disk("open", name)
	if err != nil {
		return nil, err
	}
	return d.Open(name)
}

func (o *hostOS) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	d, err := o.disk("open", name)
	if err != nil {
		return nil, err
	}
	return d.OpenFile(name, flag, perm)
}

func (o *hostOS) Mkdir(name string, perm os.FileMode) error {
	d, err := o.disk("mkdir", name)
	if err != nil {
		return err
	}
	return d.Mkdir(name, perm)
}

func (o *hostOS) MkdirAll(name string, perm os.FileMode) error {
	d, err := o.disk("mkdir", name)
	if err != nil {
		return err
	}
	return d.MkdirAll(name, perm)
}

func (o *hostOS) Remove(name string) error {
	d, err := o.disk("remove", name)
	if err != nil {
		return err
	}
	return d.Remove(name)
}

func (o *hostOS) RemoveAll(name string) error {
	d, err := o.disk("unlinkat", name)
	if err != nil {
		return err
	}
	return d.RemoveAll(name)
}

func (o *hostOS) Rename(oldname, newname string) error {
	d, err := o.disk("rename", oldname)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: syscall.EIO}
	}
	return d.Rename(oldname, newname)
}

func (o *hostOS) Stat(name string) (os.FileInfo, error) {
	d, err := o.disk("stat", name)
	if err != nil {
		return nil, err
	}
	return d.Stat(name)
}

func (o *hostOS) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	d, err := o.disk("lstat", name)
	if err != nil {
		return nil, true, err
	}
	return d.LstatIfPossible(name)
}

func (o *hostOS) Chmod(name string, mode os.FileMode) error {
	d, err := o.disk("chmod", name)
	if err != nil {
		return err
	}
	return d.Chmod(name, mode)
}

func (o *hostOS) Chown(name string, uid, gid int) error {
	d, err := o.disk("chown", name)
	if err != nil {
		return err
	}
	return d.Chown(name, uid, gid)
}

func (o *hostOS) Chtimes(name string, atime, mtime time.Time) error {
	d, err := o.disk("chtimes", name)
	if err != nil {
		return err
	}
	return d.Chtimes(name, atime, mtime)
}

// The environment and host name are not fenced: a crash starts the
// environment again (simdisk), and reading it harms nothing.

func (o *hostOS) Getenv(key string) string            { return o.host().Disk().Getenv(key) }
func (o *hostOS) LookupEnv(key string) (string, bool) { return o.host().Disk().LookupEnv(key) }
func (o *hostOS) Setenv(key, value string) error      { return o.host().Disk().Setenv(key, value) }
func (o *hostOS) Unsetenv(key string) error           { return o.host().Disk().Unsetenv(key) }
func (o *hostOS) Environ() []string                   { return o.host().Disk().Environ() }
func (o *hostOS) Hostname() (string, error)           { return o.host().Disk().Hostname() }
