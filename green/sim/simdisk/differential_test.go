package simdisk_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// TestDisk_LiveViewMatchesTheOS runs the same random entry operations on a
// sim disk and on the real file system (in a temporary directory) and
// checks that each fails with the same errno or succeeds on both, and that
// the trees are the same after each step: the live view behaves as Linux.
func TestDisk_LiveViewMatchesTheOS(t *testing.T) {
	paths := []string{"/a", "/b", "/a/c", "/b/c", "/a/c/d", "/b/d"}
	for seed := range uint64(50) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 9))
			sim := newDisk(t, simdisk.Options{})
			real := afero.NewBasePathFs(afero.NewOsFs(), t.TempDir())
			var trace []string
			for step := range 60 {
				p, q := paths[rng.IntN(len(paths))], paths[rng.IntN(len(paths))]
				data := strings.Repeat("x", step)
				var op string
				var call func(fsys afero.Fs) error
				switch rng.IntN(9) {
				case 0:
					op, call = "mkdir "+p, func(fsys afero.Fs) error { return fsys.Mkdir(p, 0o755) }
				case 1:
					op, call = "write "+p, func(fsys afero.Fs) error { return afero.WriteFile(fsys, p, []byte(data), 0o644) }
				case 2:
					op, call = "remove "+p, func(fsys afero.Fs) error { return fsys.Remove(p) }
				case 3:
					op, call = "removeall "+p, func(fsys afero.Fs) error { return fsys.RemoveAll(p) }
				case 4:
					op, call = "rename "+p+" "+q, func(fsys afero.Fs) error { return fsys.Rename(p, q) }
				case 5:
					op, call = "mkdirall "+p, func(fsys afero.Fs) error { return fsys.MkdirAll(p, 0o755) }
				case 6:
					op, call = "create-excl "+p, func(fsys afero.Fs) error {
						f, err := fsys.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
						if err == nil {
							err = f.Close()
						}
						return err
					}
				case 7:
					op, call = "open-append "+p, func(fsys afero.Fs) error {
						f, err := fsys.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
						if err != nil {
							return err
						}
						if _, err := f.WriteString(data); err != nil {
							return err
						}
						return f.Close()
					}
				case 8:
					op, call = "stat "+p, func(fsys afero.Fs) error { _, err := fsys.Stat(p); return err }
				}
				trace = append(trace, op)
				errSim, errReal := call(sim), call(real)
				require.Equal(t, errno(errReal), errno(errSim), "%s: os %v, sim %v\n%s", op, errReal, errSim, strings.Join(trace, "\n"))
				require.Equal(t, tree(t, real), tree(t, sim), "after %s\n%s", op, strings.Join(trace, "\n"))
			}
		})
	}
}

// errno returns the syscall.Errno in err, 0 for nil, or -1 for an error
// without one.
func errno(err error) syscall.Errno {
	if err == nil {
		return 0
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return ^syscall.Errno(0)
}

// tree lists every path below the root with its contents ("/" for
// directories).
func tree(t *testing.T, fsys afero.Fs) []string {
	t.Helper()
	var out []string
	err := afero.Walk(fsys, "/", func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p == "/" {
			return nil
		}
		if fi.IsDir() {
			out = append(out, p+"/")
			return nil
		}
		b, err := afero.ReadFile(fsys, p)
		out = append(out, p+"="+string(b))
		return err
	})
	require.NoError(t, err)
	return out
}
