package blocking_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// TestOS_Conformance runs the OS suite, which changes the environment, so it
// is not parallel.
func TestOS_Conformance(t *testing.T) {
	cases := []struct {
		name string
		fsys blocking.OS
	}{
		{"Zero", blocking.OS{}},
		{"OsFs", blocking.OS{Fs: afero.NewOsFs()}},
		// Not afero.MemMapFs: it differs from package os (Remove of a
		// non-empty directory succeeds, ReadAt at the end does not
		// return io.EOF), and the suite says so.
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { ifacetest.TestOS(t, c.fsys) })
	}
}

func TestOS_Name(t *testing.T) {
	assert.Equal(t, "OsFs", blocking.OS{}.Name())
	assert.Equal(t, "MemMapFS", blocking.OS{Fs: afero.NewMemMapFs()}.Name())
}

func TestOS_Symlink(t *testing.T) {
	cases := []struct {
		name    string
		fsys    blocking.OS
		symlink bool // whether the Fs has symlinks
	}{
		{"Zero", blocking.OS{}, true},
		{"MemMapFs", blocking.OS{Fs: afero.NewMemMapFs()}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, c.fsys.MkdirAll(dir, 0o755))
			target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
			require.NoError(t, afero.WriteFile(c.fsys, target, []byte("x"), 0o644))

			err := c.fsys.SymlinkIfPossible(target, link)
			if !c.symlink {
				var linkErr *os.LinkError
				assert.ErrorAs(t, err, &linkErr)
				assert.ErrorIs(t, err, afero.ErrNoSymlink)
				_, err = c.fsys.ReadlinkIfPossible(link)
				assert.ErrorIs(t, err, afero.ErrNoReadlink)
				_, lstat, err := c.fsys.LstatIfPossible(target)
				assert.NoError(t, err)
				assert.False(t, lstat, "LstatIfPossible used Lstat")
				return
			}
			require.NoError(t, err, "SymlinkIfPossible")
			got, err := c.fsys.ReadlinkIfPossible(link)
			require.NoError(t, err, "ReadlinkIfPossible")
			assert.Equal(t, target, got)
			fi, lstat, err := c.fsys.LstatIfPossible(link)
			require.NoError(t, err, "LstatIfPossible")
			assert.True(t, lstat, "LstatIfPossible used Lstat")
			assert.NotZero(t, fi.Mode()&os.ModeSymlink, "mode %v of a symlink", fi.Mode())
		})
	}
}
