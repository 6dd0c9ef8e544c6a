package simdisk_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// modelFile is a file's identity in the model: it moves with renames.
type modelFile struct {
	live, synced string
}

// model tracks, beside a disk, what the durability rules promise: the
// content each file had at its last Sync, and, per path, the entry a
// directory sync made certain (a file, or nothing) until a later entry
// change at that path makes it uncertain again.
type model struct {
	live    map[string]*modelFile
	certain map[string]*modelFile // nil value: certainly absent
	synced  map[string]bool       // every content ever synced, and ""
}

var (
	propDirs  = []string{"/a", "/b"}
	propNames = []string{"f0", "f1", "f2"}
)

func propPaths() []string {
	var out []string
	for _, d := range propDirs {
		for _, n := range propNames {
			out = append(out, d+"/"+n)
		}
	}
	return out
}

func dirOf(p string) string { return p[:strings.LastIndexByte(p, '/')] }

// TestDisk_CrashConsistency runs random operations with crashes between
// them and checks, after each crash, that every path a directory sync made
// certain holds exactly the content its file had at its last Sync (or a
// sector-granular torn extension of it), that every path certainly removed
// is gone, and that no file holds data that was never synced.
func TestDisk_CrashConsistency(t *testing.T) {
	for _, torn := range []float64{0, 0.5} {
		for seed := range uint64(150) {
			t.Run(fmt.Sprintf("torn=%v/seed=%d", torn, seed), func(t *testing.T) {
				runProperty(t, seed, torn)
			})
		}
	}
}

func runProperty(t *testing.T, seed uint64, torn float64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	d := newDisk(t, simdisk.Options{
		Rand:       rand.New(rand.NewPCG(seed, 43)),
		SectorSize: 8,
		Faults:     simdisk.Faults{TornWrite: torn, KeepEntries: 0.5},
	})
	for _, dir := range propDirs {
		require.NoError(t, d.Mkdir(dir, 0o755))
	}
	syncDir(t, d, "/")
	m := &model{live: map[string]*modelFile{}, certain: map[string]*modelFile{}, synced: map[string]bool{"": true}}
	for _, p := range propPaths() {
		m.certain[p] = nil
	}
	var trace []string
	paths := propPaths()
	for step := range 80 {
		p := paths[rng.IntN(len(paths))]
		q := paths[rng.IntN(len(paths))]
		f := m.live[p]
		var op string
		switch k := rng.IntN(10); {
		case k < 2 && f == nil:
			op = "create " + p
			h, err := d.Create(p)
			require.NoError(t, err)
			require.NoError(t, h.Close())
			m.live[p] = &modelFile{}
			delete(m.certain, p)
		case k < 5 && f != nil:
			data := strings.Repeat(string(rune('a'+step%26)), 1+rng.IntN(20))
			op = fmt.Sprintf("append %s %d", p, len(data))
			h, err := d.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
			require.NoError(t, err)
			_, err = h.WriteString(data)
			require.NoError(t, err)
			require.NoError(t, h.Close())
			f.live += data
		case k < 7 && f != nil:
			op = "sync " + p
			h, err := d.Open(p)
			require.NoError(t, err)
			require.NoError(t, h.Sync())
			require.NoError(t, h.Close())
			f.synced = f.live
			m.synced[f.live] = true
		case k == 7:
			dir := propDirs[rng.IntN(len(propDirs))]
			op = "syncdir " + dir
			syncDir(t, d, dir)
			for _, p := range paths {
				if _, known := m.certain[p]; !known && dirOf(p) == dir {
					m.certain[p] = m.live[p]
				}
			}
		case k == 8 && f != nil && p != q:
			op = "rename " + p + " " + q
			require.NoError(t, d.Rename(p, q))
			m.live[q] = f
			delete(m.live, p)
			delete(m.certain, p)
			delete(m.certain, q)
		case k == 9 && f != nil:
			op = "remove " + p
			require.NoError(t, d.Remove(p))
			delete(m.live, p)
			delete(m.certain, p)
		default:
			op = "crash"
			r := d.Crash(nil)
			trace = append(trace, op)
			m.check(t, d, torn > 0, strings.Join(trace, "\n")+"\n"+r.String())
			continue
		}
		trace = append(trace, op)
	}
}

// check compares the disk after a crash with the model's promises, then
// makes the model what the disk now holds: after a crash everything is
// durable.
func (m *model) check(t *testing.T, d *simdisk.Disk, torn bool, trace string) {
	t.Helper()
	now := map[string]*modelFile{}
	for _, p := range propPaths() {
		got, err := read(d, p)
		if err != nil {
			require.ErrorIs(t, err, fs.ErrNotExist, trace)
		} else {
			now[p] = &modelFile{live: got, synced: got}
		}
		want, certain := m.certain[p]
		switch {
		case !certain:
		case want == nil:
			require.Error(t, err, "%s was certainly gone\n%s", p, trace)
		case err != nil:
			require.NoError(t, err, "%s was certainly there\n%s", p, trace)
		case torn:
			require.True(t, strings.HasPrefix(got, want.synced), "%s = %q, synced %q\n%s", p, got, want.synced, trace)
		default:
			require.Equal(t, want.synced, got, "%s\n%s", p, trace)
		}
		if err == nil && !torn {
			require.True(t, m.synced[got], "%s = %q was never synced\n%s", p, got, trace)
		}
	}
	// The rebuilt directories list exactly the files that open.
	names, err := dirNames(d)
	require.NoError(t, err)
	var opened []string
	for p := range now {
		opened = append(opened, p)
	}
	slices.Sort(opened)
	require.Equal(t, opened, names, trace)
	m.live, m.certain = now, map[string]*modelFile{}
	for _, p := range propPaths() {
		m.certain[p] = now[p]
		if f := now[p]; f != nil {
			m.synced[f.synced] = true
		}
	}
}

// dirNames lists the files below the directories, sorted.
func dirNames(d *simdisk.Disk) ([]string, error) {
	var out []string
	for _, dir := range propDirs {
		f, err := d.Open(dir)
		if err != nil {
			return nil, err
		}
		names, err := f.Readdirnames(-1)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			out = append(out, dir+"/"+n)
		}
	}
	slices.Sort(out)
	return out, nil
}
