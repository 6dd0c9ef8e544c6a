package simdisk_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// TestFile_MatchesTheOS runs the same random calls on a file of a sim disk
// and on a real file, through two handles each (one O_APPEND), and checks
// that every call returns the same count, bytes and errno.
func TestFile_MatchesTheOS(t *testing.T) {
	for seed := range uint64(50) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			sim := newDisk(t, simdisk.Options{})
			real := afero.NewBasePathFs(afero.NewOsFs(), t.TempDir())
			var handles [2][2]afero.File // [fs][handle]
			for i, fsys := range []afero.Fs{real, sim} {
				var err error
				handles[i][0], err = fsys.OpenFile("/f", os.O_RDWR|os.O_CREATE, 0o644)
				require.NoError(t, err)
				handles[i][1], err = fsys.OpenFile("/f", os.O_RDWR|os.O_APPEND, 0)
				require.NoError(t, err)
			}
			t.Cleanup(func() {
				for _, hs := range handles {
					for _, h := range hs {
						h.Close()
					}
				}
			})
			var trace []string
			for step := range 80 {
				h := rng.IntN(2)
				off := int64(rng.IntN(40)) - 2
				size := rng.IntN(12)
				data := strings.Repeat(string(rune('a'+step%26)), size)
				var op string
				var call func(f afero.File) string
				switch rng.IntN(7) {
				case 0:
					op, call = fmt.Sprintf("h%d write %d", h, size), func(f afero.File) string {
						n, err := f.Write([]byte(data))
						return fmt.Sprint(n, errno(err))
					}
				case 1:
					op, call = fmt.Sprintf("h%d writeat %d@%d", h, size, off), func(f afero.File) string {
						n, err := f.WriteAt([]byte(data), off)
						return fmt.Sprint(n, errno(err), err != nil)
					}
				case 2:
					op, call = fmt.Sprintf("h%d read %d", h, size), func(f afero.File) string {
						b := make([]byte, size)
						n, err := f.Read(b)
						return fmt.Sprintf("%d %q %v %v", n, b[:n], errno(err), err == io.EOF)
					}
				case 3:
					op, call = fmt.Sprintf("h%d readat %d@%d", h, size, off), func(f afero.File) string {
						b := make([]byte, size)
						n, err := f.ReadAt(b, off)
						return fmt.Sprintf("%d %q %v %v", n, b[:n], errno(err), err == io.EOF)
					}
				case 4:
					whence := rng.IntN(3)
					op, call = fmt.Sprintf("h%d seek %d,%d", h, off, whence), func(f afero.File) string {
						pos, err := f.Seek(off, whence)
						return fmt.Sprint(pos, errno(err))
					}
				case 5:
					op, call = fmt.Sprintf("h%d truncate %d", h, off), func(f afero.File) string {
						return fmt.Sprint(errno(f.Truncate(off)))
					}
				case 6:
					op, call = fmt.Sprintf("h%d stat", h), func(f afero.File) string {
						fi, err := f.Stat()
						if err != nil {
							return fmt.Sprint(errno(err))
						}
						return fmt.Sprint(fi.Size())
					}
				}
				trace = append(trace, op)
				want, got := call(handles[0][h]), call(handles[1][h])
				require.Equal(t, want, got, "%s\n%s", op, strings.Join(trace, "\n"))
			}
		})
	}
}
