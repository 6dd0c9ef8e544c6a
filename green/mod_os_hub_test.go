package green_test

import (
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// The conformance suite again, with every call made from a greenlet, so
// that each operation takes the thread-pool path.
func TestOS_ConformanceFromGreenlets(t *testing.T) {
	ifacetest.TestOS(t, greenletOS{h: newHub(t, green.Options{}), os: green.OS{}})
}

// onHub runs fn in a new greenlet of h and waits for its result.
func onHub[T any](h *green.Hub, fn func() (T, error)) (T, error) {
	var v T
	err := h.Spawn(func() error {
		var err error
		v, err = fn()
		return err
	}).Join()
	return v, err
}

func onHubErr(h *green.Hub, fn func() error) error {
	_, err := onHub(h, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

// greenletOS is an iface.OS that makes each call of os, and of the files it
// returns, from a greenlet of h.
type greenletOS struct {
	h  *green.Hub
	os iface.OS
}

func (g greenletOS) wrap(f afero.File, err error) (afero.File, error) {
	if err != nil {
		return nil, err
	}
	return greenletFile{g.h, f}, nil
}

func (g greenletOS) Create(name string) (afero.File, error) {
	return g.wrap(onHub(g.h, func() (afero.File, error) { return g.os.Create(name) }))
}
func (g greenletOS) Open(name string) (afero.File, error) {
	return g.wrap(onHub(g.h, func() (afero.File, error) { return g.os.Open(name) }))
}
func (g greenletOS) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	return g.wrap(onHub(g.h, func() (afero.File, error) { return g.os.OpenFile(name, flag, perm) }))
}
func (g greenletOS) Mkdir(name string, perm os.FileMode) error {
	return onHubErr(g.h, func() error { return g.os.Mkdir(name, perm) })
}
func (g greenletOS) MkdirAll(path string, perm os.FileMode) error {
	return onHubErr(g.h, func() error { return g.os.MkdirAll(path, perm) })
}
func (g greenletOS) Remove(name string) error {
	return onHubErr(g.h, func() error { return g.os.Remove(name) })
}
func (g greenletOS) RemoveAll(path string) error {
	return onHubErr(g.h, func() error { return g.os.RemoveAll(path) })
}
func (g greenletOS) Rename(o, n string) error {
	return onHubErr(g.h, func() error { return g.os.Rename(o, n) })
}
func (g greenletOS) Stat(name string) (os.FileInfo, error) {
	return onHub(g.h, func() (os.FileInfo, error) { return g.os.Stat(name) })
}
func (g greenletOS) Name() string { return g.os.Name() }
func (g greenletOS) Chmod(name string, mode os.FileMode) error {
	return onHubErr(g.h, func() error { return g.os.Chmod(name, mode) })
}
func (g greenletOS) Chown(name string, uid, gid int) error {
	return onHubErr(g.h, func() error { return g.os.Chown(name, uid, gid) })
}
func (g greenletOS) Chtimes(name string, a, m time.Time) error {
	return onHubErr(g.h, func() error { return g.os.Chtimes(name, a, m) })
}
func (g greenletOS) Getenv(key string) string            { return g.os.Getenv(key) }
func (g greenletOS) LookupEnv(key string) (string, bool) { return g.os.LookupEnv(key) }
func (g greenletOS) Setenv(key, value string) error      { return g.os.Setenv(key, value) }
func (g greenletOS) Unsetenv(key string) error           { return g.os.Unsetenv(key) }
func (g greenletOS) Environ() []string                   { return g.os.Environ() }
func (g greenletOS) Hostname() (string, error)           { return g.os.Hostname() }

// greenletFile makes each call of f from a greenlet of h.
type greenletFile struct {
	h *green.Hub
	f afero.File
}

func (g greenletFile) Name() string { return g.f.Name() }
func (g greenletFile) Close() error { return onHubErr(g.h, g.f.Close) }
func (g greenletFile) Read(p []byte) (int, error) {
	return onHub(g.h, func() (int, error) { return g.f.Read(p) })
}
func (g greenletFile) ReadAt(p []byte, off int64) (int, error) {
	return onHub(g.h, func() (int, error) { return g.f.ReadAt(p, off) })
}
func (g greenletFile) Write(p []byte) (int, error) {
	return onHub(g.h, func() (int, error) { return g.f.Write(p) })
}
func (g greenletFile) WriteAt(p []byte, off int64) (int, error) {
	return onHub(g.h, func() (int, error) { return g.f.WriteAt(p, off) })
}
func (g greenletFile) WriteString(s string) (int, error) {
	return onHub(g.h, func() (int, error) { return g.f.WriteString(s) })
}
func (g greenletFile) Seek(off int64, whence int) (int64, error) {
	return onHub(g.h, func() (int64, error) { return g.f.Seek(off, whence) })
}
func (g greenletFile) Readdir(n int) ([]os.FileInfo, error) {
	return onHub(g.h, func() ([]os.FileInfo, error) { return g.f.Readdir(n) })
}
func (g greenletFile) Readdirnames(n int) ([]string, error) {
	return onHub(g.h, func() ([]string, error) { return g.f.Readdirnames(n) })
}
func (g greenletFile) ReadDir(n int) ([]fs.DirEntry, error) {
	return onHub(g.h, func() ([]fs.DirEntry, error) { return g.f.(fs.ReadDirFile).ReadDir(n) })
}
func (g greenletFile) Stat() (os.FileInfo, error) { return onHub(g.h, g.f.Stat) }
func (g greenletFile) Sync() error                { return onHubErr(g.h, g.f.Sync) }
func (g greenletFile) Truncate(size int64) error {
	return onHubErr(g.h, func() error { return g.f.Truncate(size) })
}
