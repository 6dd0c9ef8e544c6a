package blocking

import (
	"os"
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

// OS is the os module of package os: the file system Fs, or the disk through
// package os (afero.OsFs) if Fs is nil, and the process environment.
//
// Each afero.Fs method calls the method of the same name on Fs. The optional
// abilities afero.Lstater, afero.Linker and afero.LinkReader are passed on
// when Fs has them; when it does not, LstatIfPossible falls back to Stat and
// the link methods fail with afero.ErrNoSymlink and afero.ErrNoReadlink, as
// afero's own wrappers do.
//
// The environment methods always use package os, whatever Fs is.
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

// Create copies os.Create.
func (o OS) Create(name string) (afero.File, error) { return o.fs().Create(name) }

// Mkdir copies os.Mkdir.
func (o OS) Mkdir(name string, perm os.FileMode) error { return o.fs().Mkdir(name, perm) }

// MkdirAll copies os.MkdirAll.
func (o OS) MkdirAll(path string, perm os.FileMode) error { return o.fs().MkdirAll(path, perm) }

// Open copies os.Open.
func (o OS) Open(name string) (afero.File, error) { return o.fs().Open(name) }

// OpenFile copies os.OpenFile.
func (o OS) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	return o.fs().OpenFile(name, flag, perm)
}

// Remove copies os.Remove.
func (o OS) Remove(name string) error { return o.fs().Remove(name) }

// RemoveAll copies os.RemoveAll.
func (o OS) RemoveAll(path string) error { return o.fs().RemoveAll(path) }

// Rename copies os.Rename.
func (o OS) Rename(oldname, newname string) error { return o.fs().Rename(oldname, newname) }

// Stat copies os.Stat.
func (o OS) Stat(name string) (os.FileInfo, error) { return o.fs().Stat(name) }

// Name returns the name of the file system, that of Fs.
func (o OS) Name() string { return o.fs().Name() }

// Chmod copies os.Chmod.
func (o OS) Chmod(name string, mode os.FileMode) error { return o.fs().Chmod(name, mode) }

// Chown copies os.Chown.
func (o OS) Chown(name string, uid, gid int) error { return o.fs().Chown(name, uid, gid) }

// Chtimes copies os.Chtimes.
func (o OS) Chtimes(name string, atime, mtime time.Time) error {
	return o.fs().Chtimes(name, atime, mtime)
}

// LstatIfPossible copies os.Lstat if Fs is an afero.Lstater, and reports
// whether it did; otherwise it calls Stat.
func (o OS) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	return iface.LstatIfPossible(o.fs(), name)
}

// SymlinkIfPossible copies os.Symlink if Fs is an afero.Linker; otherwise it
// fails with an *os.LinkError wrapping afero.ErrNoSymlink.
func (o OS) SymlinkIfPossible(oldname, newname string) error {
	return iface.SymlinkIfPossible(o.fs(), oldname, newname)
}

// ReadlinkIfPossible copies os.Readlink if Fs is an afero.LinkReader;
// otherwise it fails with an *fs.PathError wrapping afero.ErrNoReadlink.
func (o OS) ReadlinkIfPossible(name string) (string, error) {
	return iface.ReadlinkIfPossible(o.fs(), name)
}
