package ifacetest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/iface"
)

// TestOS tests an implementation of [iface.OS] in a directory from
// t.TempDir. It changes the process environment, so it must not be called
// from a parallel test; it panics if it is, as t.Setenv does. See the package
// documentation for what it checks.
func TestOS(t *testing.T, fsys iface.OS) {
	// The environment is the whole process's: refuse t.Parallel before
	// anything else, in the parent and so in every subtest.
	t.Setenv("GREENSHIM_IFACETEST_OS", "1")

	t.Run("Write", func(t *testing.T) { testWrite(t, fsys) })
	t.Run("Stat", func(t *testing.T) { testStat(t, fsys) })
	t.Run("Rename", func(t *testing.T) { testRename(t, fsys) })
	t.Run("Remove", func(t *testing.T) { testRemove(t, fsys) })
	t.Run("Mkdir", func(t *testing.T) { testMkdir(t, fsys) })
	t.Run("Readdir", func(t *testing.T) { testReaddir(t, fsys) })
	t.Run("NotExist", func(t *testing.T) { testNotExist(t, fsys) })
	t.Run("FS", func(t *testing.T) { testFS(t, fsys) })
	t.Run("Env", func(t *testing.T) { testEnv(t, fsys) })
	t.Run("Hostname", func(t *testing.T) { testHostname(t, fsys) })
}

// tempDir returns a fresh directory from t.TempDir, made through fsys too so
// that a file system not backed by the disk has it.
func tempDir(t *testing.T, fsys iface.OS) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, fsys.MkdirAll(dir, 0o755), "MkdirAll of the test directory")
	return dir
}

// writeFile creates name through fsys with the given contents.
func writeFile(t *testing.T, fsys iface.OS, name, contents string) {
	t.Helper()
	f, err := fsys.Create(name)
	require.NoError(t, err, "Create")
	_, err = f.WriteString(contents)
	require.NoError(t, err, "WriteString")
	require.NoError(t, f.Close(), "Close")
}

// readFile returns the contents of name, read through fsys.
func readFile(t *testing.T, fsys iface.OS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	require.NoError(t, err, "Open")
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err, "Read")
	return string(b)
}

func testWrite(t *testing.T, fsys iface.OS) {
	name := filepath.Join(tempDir(t, fsys), "hello.txt")
	writeFile(t, fsys, name, "hello")
	assert.Equal(t, "hello", readFile(t, fsys, name))

	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err, "OpenFile O_APPEND")
	_, err = f.Write([]byte(", world"))
	require.NoError(t, err, "Write")
	require.NoError(t, f.Close(), "Close")
	assert.Equal(t, "hello, world", readFile(t, fsys, name))

	f, err = fsys.OpenFile(name, os.O_RDWR|os.O_TRUNC, 0)
	require.NoError(t, err, "OpenFile O_TRUNC")
	_, err = f.WriteAt([]byte("bye"), 0)
	require.NoError(t, err, "WriteAt")
	require.NoError(t, f.Close(), "Close")
	assert.Equal(t, "bye", readFile(t, fsys, name))

	_, err = fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	assert.ErrorIs(t, err, fs.ErrExist, "OpenFile O_EXCL of an existing file")
}

func testStat(t *testing.T, fsys iface.OS) {
	dir := tempDir(t, fsys)
	name := filepath.Join(dir, "file")
	writeFile(t, fsys, name, "12345")

	fi, err := fsys.Stat(name)
	require.NoError(t, err, "Stat of a file")
	assert.Equal(t, "file", fi.Name())
	assert.Equal(t, int64(5), fi.Size())
	assert.True(t, fi.Mode().IsRegular(), "mode %v is regular", fi.Mode())

	fi, err = fsys.Stat(dir)
	require.NoError(t, err, "Stat of a directory")
	assert.True(t, fi.IsDir(), "IsDir of a directory")

	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	require.NoError(t, fsys.Chtimes(name, mtime, mtime), "Chtimes")
	fi, err = fsys.Stat(name)
	require.NoError(t, err, "Stat")
	assert.True(t, fi.ModTime().Equal(mtime), "ModTime %v after Chtimes %v", fi.ModTime(), mtime)
}

func testRename(t *testing.T, fsys iface.OS) {
	dir := tempDir(t, fsys)
	from, to := filepath.Join(dir, "from"), filepath.Join(dir, "to")
	writeFile(t, fsys, from, "moved")
	require.NoError(t, fsys.Rename(from, to), "Rename")
	_, err := fsys.Stat(from)
	assert.ErrorIs(t, err, fs.ErrNotExist, "Stat of the old name")
	assert.Equal(t, "moved", readFile(t, fsys, to))
}

func testRemove(t *testing.T, fsys iface.OS) {
	dir := tempDir(t, fsys)
	name := filepath.Join(dir, "file")
	writeFile(t, fsys, name, "x")
	require.NoError(t, fsys.Remove(name), "Remove of a file")
	_, err := fsys.Stat(name)
	assert.ErrorIs(t, err, fs.ErrNotExist, "Stat after Remove")

	tree := filepath.Join(dir, "tree")
	require.NoError(t, fsys.MkdirAll(filepath.Join(tree, "a", "b"), 0o755), "MkdirAll")
	writeFile(t, fsys, filepath.Join(tree, "a", "b", "file"), "x")
	assert.Error(t, fsys.Remove(tree), "Remove of a non-empty directory")
	require.NoError(t, fsys.RemoveAll(tree), "RemoveAll")
	_, err = fsys.Stat(tree)
	assert.ErrorIs(t, err, fs.ErrNotExist, "Stat after RemoveAll")
	assert.NoError(t, fsys.RemoveAll(tree), "RemoveAll of a missing path")
}

func testMkdir(t *testing.T, fsys iface.OS) {
	dir := tempDir(t, fsys)
	deep := filepath.Join(dir, "a", "b", "c")
	require.NoError(t, fsys.MkdirAll(deep, 0o755), "MkdirAll")
	fi, err := fsys.Stat(deep)
	require.NoError(t, err, "Stat")
	assert.True(t, fi.IsDir(), "IsDir after MkdirAll")
	assert.NoError(t, fsys.MkdirAll(deep, 0o755), "MkdirAll of an existing directory")

	one := filepath.Join(dir, "one")
	require.NoError(t, fsys.Mkdir(one, 0o755), "Mkdir")
	err = fsys.Mkdir(one, 0o755)
	assert.ErrorIs(t, err, fs.ErrExist, "Mkdir of an existing directory")
	var pathErr *fs.PathError
	assert.ErrorAs(t, err, &pathErr)
}

func testReaddir(t *testing.T, fsys iface.OS) {
	dir := tempDir(t, fsys)
	want := []string{"a", "b", "c"}
	for _, name := range want {
		writeFile(t, fsys, filepath.Join(dir, name), name)
	}
	require.NoError(t, fsys.Mkdir(filepath.Join(dir, "d"), 0o755), "Mkdir")
	want = append(want, "d")

	f, err := fsys.Open(dir)
	require.NoError(t, err, "Open of a directory")
	defer f.Close()
	names, err := f.Readdirnames(-1)
	require.NoError(t, err, "Readdirnames")
	slices.Sort(names)
	assert.Equal(t, want, names)

	infos, err := afero.ReadDir(fsys, dir)
	require.NoError(t, err, "afero.ReadDir")
	var dirs []string
	for _, fi := range infos {
		if fi.IsDir() {
			dirs = append(dirs, fi.Name())
		}
	}
	assert.Equal(t, []string{"d"}, dirs, "directories among the entries")
}

func testNotExist(t *testing.T, fsys iface.OS) {
	missing := filepath.Join(tempDir(t, fsys), "missing")
	cases := []struct {
		op   string
		call func() error
	}{
		{"Open", func() error { _, err := fsys.Open(missing); return err }},
		{"OpenFile", func() error { _, err := fsys.OpenFile(missing, os.O_RDWR, 0); return err }},
		{"Stat", func() error { _, err := fsys.Stat(missing); return err }},
		{"Remove", func() error { return fsys.Remove(missing) }},
		{"Chmod", func() error { return fsys.Chmod(missing, 0o644) }},
		{"Rename", func() error { return fsys.Rename(missing, missing+".new") }},
		{"Create", func() error {
			_, err := fsys.Create(filepath.Join(missing, "file"))
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) {
			err := c.call()
			require.Error(t, err, "%s of a missing file", c.op)
			assert.ErrorIs(t, err, fs.ErrNotExist)
			var pathErr *fs.PathError
			var linkErr *os.LinkError
			assert.True(t, errors.As(err, &pathErr) || errors.As(err, &linkErr),
				"%s error %v (%T) is neither a *fs.PathError nor an *os.LinkError", c.op, err, err)
		})
	}
}

func testFS(t *testing.T, fsys iface.OS) {
	dir := tempDir(t, fsys)
	files := []string{"hello.txt", "dir/a.txt", "dir/sub/b.txt", "empty"}
	for _, name := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, fsys.MkdirAll(filepath.Dir(full), 0o755), "MkdirAll")
		writeFile(t, fsys, full, "contents of "+name)
	}
	require.NoError(t, fsys.Mkdir(filepath.Join(dir, "emptydir"), 0o755), "Mkdir")
	files = append(files, "emptydir")
	if err := fstest.TestFS(afero.NewIOFS(afero.NewBasePathFs(fsys, dir)), files...); err != nil {
		t.Error(err)
	}
}

func testEnv(t *testing.T, env iface.OS) {
	key := fmt.Sprintf("GREENSHIM_IFACETEST_%d_%d", os.Getpid(), time.Now().UnixNano())
	_, had := env.LookupEnv(key)
	require.False(t, had, "%s is set before the test", key)
	t.Cleanup(func() { env.Unsetenv(key) })

	require.NoError(t, env.Setenv(key, "v1"), "Setenv")
	assert.Equal(t, "v1", env.Getenv(key), "Getenv after Setenv")
	v, ok := env.LookupEnv(key)
	assert.True(t, ok, "LookupEnv reports a set key")
	assert.Equal(t, "v1", v, "LookupEnv after Setenv")
	assert.Contains(t, env.Environ(), key+"=v1", "Environ after Setenv")

	require.NoError(t, env.Setenv(key, ""), "Setenv to empty")
	v, ok = env.LookupEnv(key)
	assert.True(t, ok, "LookupEnv reports a key set to empty")
	assert.Empty(t, v, "LookupEnv of a key set to empty")

	require.NoError(t, env.Unsetenv(key), "Unsetenv")
	v, ok = env.LookupEnv(key)
	assert.False(t, ok, "LookupEnv after Unsetenv")
	assert.Empty(t, v, "LookupEnv after Unsetenv")
	assert.Empty(t, env.Getenv(key), "Getenv after Unsetenv")
	assert.NotContains(t, env.Environ(), key+"=", "Environ after Unsetenv")
	assert.NoError(t, env.Unsetenv(key), "Unsetenv of a missing key")

	assert.Error(t, env.Setenv("", "v"), "Setenv with an empty key")
}

func testHostname(t *testing.T, env iface.OS) {
	name, err := env.Hostname()
	require.NoError(t, err, "Hostname")
	assert.NotEmpty(t, name, "Hostname")
}
