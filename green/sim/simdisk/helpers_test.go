package simdisk_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// syncDir syncs a directory the way the package doc says: open it, Sync.
func syncDir(t *testing.T, d *simdisk.Disk, dir string) {
	t.Helper()
	f, err := d.Open(dir)
	require.NoError(t, err, "Open %s", dir)
	require.NoError(t, f.Sync(), "Sync %s", dir)
	require.NoError(t, f.Close(), "Close %s", dir)
}

// write creates name with data, syncing the file if sync is set.
func write(t *testing.T, d *simdisk.Disk, name, data string, sync bool) {
	t.Helper()
	f, err := d.Create(name)
	require.NoError(t, err, "Create %s", name)
	_, err = f.WriteString(data)
	require.NoError(t, err, "Write %s", name)
	if sync {
		require.NoError(t, f.Sync(), "Sync %s", name)
	}
	require.NoError(t, f.Close(), "Close %s", name)
}

// read returns the contents of name, or an error.
func read(d *simdisk.Disk, name string) (string, error) {
	f, err := d.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return string(b), err
}

func newDisk(t *testing.T, opts simdisk.Options) *simdisk.Disk {
	t.Helper()
	d, err := simdisk.New(opts)
	require.NoError(t, err)
	return d
}
