package simdisk

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/spf13/afero"
	"github.com/spf13/afero/mem"
)

// CrashReport says what a crash lost, for printing with a failing run.
type CrashReport struct {
	// LostData lists the files of the live view whose data was not all
	// durable, by path.
	LostData []LostData
	// Torn lists the writes a crash tore, by path.
	Torn []Torn
	// LostEntries lists the entry changes that were not durable and are
	// gone, in the order they were made, as "create /a", "rename /a -> /b".
	LostEntries []string
	// KeptEntries lists the entry changes that were not durable and
	// survived anyway (Faults.KeepEntries), in order.
	KeptEntries []string
}

// LostData is a file whose unsynced data a crash lost.
type LostData struct {
	Path          string
	Live, Durable int64 // the file's size before the crash, and its durable size
}

// Torn is a write of Len bytes at Off of which a crash kept the first Kept.
type Torn struct {
	Path           string
	Off, Len, Kept int64
}

// String prints the report, a line per loss, in a fixed order.
func (r *CrashReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "crash: %d files lost data, %d torn writes, %d entry changes lost, %d kept\n",
		len(r.LostData), len(r.Torn), len(r.LostEntries), len(r.KeptEntries))
	for _, l := range r.LostData {
		fmt.Fprintf(&b, "  lost data %s: %d bytes live, %d durable\n", l.Path, l.Live, l.Durable)
	}
	for _, t := range r.Torn {
		fmt.Fprintf(&b, "  torn %s: kept %d of %d bytes written at %d\n", t.Path, t.Kept, t.Len, t.Off)
	}
	for _, e := range r.LostEntries {
		fmt.Fprintf(&b, "  lost entry: %s\n", e)
	}
	for _, e := range r.KeptEntries {
		fmt.Fprintf(&b, "  kept entry: %s\n", e)
	}
	return b.String()
}

// Crash is a power failure: the disk becomes what a restarted host sees,
// as the package documentation specifies, and every File opened before it
// fails from then on with an *fs.PathError wrapping syscall.EIO. The
// environment starts again from Options.Env. The chances in the fault plan
// (TornWrite, KeepEntries) are drawn from rng, or from Options.Rand if rng
// is nil. Crash returns what was lost.
func (d *Disk) Crash(rng *rand.Rand) *CrashReport {
	d.mu.Lock()
	defer d.mu.Unlock()
	if rng == nil {
		rng = d.rng
	}
	r := &CrashReport{}
	walkLive(d.root, "", func(p string, n *inode) {
		if !n.dir && n.dirty() {
			r.LostData = append(r.LostData, LostData{p, n.size, n.dsize})
		}
	})

	// The journal may have committed some of the entry changes on its own,
	// in order.
	keep := 0
	if len(d.log) > 0 && d.faults.KeepEntries > 0 && rng.Float64() < d.faults.KeepEntries {
		keep = 1 + rng.IntN(len(d.log))
	}
	for i := range d.log {
		if i < keep {
			d.log[i].apply()
			r.KeptEntries = append(r.KeptEntries, d.log[i].String())
		} else {
			r.LostEntries = append(r.LostEntries, d.log[i].String())
		}
	}

	// The restarted host's live view is the durable image, with torn writes.
	b := rebuild{d: d, rng: rng, r: r, mem: afero.NewMemMapFs()}
	root := newDir(b.data("/"))
	b.dir(d.root, root, "")
	d.gen++
	d.mem, d.root, d.used = b.mem, root, b.used
	d.log, d.logSeq = nil, 0
	d.resetEnvLocked()
	return r
}

// walkLive calls fn for each inode below dir in the live tree, in name
// order.
func walkLive(dir *inode, prefix string, fn func(p string, n *inode)) {
	for _, name := range sortedKeys(dir.children) {
		c, p := dir.children[name], prefix+"/"+name
		fn(p, c)
		if c.dir {
			walkLive(c, p, fn)
		}
	}
}

func sortedKeys(m map[string]*inode) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// rebuild makes a new live view from the durable image of a crashed disk.
type rebuild struct {
	d    *Disk
	rng  *rand.Rand
	r    *CrashReport
	mem  afero.Fs
	used int64
}

func (b *rebuild) data(p string) *mem.FileData {
	f, err := b.mem.Open(p)
	if err != nil {
		panic("simdisk: rebuilding " + p + ": " + err.Error())
	}
	return f.(*mem.File).Data()
}

// dir rebuilds the durable entries of old into the new directory nd, in
// name order so that the draws from rng are the same on every run.
func (b *rebuild) dir(old, nd *inode, prefix string) {
	for _, name := range sortedKeys(old.entries) {
		c, p := old.entries[name], prefix+"/"+name
		info := mem.GetFileInfo(c.live)
		var n *inode
		if c.dir {
			if err := b.mem.Mkdir(p, fs.ModePerm); err != nil {
				panic("simdisk: rebuilding " + p + ": " + err.Error())
			}
			n = newDir(b.data(p))
			b.dir(c, n, p)
		} else {
			data := b.torn(c, p)
			f, err := b.mem.OpenFile(p, os.O_RDWR|os.O_CREATE, fs.ModePerm)
			if err == nil {
				_, err = f.Write(data)
			}
			if err != nil {
				panic("simdisk: rebuilding " + p + ": " + err.Error())
			}
			n = newFile(f.(*mem.File).Data())
			n.size, n.dsize = int64(len(data)), int64(len(data))
			b.used += n.size
		}
		mem.SetMode(n.live, info.Mode())
		mem.SetModTime(n.live, info.ModTime())
		nd.children[name] = n
		nd.entries[name] = n
	}
}

// torn returns the durable data of the file c, with, by chance, a prefix of
// its last unsynced write that ends on a sector boundary. A write within one
// sector is never torn: it is lost whole.
func (b *rebuild) torn(c *inode, p string) []byte {
	data := c.durableLocked()
	w := c.last
	if w.n == 0 || b.d.faults.TornWrite == 0 || b.rng.Float64() >= b.d.faults.TornWrite {
		return data
	}
	s := b.d.sector
	cuts := (w.off+w.n-1)/s - w.off/s // sector boundaries strictly inside the write
	if cuts == 0 {
		return data
	}
	end := (w.off/s + 1 + b.rng.Int64N(cuts)) * s
	if int64(len(data)) < end {
		data = append(data, make([]byte, end-int64(len(data)))...) // a gap reads as zeros
	}
	c.rd.ReadAt(data[w.off:end], w.off) //nolint:errcheck // the write's bytes are live: no truncate since
	b.r.Torn = append(b.r.Torn, Torn{p, w.off, w.n, end - w.off})
	return data
}
