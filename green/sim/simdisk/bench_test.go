package simdisk_test

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// BenchmarkFileOps runs one mix of file operations on the sim disk, on
// afero's MemMapFs it is built on, and on the real disk (OsFs in a temporary
// directory), in the same run: create, four 256-byte writes, Sync, Close,
// Open, read back, Close, Rename, a directory sync (Open, Sync, Close),
// Remove — 16 calls per iteration, reported as ops/s, and the CPU time the
// process used per iteration (cpu-ns/op), steadier than wall time on a
// shared machine. Compare with
//
//	go test -run '^$' -bench FileOps -count 6 ./green/sim/simdisk | benchstat -col /fs -
func BenchmarkFileOps(b *testing.B) {
	systems := []struct {
		name string
		make func(b *testing.B) (afero.Fs, string)
	}{
		{"simdisk", func(b *testing.B) (afero.Fs, string) {
			d, err := simdisk.New(simdisk.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return d, "/bench"
		}},
		{"memmap", func(b *testing.B) (afero.Fs, string) { return afero.NewMemMapFs(), "/bench" }},
		{"osfs", func(b *testing.B) (afero.Fs, string) { return afero.NewOsFs(), filepath.Join(b.TempDir(), "bench") }},
	}
	for _, s := range systems {
		b.Run("fs="+s.name, func(b *testing.B) {
			fsys, root := s.make(b)
			benchFileOps(b, fsys, root)
		})
	}
}

func benchFileOps(b *testing.B, fsys afero.Fs, root string) {
	const dirs, files, callsPerOp = 8, 64, 16
	for i := range dirs {
		if err := fsys.MkdirAll(fmt.Sprintf("%s/d%d", root, i), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	chunk := make([]byte, 256)
	buf := make([]byte, 2048)
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		dir := fmt.Sprintf("%s/d%d", root, i%dirs)
		name := fmt.Sprintf("%s/f%d", dir, i%files)
		i++
		f, err := fsys.Create(name)
		must(err)
		for range 4 {
			_, err = f.Write(chunk)
			must(err)
		}
		must(f.Sync())
		must(f.Close())
		f, err = fsys.Open(name)
		must(err)
		n, err := io.ReadFull(f, buf)
		if n != 1024 || err != io.ErrUnexpectedEOF {
			b.Fatalf("read %d bytes, %v", n, err)
		}
		must(f.Close())
		must(fsys.Rename(name, name+".r"))
		d, err := fsys.Open(dir)
		must(err)
		must(d.Sync())
		must(d.Close())
		must(fsys.Remove(name + ".r"))
	}
	b.ReportMetric(float64(b.N*callsPerOp)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
