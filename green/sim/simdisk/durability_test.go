package simdisk_test

import (
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

func TestDisk_WriteWithoutSyncIsLost(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	write(t, d, "/f", "", true)
	syncDir(t, d, "/")
	write(t, d, "/f", "page cache", false)

	got, err := read(d, "/f")
	require.NoError(t, err)
	assert.Equal(t, "page cache", got, "the running host reads unsynced data")

	r := d.Crash(nil)
	got, err = read(d, "/f")
	require.NoError(t, err)
	assert.Empty(t, got, "unsynced data after a crash")
	assert.Equal(t, []simdisk.LostData{{Path: "/f", Live: 10, Durable: 0}}, r.LostData)
}

func TestDisk_SyncKeepsData(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	f, err := d.Create("/log")
	require.NoError(t, err)
	syncDir(t, d, "/")
	_, err = f.WriteString("one;")
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	_, err = f.WriteString("two;")
	require.NoError(t, err)
	require.NoError(t, f.Close(), "closing makes nothing durable")

	d.Crash(nil)
	got, err := read(d, "/log")
	require.NoError(t, err)
	assert.Equal(t, "one;", got)

	// Overwrites and truncates are data too: durable after Sync only.
	f, err = d.OpenFile("/log", os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte("ONE"), 0)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(6))
	require.NoError(t, f.Sync())
	require.NoError(t, f.Truncate(2))
	d.Crash(nil)
	got, err = read(d, "/log")
	require.NoError(t, err)
	assert.Equal(t, "ONE;\x00\x00", got)
}

func TestDisk_CreateWithoutDirSyncMayVanish(t *testing.T) {
	// KeepEntries 0: the entry is always lost, though its data was synced.
	d := newDisk(t, simdisk.Options{})
	write(t, d, "/new", "synced data", true)
	r := d.Crash(nil)
	_, err := d.Stat("/new")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, []string{"create /new"}, r.LostEntries)

	// With KeepEntries, seeds decide: some crashes keep it, some lose it,
	// and a kept file has exactly its synced data.
	kept, lost := 0, 0
	for seed := range uint64(64) {
		d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{KeepEntries: 0.5}})
		write(t, d, "/new", "synced data", true)
		d.Crash(rand.New(rand.NewPCG(seed, 0)))
		got, err := read(d, "/new")
		if err != nil {
			require.ErrorIs(t, err, fs.ErrNotExist, "seed %d", seed)
			lost++
			continue
		}
		assert.Equal(t, "synced data", got, "seed %d", seed)
		kept++
	}
	assert.Positive(t, kept, "crashes that kept the entry")
	assert.Positive(t, lost, "crashes that lost the entry")
}

func TestDisk_DirSyncMakesEntriesDurable(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	require.NoError(t, d.MkdirAll("/a/b", 0o755))
	write(t, d, "/a/b/f", "data", true)
	syncDir(t, d, "/a/b")
	// Syncing /a/b commits the journal up to its create, which includes
	// /a and /a/b being made; /a's entry in / was made first, so it too.
	d.Crash(nil)
	got, err := read(d, "/a/b/f")
	require.NoError(t, err)
	assert.Equal(t, "data", got)
}

func TestDisk_RenameDurableOnlyAfterDirSync(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	write(t, d, "/old", "v1", true)
	syncDir(t, d, "/")

	require.NoError(t, d.Rename("/old", "/new"))
	r := d.Crash(nil)
	assert.Equal(t, []string{"rename /old -> /new"}, r.LostEntries)
	got, err := read(d, "/old")
	require.NoError(t, err, "the rename was not durable: the old name stays")
	assert.Equal(t, "v1", got)
	_, err = d.Stat("/new")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	require.NoError(t, d.Rename("/old", "/new"))
	syncDir(t, d, "/")
	d.Crash(nil)
	got, err = read(d, "/new")
	require.NoError(t, err, "the rename was durable")
	assert.Equal(t, "v1", got)
	_, err = d.Stat("/old")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestDisk_RenameAcrossDirectoriesIsAtomic(t *testing.T) {
	for _, synced := range []string{"/src", "/dst"} {
		t.Run(synced, func(t *testing.T) {
			d := newDisk(t, simdisk.Options{})
			require.NoError(t, d.Mkdir("/src", 0o755))
			require.NoError(t, d.Mkdir("/dst", 0o755))
			write(t, d, "/src/f", "moved", true)
			syncDir(t, d, "/src")
			require.NoError(t, d.Rename("/src/f", "/dst/f"))
			syncDir(t, d, synced) // either directory commits both halves
			d.Crash(nil)
			got, err := read(d, "/dst/f")
			require.NoError(t, err)
			assert.Equal(t, "moved", got)
			_, err = d.Stat("/src/f")
			assert.ErrorIs(t, err, fs.ErrNotExist)
		})
	}
}

func TestDisk_RemoveDurableOnlyAfterDirSync(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	require.NoError(t, d.MkdirAll("/t/sub", 0o755))
	write(t, d, "/t/sub/f", "x", true)
	write(t, d, "/g", "y", true)
	syncDir(t, d, "/")

	require.NoError(t, d.RemoveAll("/t"))
	require.NoError(t, d.Remove("/g"))
	r := d.Crash(nil)
	assert.Equal(t, []string{"remove /t", "remove /g"}, r.LostEntries)
	got, err := read(d, "/t/sub/f")
	require.NoError(t, err, "RemoveAll not durable")
	assert.Equal(t, "x", got)

	require.NoError(t, d.RemoveAll("/t"))
	syncDir(t, d, "/")
	d.Crash(nil)
	_, err = d.Stat("/t")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// Entry changes are journaled in order: syncing a directory commits the
// changes made before its last one in other directories too, never later
// ones.
func TestDisk_DirSyncCommitsInOrder(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	require.NoError(t, d.Mkdir("/a", 0o755))
	require.NoError(t, d.Mkdir("/b", 0o755))
	syncDir(t, d, "/")
	write(t, d, "/a/first", "1", true)
	write(t, d, "/b/second", "2", true)
	write(t, d, "/a/third", "3", true)
	syncDir(t, d, "/b")
	r := d.Crash(nil)
	assert.Equal(t, []string{"create /a/third"}, r.LostEntries)
	for name, want := range map[string]bool{"/a/first": true, "/b/second": true, "/a/third": false} {
		_, err := d.Stat(name)
		assert.Equal(t, want, err == nil, "%s exists: %v", name, err)
	}
}

func TestDisk_TornWriteIsSectorPrefix(t *testing.T) {
	const sector = 512
	head := "durable;"
	body := strings.Repeat("0123456789abcdef", 128) // 2048 bytes, at offset 8
	cuts := map[int]int{}
	for seed := range uint64(100) {
		d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{TornWrite: 1}, SectorSize: sector})
		f, err := d.Create("/wal")
		require.NoError(t, err)
		syncDir(t, d, "/")
		_, err = f.WriteString(head)
		require.NoError(t, err)
		require.NoError(t, f.Sync())
		_, err = f.WriteString(body)
		require.NoError(t, err)

		r := d.Crash(rand.New(rand.NewPCG(seed, 1)))
		got, err := read(d, "/wal")
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(got, head), "seed %d: the synced part is kept", seed)
		require.Zero(t, len(got)%sector, "seed %d: a torn write ends on a sector boundary, got %d bytes", seed, len(got))
		require.Greater(t, len(got), len(head), "seed %d", seed)
		require.Less(t, len(got), len(head)+len(body), "seed %d: torn strictly inside the write", seed)
		require.Equal(t, body[:len(got)-len(head)], got[len(head):], "seed %d: a prefix of the write", seed)
		require.Equal(t, []simdisk.Torn{{Path: "/wal", Off: 8, Len: 2048, Kept: int64(len(got) - len(head))}}, r.Torn)
		cuts[len(got)]++
	}
	assert.Len(t, cuts, 4, "every sector boundary inside the write is a possible cut: %v", cuts)

	// A write within one sector is never torn: it is lost whole.
	d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{TornWrite: 1}})
	write(t, d, "/small", "", true)
	syncDir(t, d, "/")
	write(t, d, "/small", "tiny", false)
	r := d.Crash(nil)
	got, err := read(d, "/small")
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Empty(t, r.Torn)
}

func TestDisk_HandlesFailAfterCrash(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	require.NoError(t, d.Mkdir("/dir", 0o755))
	f, err := d.Create("/dir/f")
	require.NoError(t, err)
	dir, err := d.Open("/dir")
	require.NoError(t, err)
	d.Crash(nil)

	buf := make([]byte, 4)
	calls := map[string]func() error{
		"Read":         func() error { _, err := f.Read(buf); return err },
		"ReadAt":       func() error { _, err := f.ReadAt(buf, 0); return err },
		"Write":        func() error { _, err := f.Write(buf); return err },
		"WriteAt":      func() error { _, err := f.WriteAt(buf, 0); return err },
		"WriteString":  func() error { _, err := f.WriteString("x"); return err },
		"Seek":         func() error { _, err := f.Seek(0, 0); return err },
		"Truncate":     func() error { return f.Truncate(0) },
		"Sync":         func() error { return f.Sync() },
		"Stat":         func() error { _, err := f.Stat(); return err },
		"DirSync":      func() error { return dir.Sync() },
		"Readdir":      func() error { _, err := dir.Readdir(-1); return err },
		"Readdirnames": func() error { _, err := dir.Readdirnames(-1); return err },
		"Close":        func() error { return f.Close() },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, syscall.EIO)
		})
	}
	assert.Equal(t, "/dir/f", f.Name(), "Name still works")
}

func TestDisk_CapacityENOSPC(t *testing.T) {
	d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{Capacity: 1000}})
	f, err := d.Create("/a")
	require.NoError(t, err)
	_, err = f.Write(make([]byte, 600))
	require.NoError(t, err)

	g, err := d.Create("/b")
	require.NoError(t, err)
	n, err := g.Write(make([]byte, 600))
	assert.Zero(t, n, "a write beyond the capacity writes nothing")
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "/b", pe.Path)
	assert.ErrorIs(t, err, syscall.ENOSPC)
	assert.ErrorIs(t, g.Truncate(401), syscall.ENOSPC, "Truncate beyond the capacity")
	require.NoError(t, g.Truncate(400), "Truncate up to the capacity")
	assert.Equal(t, int64(1000), d.Used())

	_, err = f.WriteAt([]byte("overwrite in place"), 0)
	assert.NoError(t, err, "an overwrite does not grow the disk")
	require.NoError(t, f.Close())
	require.NoError(t, d.Remove("/a"), "Remove frees space")
	_, err = g.Seek(0, io.SeekEnd)
	require.NoError(t, err)
	_, err = g.Write(make([]byte, 600))
	assert.NoError(t, err)
	require.NoError(t, g.Close())
	assert.Equal(t, int64(1000), d.Used())
}

func TestDisk_EIOPerPattern(t *testing.T) {
	cases := []struct {
		name   string
		rule   simdisk.Rule
		failed []string // of "read /x", "write /x", "sync /x" on /data/x.log, /data/x.txt, /other
	}{
		{"read by pattern", simdisk.Rule{Ops: simdisk.OpRead, Path: "/data/*.log"}, []string{"read /data/x.log"}},
		{"write by prefix", simdisk.Rule{Ops: simdisk.OpWrite, Path: "/data/"}, []string{"write /data/x.log", "write /data/x.txt"}},
		{"sync everywhere", simdisk.Rule{Ops: simdisk.OpSync}, []string{"sync /data/x.log", "sync /data/x.txt", "sync /other"}},
		{"never", simdisk.Rule{Ops: simdisk.OpSync, Path: "/nowhere"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDisk(t, simdisk.Options{})
			require.NoError(t, d.Mkdir("/data", 0o755))
			for _, name := range []string{"/data/x.log", "/data/x.txt", "/other"} {
				write(t, d, name, "data", false)
			}
			require.NoError(t, d.SetFaults(simdisk.Faults{EIO: []simdisk.Rule{c.rule}}))
			var failed []string
			for _, name := range []string{"/data/x.log", "/data/x.txt", "/other"} {
				f, err := d.OpenFile(name, os.O_RDWR, 0)
				require.NoError(t, err)
				ops := map[string]func() error{
					"read":  func() error { _, err := f.ReadAt(make([]byte, 4), 0); return err },
					"write": func() error { _, err := f.WriteAt([]byte("DATA"), 0); return err },
					"sync":  func() error { return f.Sync() },
				}
				for _, op := range []string{"read", "write", "sync"} {
					if err := ops[op](); err != nil {
						var pe *fs.PathError
						require.ErrorAs(t, err, &pe)
						require.ErrorIs(t, err, syscall.EIO)
						failed = append(failed, op+" "+name)
					}
				}
				require.NoError(t, f.Close())
			}
			// Sort by the order above: ops within a file, files in turn.
			assert.ElementsMatch(t, c.failed, failed)
		})
	}
}

func TestDisk_EIOFailedSyncMakesNothingDurable(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	write(t, d, "/f", "", true)
	syncDir(t, d, "/")
	require.NoError(t, d.SetFaults(simdisk.Faults{EIO: []simdisk.Rule{{Ops: simdisk.OpSync, Path: "/f"}}}))
	f, err := d.OpenFile("/f", os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("lost")
	require.NoError(t, err)
	require.ErrorIs(t, f.Sync(), syscall.EIO)
	d.Crash(nil)
	got, err := read(d, "/f")
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestDisk_EIOByRate(t *testing.T) {
	d := newDisk(t, simdisk.Options{
		Rand:   rand.New(rand.NewPCG(7, 7)),
		Faults: simdisk.Faults{EIO: []simdisk.Rule{{Ops: simdisk.OpWrite, Rate: 0.25}}},
	})
	f, err := d.Create("/f")
	require.NoError(t, err)
	defer f.Close()
	failed := 0
	for range 400 {
		if _, err := f.Write([]byte("x")); err != nil {
			require.ErrorIs(t, err, syscall.EIO)
			failed++
		}
	}
	// 400 draws at 0.25: 100 expected, sd 8.7; the seed is fixed.
	assert.InDelta(t, 100, failed, 45, "writes failed at rate 0.25")
	fi, err := f.Stat()
	require.NoError(t, err)
	assert.Equal(t, int64(400-failed), fi.Size(), "a failed write writes nothing")
}

func TestDisk_LatencyThroughWait(t *testing.T) {
	var waits []string
	d := newDisk(t, simdisk.Options{
		Wait: func(dur time.Duration) { waits = append(waits, dur.String()) },
		Faults: simdisk.Faults{Latency: map[simdisk.Op]time.Duration{
			simdisk.OpWrite: 3 * time.Millisecond,
			simdisk.OpSync:  10 * time.Millisecond,
			simdisk.OpOpen:  time.Microsecond,
		}},
	})
	f, err := d.Create("/f")
	require.NoError(t, err)
	_, err = f.WriteString("x")
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	_, err = f.ReadAt(make([]byte, 1), 0) // no latency for reads
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Equal(t, []string{"1µs", "3ms", "10ms"}, waits)

	// Without a Wait, latency is ignored.
	d = newDisk(t, simdisk.Options{Faults: simdisk.Faults{Latency: map[simdisk.Op]time.Duration{simdisk.OpWrite: time.Hour}}})
	write(t, d, "/f", "x", true)
}

// The entry changes a crash keeps without a sync are a prefix of those
// made, in order: a later one never survives without every earlier one.
func TestDisk_KeptEntriesAreAPrefix(t *testing.T) {
	names := []string{"/e0", "/e1", "/e2", "/e3", "/e4"}
	seen := map[int]bool{}
	for seed := range uint64(100) {
		d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{KeepEntries: 1}})
		for _, name := range names {
			write(t, d, name, name, true)
		}
		r := d.Crash(rand.New(rand.NewPCG(seed, 3)))
		kept := 0
		for i, name := range names {
			if _, err := d.Stat(name); err == nil {
				require.Equal(t, i, kept, "seed %d: %s kept after a lost change", seed, name)
				kept++
			}
		}
		require.Len(t, r.KeptEntries, kept, "seed %d", seed)
		require.Len(t, r.LostEntries, len(names)-kept, "seed %d", seed)
		seen[kept] = true
	}
	assert.Len(t, seen, len(names), "KeepEntries 1 keeps 1 to 5 changes: %v", seen)
}

// A crash draws from the given source only: the same source, the same loss.
func TestDisk_CrashIsDeterministic(t *testing.T) {
	run := func() (string, map[string]string) {
		d := newDisk(t, simdisk.Options{
			Rand:   rand.New(rand.NewPCG(5, 5)),
			Faults: simdisk.Faults{TornWrite: 0.5, KeepEntries: 0.5},
		})
		for i := range 8 {
			name := fmt.Sprintf("/f%d", i)
			write(t, d, name, strings.Repeat("x", 300*i), i%2 == 0)
			if i == 3 {
				syncDir(t, d, "/")
			}
		}
		r := d.Crash(nil)
		files := map[string]string{}
		for i := range 8 {
			name := fmt.Sprintf("/f%d", i)
			if got, err := read(d, name); err == nil {
				files[name] = got
			}
		}
		return r.String(), files
	}
	r1, files1 := run()
	r2, files2 := run()
	assert.Equal(t, r1, r2)
	assert.Equal(t, files1, files2)
}

// The atomic-replace pattern: write a temporary file, Sync it, rename it
// over the old one, sync the directory. Skipping the file's Sync leaves
// the new name on an empty file after a crash, as on ext4.
func TestDisk_RenameOverAFile(t *testing.T) {
	for _, c := range []struct {
		name     string
		syncFile bool
		want     string
	}{
		{"with the file synced", true, "v2"},
		{"without the file synced", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDisk(t, simdisk.Options{})
			write(t, d, "/cfg", "v1", true)
			syncDir(t, d, "/")
			write(t, d, "/cfg.tmp", "v2", c.syncFile)
			require.NoError(t, d.Rename("/cfg.tmp", "/cfg"))
			got, err := read(d, "/cfg")
			require.NoError(t, err)
			require.Equal(t, "v2", got, "before the crash")
			syncDir(t, d, "/")
			d.Crash(nil)
			got, err = read(d, "/cfg")
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			_, err = d.Stat("/cfg.tmp")
			assert.ErrorIs(t, err, fs.ErrNotExist)
		})
	}
}
