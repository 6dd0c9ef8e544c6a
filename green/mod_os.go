package green

import (
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.OS = OS{}
	_ iface.OS = (*OS)(nil)

	// OS passes on the optional symlink abilities of afero.
	_ afero.Lstater    = OS{}
	_ afero.Symlinker  = OS{}
	_ afero.Linker     = OS{}
	_ afero.LinkReader = OS{}
)

// OS is the os module on the hub's thread pool, gevent's FileObjectThread:
// the file system Fs, or the disk through package os (afero.OsFs) if Fs is
// nil, and the process environment.
//
// Called from a greenlet, each afero.Fs method, and each method of the
// afero.File values it returns (Read, Write, ReadAt, Seek, Sync, Readdir,
// Close, ...), runs on the thread pool of the caller's hub while the caller
// parks, so a slow disk blocks only the caller and the other greenlets run.
// Called from a plain goroutine, they run directly in it. A Timeout, context
// or kill ends the caller's wait, not the operation: it fails with an
// *fs.PathError wrapping the wait's error (errors.Is ErrTimeout, say), and a
// file opened meanwhile is closed. File reads and writes go through a copy
// of the caller's buffer, so that an operation left running never touches
// the buffer after its caller has moved on.
//
// The optional abilities afero.Lstater, afero.Linker and afero.LinkReader
// are passed on as by blocking.OS: when Fs lacks them, LstatIfPossible falls
// back to Stat and the link methods fail with afero.ErrNoSymlink and
// afero.ErrNoReadlink.
//
// The environment and host name are the process's, read and set directly
// (they are in memory; no greenlet waits on them). OS is an iface.Procs too:
// see Command for how its commands wait.
//
// The zero value is ready to use.
type OS struct {
	Fs afero.Fs
}

// osFs is the Fs of an OS whose Fs is nil.
var osFs afero.Fs = afero.OsFs{}

func (o OS) fs() afero.Fs {
	if o.Fs == nil {
		return osFs
	}
	return o.Fs
}

// offload runs fn on the thread pool of the calling greenlet's hub while the
// greenlet waits, or directly when the caller is not a greenlet. If the wait
// ends before fn does, offload returns an *fs.PathError (op, path) wrapping
// the wait's error, and undo, if not nil, is applied to what fn returns
// without error, once it has.
func offload[T any](op, path string, fn func() (T, error), undo func(T)) (T, error) {
	h := callerHub()
	if h == nil {
		return fn()
	}
	// st hands fn's result over between the pool's goroutine and the
	// caller when the caller stops waiting: exactly one of them undoes it.
	var st struct {
		mu        sync.Mutex
		abandoned bool
		returned  bool
		v         T
		err       error
	}
	res := h.pool.Spawn(func() (any, error) {
		v, err := fn()
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.abandoned {
			if err == nil && undo != nil {
				undo(v)
			}
			return nil, err
		}
		st.returned, st.v, st.err = true, v, err
		return nil, nil
	})
	got := false
	defer func() {
		if got {
			return
		}
		// The wait ended early (an error, or a kill unwinding).
		st.mu.Lock()
		st.abandoned = true
		if st.returned && st.err == nil && undo != nil {
			v := st.v
			h.pool.Spawn(func() (any, error) { undo(v); return nil, nil })
		}
		st.mu.Unlock()
	}()
	_, werr := res.Get()
	if werr != nil && !res.Ready() {
		var zero T
		return zero, &fs.PathError{Op: op, Path: path, Err: werr}
	}
	got = true
	// res is ready: fn returned and filled st before the result was
	// posted, or it panicked and werr is the *PanicError.
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.returned {
		var zero T
		return zero, werr
	}
	return st.v, st.err
}

// offloadErr is offload for operations that only fail.
func offloadErr(op, path string, fn func() error) error {
	_, err := offload(op, path, func() (struct{}, error) { return struct{}{}, fn() }, nil)
	return err
}

// openFile offloads an operation that opens a file and wraps the file.
func openFile(op, path string, fn func() (afero.File, error)) (afero.File, error) {
	f, err := offload(op, path, fn, func(f afero.File) { f.Close() })
	if err != nil {
		return nil, err
	}
	return &file{f: f}, nil
}

// Create copies os.Create.
func (o OS) Create(name string) (afero.File, error) {
	return openFile("open", name, func() (afero.File, error) { return o.fs().Create(name) })
}

// Mkdir copies os.Mkdir.
func (o OS) Mkdir(name string, perm os.FileMode) error {
	return offloadErr("mkdir", name, func() error { return o.fs().Mkdir(name, perm) })
}

// MkdirAll copies os.MkdirAll.
func (o OS) MkdirAll(path string, perm os.FileMode) error {
	return offloadErr("mkdir", path, func() error { return o.fs().MkdirAll(path, perm) })
}

// Open copies os.Open.
func (o OS) Open(name string) (afero.File, error) {
	return openFile("open", name, func() (afero.File, error) { return o.fs().Open(name) })
}

// OpenFile copies os.OpenFile.
func (o OS) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	return openFile("open", name, func() (afero.File, error) { return o.fs().OpenFile(name, flag, perm) })
}

// Remove copies os.Remove.
func (o OS) Remove(name string) error {
	return offloadErr("remove", name, func() error { return o.fs().Remove(name) })
}

// RemoveAll copies os.RemoveAll.
func (o OS) RemoveAll(path string) error {
	return offloadErr("removeall", path, func() error { return o.fs().RemoveAll(path) })
}

// Rename copies os.Rename.
func (o OS) Rename(oldname, newname string) error {
	return offloadErr("rename", oldname, func() error { return o.fs().Rename(oldname, newname) })
}

// Stat copies os.Stat.
func (o OS) Stat(name string) (os.FileInfo, error) {
	return offload("stat", name, func() (os.FileInfo, error) { return o.fs().Stat(name) }, nil)
}

// Name returns the name of the file system, that of Fs.
func (o OS) Name() string { return o.fs().Name() }

// Chmod copies os.Chmod.
func (o OS) Chmod(name string, mode os.FileMode) error {
	return offloadErr("chmod", name, func() error { return o.fs().Chmod(name, mode) })
}

// Chown copies os.Chown.
func (o OS) Chown(name string, uid, gid int) error {
	return offloadErr("chown", name, func() error { return o.fs().Chown(name, uid, gid) })
}

// Chtimes copies os.Chtimes.
func (o OS) Chtimes(name string, atime, mtime time.Time) error {
	return offloadErr("chtimes", name, func() error { return o.fs().Chtimes(name, atime, mtime) })
}

// lstat is LstatIfPossible's two results.
type lstat struct {
	fi os.FileInfo
	ok bool
}

// LstatIfPossible copies os.Lstat if Fs is an afero.Lstater, and reports
// whether it did; otherwise it calls Stat.
func (o OS) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	r, err := offload("lstat", name, func() (lstat, error) {
		fi, ok, err := iface.LstatIfPossible(o.fs(), name)
		return lstat{fi, ok}, err
	}, nil)
	return r.fi, r.ok, err
}

// SymlinkIfPossible copies os.Symlink if Fs is an afero.Linker; otherwise it
// fails with an *os.LinkError wrapping afero.ErrNoSymlink.
func (o OS) SymlinkIfPossible(oldname, newname string) error {
	return offloadErr("symlink", newname, func() error { return iface.SymlinkIfPossible(o.fs(), oldname, newname) })
}

// ReadlinkIfPossible copies os.Readlink if Fs is an afero.LinkReader;
// otherwise it fails with an *fs.PathError wrapping afero.ErrNoReadlink.
func (o OS) ReadlinkIfPossible(name string) (string, error) {
	return offload("readlink", name, func() (string, error) { return iface.ReadlinkIfPossible(o.fs(), name) }, nil)
}

// Getenv copies os.Getenv.
func (OS) Getenv(key string) string { return os.Getenv(key) }

// LookupEnv copies os.LookupEnv.
func (OS) LookupEnv(key string) (string, bool) { return os.LookupEnv(key) }

// Setenv copies os.Setenv.
func (OS) Setenv(key, value string) error { return os.Setenv(key, value) }

// Unsetenv copies os.Unsetenv.
func (OS) Unsetenv(key string) error { return os.Unsetenv(key) }

// Environ copies os.Environ.
func (OS) Environ() []string { return os.Environ() }

// Hostname copies os.Hostname.
func (OS) Hostname() (string, error) { return os.Hostname() }
