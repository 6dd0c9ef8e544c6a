package green_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

func TestOS_Conformance(t *testing.T) {
	ifacetest.TestOS(t, green.OS{})
}

// gatedFs is a file system whose Open and file reads wait until gate is
// closed: a disk that is slow until the test says otherwise. closed
// receives the name of each file closed.
type gatedFs struct {
	afero.Fs
	gate   chan struct{}
	closed chan string
}

func newGatedFs(t *testing.T, name, contents string) *gatedFs {
	mem := afero.NewMemMapFs()
	require.NoError(t, afero.WriteFile(mem, name, []byte(contents), 0o644))
	return &gatedFs{Fs: mem, gate: make(chan struct{}), closed: make(chan string, 10)}
}

func (g *gatedFs) Open(name string) (afero.File, error) {
	<-g.gate
	f, err := g.Fs.Open(name)
	if err != nil {
		return nil, err
	}
	return gatedFile{f, g}, nil
}

type gatedFile struct {
	afero.File
	fs *gatedFs
}

func (f gatedFile) Read(p []byte) (int, error) {
	<-f.fs.gate
	return f.File.Read(p)
}

func (f gatedFile) Close() error {
	f.fs.closed <- f.Name()
	return f.File.Close()
}

// A greenlet reading a file parks while the pool waits on the disk: another
// greenlet runs meanwhile (here it is the one that lets the disk answer; if
// the read held the hub, the run would never end).
func TestOS_ReadDoesNotHoldHub(t *testing.T) {
	h := newHub(t, green.Options{})
	gfs := newGatedFs(t, "/f", "contents")
	osm := green.OS{Fs: gfs}
	err := run(t, h, func() error {
		var got []byte
		reader := green.Spawn(func() error {
			var err error
			got, err = afero.ReadFile(osm, "/f")
			return err
		})
		green.Spawn(func() error {
			close(gfs.gate)
			return nil
		})
		if err := reader.Join(); err != nil {
			return err
		}
		assert.Equal(t, "contents", string(got))
		return nil
	})
	require.NoError(t, err)
}

// A Timeout ends a greenlet's wait for a slow Open with an *fs.PathError
// matching ErrTimeout; the file, opened later, is closed rather than leaked.
func TestOS_TimeoutClosesLateFile(t *testing.T) {
	h := newHub(t, green.Options{})
	gfs := newGatedFs(t, "/f", "x")
	osm := green.OS{Fs: gfs}
	err := run(t, h, func() error {
		err := green.WithTimeout(10*time.Millisecond, func() error {
			_, err := osm.Open("/f")
			return err
		})
		var pathErr *fs.PathError
		assert.ErrorAs(t, err, &pathErr)
		assert.ErrorIs(t, err, green.ErrTimeout)
		return nil
	})
	require.NoError(t, err)
	close(gfs.gate)
	select {
	case name := <-gfs.closed:
		assert.Equal(t, "/f", name)
	case <-time.After(5 * time.Second):
		t.Fatal("the file opened after the timeout was not closed within 5s")
	}
}

// From a greenlet, every kind of operation works on the disk.
func TestOS_GreenletOnDisk(t *testing.T) {
	h := newHub(t, green.Options{})
	osm := green.OS{}
	dir := t.TempDir()
	// The greenlet runs on a goroutine other than the test's: it reports
	// a failed step as its error, never through require (t.FailNow).
	err := run(t, h, func() error {
		name := filepath.Join(dir, "a.txt")
		if err := afero.WriteFile(osm, name, []byte("hello, world"), 0o644); err != nil {
			return err
		}

		f, err := osm.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		buf := make([]byte, 5)
		n, err := f.ReadAt(buf, 7)
		if err != nil {
			return err
		}
		assert.Equal(t, "world", string(buf[:n]))
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := f.WriteString("HELLO"); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		assert.Equal(t, int64(12), fi.Size())
		if err := f.Truncate(5); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}

		b, err := afero.ReadFile(osm, name)
		if err != nil {
			return err
		}
		assert.Equal(t, "HELLO", string(b))

		if err := osm.SymlinkIfPossible(name, filepath.Join(dir, "link")); err != nil {
			return err
		}
		target, err := osm.ReadlinkIfPossible(filepath.Join(dir, "link"))
		if err != nil {
			return err
		}
		assert.Equal(t, name, target)
		fi, lstatted, err := osm.LstatIfPossible(filepath.Join(dir, "link"))
		if err != nil {
			return err
		}
		assert.True(t, lstatted)
		assert.Equal(t, fs.ModeSymlink, fi.Mode().Type())

		d, err := osm.Open(dir)
		if err != nil {
			return err
		}
		defer d.Close()
		names, err := d.Readdirnames(-1)
		if err != nil {
			return err
		}
		slices.Sort(names)
		assert.Equal(t, []string{"a.txt", "link"}, names)

		_, err = osm.Stat(filepath.Join(dir, "missing"))
		assert.ErrorIs(t, err, fs.ErrNotExist)
		return nil
	})
	require.NoError(t, err)
}

// Without the abilities in Fs, the link methods fail as afero's do.
func TestOS_NoSymlinkAbilities(t *testing.T) {
	osm := green.OS{Fs: afero.NewReadOnlyFs(afero.NewMemMapFs())}
	var linkErr *os.LinkError
	err := osm.SymlinkIfPossible("a", "b")
	assert.ErrorAs(t, err, &linkErr)
	assert.True(t, errors.Is(err, afero.ErrNoSymlink))
	_, err = osm.ReadlinkIfPossible("a")
	assert.ErrorIs(t, err, afero.ErrNoReadlink)
}
