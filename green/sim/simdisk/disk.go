package simdisk

import (
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"slices"
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
