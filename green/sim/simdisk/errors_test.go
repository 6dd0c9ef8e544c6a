package simdisk_test

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

func TestDisk_Errors(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	require.NoError(t, d.MkdirAll("/dir/full", 0o755))
	write(t, d, "/dir/full/f", "x", false)
	write(t, d, "/file", "x", false)
	ro, err := d.Open("/file")
	require.NoError(t, err)
	defer ro.Close()
	wo, err := d.OpenFile("/file", os.O_WRONLY, 0)
	require.NoError(t, err)
	defer wo.Close()
	closed, err := d.Open("/file")
	require.NoError(t, err)
	require.NoError(t, closed.Close())

	cases := []struct {
		name string
		call func() error
		want error
	}{
		{"Open missing", func() error { _, err := d.Open("/missing"); return err }, syscall.ENOENT},
		{"Open below a file", func() error { _, err := d.Open("/file/x"); return err }, syscall.ENOTDIR},
		{"Create in a missing directory", func() error { _, err := d.Create("/missing/f"); return err }, syscall.ENOENT},
		{"OpenFile O_EXCL", func() error {
			_, err := d.OpenFile("/file", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
			return err
		}, syscall.EEXIST},
		{"OpenFile a directory for writing", func() error { _, err := d.OpenFile("/dir", os.O_WRONLY, 0); return err }, syscall.EISDIR},
		{"Mkdir existing", func() error { return d.Mkdir("/dir", 0o755) }, syscall.EEXIST},
		{"Mkdir in a missing directory", func() error { return d.Mkdir("/missing/d", 0o755) }, syscall.ENOENT},
		{"MkdirAll through a file", func() error { return d.MkdirAll("/file/d", 0o755) }, syscall.ENOTDIR},
		{"Remove a non-empty directory", func() error { return d.Remove("/dir") }, syscall.ENOTEMPTY},
		{"Remove the root", func() error { return d.Remove("/") }, syscall.EBUSY},
		{"Rename into itself", func() error { return d.Rename("/dir", "/dir/full/x") }, syscall.EINVAL},
		{"Rename a file over a directory", func() error { return d.Rename("/file", "/dir") }, syscall.EEXIST},
		{"Rename a directory over a file", func() error { return d.Rename("/dir", "/file") }, syscall.ENOTDIR},
		{"Rename over a non-empty directory", func() error {
			require.NoError(t, d.MkdirAll("/empty", 0o755))
			return d.Rename("/empty", "/dir/full")
		}, syscall.EEXIST},
		{"Rename a directory to itself", func() error { return d.Rename("/dir", "/dir") }, syscall.EEXIST},
		{"Chtimes missing", func() error { return d.Chtimes("/missing", time.Time{}, time.Time{}) }, syscall.ENOENT},
		{"Write read-only", func() error { _, err := ro.Write([]byte("x")); return err }, syscall.EBADF},
		{"Read write-only", func() error { _, err := wo.Read(make([]byte, 1)); return err }, syscall.EBADF},
		{"Truncate read-only", func() error { return ro.Truncate(0) }, syscall.EINVAL},
		{"Truncate negative", func() error { return wo.Truncate(-1) }, syscall.EINVAL},
		{"Seek negative", func() error { _, err := ro.Seek(-1, io.SeekStart); return err }, syscall.EINVAL},
		{"Seek bad whence", func() error { _, err := ro.Seek(0, 7); return err }, syscall.EINVAL},
		{"Readdir of a file", func() error { _, err := ro.Readdir(-1); return err }, syscall.ENOTDIR},
		{"Read closed", func() error { _, err := closed.Read(make([]byte, 1)); return err }, os.ErrClosed},
		{"Close closed", func() error { return closed.Close() }, os.ErrClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			require.ErrorIs(t, err, c.want)
			var pe *fs.PathError
			var le *os.LinkError
			assert.True(t, errors.As(err, &pe) || errors.As(err, &le), "%v (%T) is a *fs.PathError or *os.LinkError", err, err)
		})
	}
	_, err = d.Open("/missing")
	assert.ErrorIs(t, err, fs.ErrNotExist, "ENOENT is fs.ErrNotExist")

	// A negative offset fails as os.File's does: a *fs.PathError with no errno.
	_, err = ro.ReadAt(make([]byte, 1), -1)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.EqualError(t, err, "readat /file: negative offset")
	_, err = wo.WriteAt([]byte("x"), -1)
	assert.EqualError(t, err, "writeat /file: negative offset")
}

func TestDisk_ReadAtEOF(t *testing.T) {
	d := newDisk(t, simdisk.Options{})
	write(t, d, "/f", "12345", false)
	f, err := d.Open("/f")
	require.NoError(t, err)
	defer f.Close()
	buf := make([]byte, 4)
	n, err := f.ReadAt(buf, 3)
	assert.Equal(t, 2, n)
	assert.Equal(t, io.EOF, err, "a short ReadAt says io.EOF, as os.File's")
	_, err = f.Seek(10, io.SeekStart)
	require.NoError(t, err)
	n, err = f.Read(buf)
	assert.Zero(t, n)
	assert.Equal(t, io.EOF, err)
}

func TestNew_BadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts simdisk.Options
		want string
	}{
		{"negative capacity", simdisk.Options{Faults: simdisk.Faults{Capacity: -1}}, "Capacity"},
		{"rate above 1", simdisk.Options{Faults: simdisk.Faults{EIO: []simdisk.Rule{{Ops: simdisk.OpRead, Rate: 1.5}}}}, "Rate"},
		{"rate NaN", simdisk.Options{Faults: simdisk.Faults{EIO: []simdisk.Rule{{Ops: simdisk.OpRead, Rate: math.NaN()}}}}, "Rate"},
		{"unknown op", simdisk.Options{Faults: simdisk.Faults{EIO: []simdisk.Rule{{Ops: 1 << 12}}}}, "unknown"},
		{"bad pattern", simdisk.Options{Faults: simdisk.Faults{EIO: []simdisk.Rule{{Ops: simdisk.OpRead, Path: "/["}}}}, "syntax"},
		{"latency of two kinds", simdisk.Options{Faults: simdisk.Faults{Latency: map[simdisk.Op]time.Duration{simdisk.OpRead | simdisk.OpWrite: 1}}}, "single kind"},
		{"negative latency", simdisk.Options{Faults: simdisk.Faults{Latency: map[simdisk.Op]time.Duration{simdisk.OpRead: -1}}}, "negative"},
		{"torn write above 1", simdisk.Options{Faults: simdisk.Faults{TornWrite: 2}}, "TornWrite"},
		{"keep entries negative", simdisk.Options{Faults: simdisk.Faults{KeepEntries: -0.1}}, "KeepEntries"},
		{"negative sector", simdisk.Options{SectorSize: -1}, "SectorSize"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := simdisk.New(c.opts)
			assert.Nil(t, d)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "simdisk: ")
		})
	}
}

func TestDisk_SetFaultsRefusesBadPlan(t *testing.T) {
	plan := simdisk.Faults{Capacity: 10}
	d := newDisk(t, simdisk.Options{Faults: plan})
	err := d.SetFaults(simdisk.Faults{TornWrite: -1})
	require.Error(t, err)
	assert.Equal(t, plan.String(), d.Faults().String(), "the old plan is kept")
}

func TestFaults_String(t *testing.T) {
	f := simdisk.Faults{
		Capacity:  1 << 20,
		TornWrite: 0.5,
		EIO:       []simdisk.Rule{{Ops: simdisk.OpRead | simdisk.OpSync, Path: "/data/"}},
		Latency:   map[simdisk.Op]time.Duration{simdisk.OpSync: time.Millisecond, simdisk.OpWrite: time.Microsecond},
	}
	assert.Equal(t, `capacity=1048576 torn_write=0.5 keep_entries=0 eio{ops=read|sync path="/data/" rate=1} latency{write=1µs} latency{sync=1ms}`, f.String())
	assert.Equal(t, "none", simdisk.Op(0).String())
}

func TestDisk_EnvIsTheHostsOwn(t *testing.T) {
	a := newDisk(t, simdisk.Options{Hostname: "a", Env: map[string]string{"ROLE": "primary"}})
	b := newDisk(t, simdisk.Options{})
	name, err := a.Hostname()
	require.NoError(t, err)
	assert.Equal(t, "a", name)
	name, err = b.Hostname()
	require.NoError(t, err)
	assert.Equal(t, "localhost", name, "the default host name")

	require.NoError(t, a.Setenv("X", "1"))
	assert.Equal(t, []string{"ROLE=primary", "X=1"}, a.Environ())
	assert.Empty(t, b.Environ(), "another host's environment")
	_, ok := os.LookupEnv("X")
	assert.False(t, ok || os.Getenv("X") == "1", "the process environment is untouched")
	require.Error(t, a.Setenv("A=B", "1"), "a key with '='")

	a.Crash(nil)
	assert.Equal(t, []string{"ROLE=primary"}, a.Environ(), "a crash restarts the environment")
}

func TestCrashReport_String(t *testing.T) {
	d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{TornWrite: 1}})
	f, err := d.Create("/wal")
	require.NoError(t, err)
	syncDir(t, d, "/")
	_, err = f.Write(make([]byte, 1000))
	require.NoError(t, err)
	write(t, d, "/tmp", "x", false)
	r := d.Crash(nil)
	assert.Equal(t, `crash: 2 files lost data, 1 torn writes, 1 entry changes lost, 0 kept
  lost data /tmp: 1 bytes live, 0 durable
  lost data /wal: 1000 bytes live, 0 durable
  torn /wal: kept 512 of 1000 bytes written at 0
  lost entry: create /tmp
`, r.String())
}

func TestDisk_ModTimesFromNow(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	d := newDisk(t, simdisk.Options{Now: func() time.Time { return at }})
	require.NoError(t, d.Mkdir("/dir", 0o755))
	write(t, d, "/dir/f", "data", true)
	for _, name := range []string{"/dir", "/dir/f"} {
		fi, err := d.Stat(name)
		require.NoError(t, err)
		assert.True(t, fi.ModTime().Equal(at), "%s: %v", name, fi.ModTime())
	}
	at = at.Add(time.Hour)
	f, err := d.OpenFile("/dir/f", os.O_RDWR, 0)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1))
	fi, err := f.Stat()
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(at), "after Truncate: %v", fi.ModTime())
	require.NoError(t, f.Close())
}
