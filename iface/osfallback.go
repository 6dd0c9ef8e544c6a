package iface

import (
	"os"

	"github.com/spf13/afero"
)

// The optional abilities of an afero.Fs (afero.Lstater, afero.Linker,
// afero.LinkReader) are separate interfaces; these helpers use them when
// fsys has them and fall back as afero's own wrappers do otherwise, in the
// way io/fs.ReadFile falls back on Open. Implementations of OS that wrap an
// afero.Fs pass the abilities on through them.

// LstatIfPossible calls fsys's LstatIfPossible (os.Lstat) if fsys is an
// afero.Lstater, and reports whether it did; otherwise it calls Stat.
func LstatIfPossible(fsys afero.Fs, name string) (os.FileInfo, bool, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		return l.LstatIfPossible(name)
	}
	fi, err := fsys.Stat(name)
	return fi, false, err
}

// SymlinkIfPossible calls fsys's SymlinkIfPossible (os.Symlink) if fsys is
// an afero.Linker; otherwise it fails with an *os.LinkError wrapping
// afero.ErrNoSymlink.
func SymlinkIfPossible(fsys afero.Fs, oldname, newname string) error {
	if l, ok := fsys.(afero.Linker); ok {
		return l.SymlinkIfPossible(oldname, newname)
	}
	return &os.LinkError{Op: "symlink", Old: oldname, New: newname, Err: afero.ErrNoSymlink}
}

// ReadlinkIfPossible calls fsys's ReadlinkIfPossible (os.Readlink) if fsys
// is an afero.LinkReader; otherwise it fails with an *fs.PathError wrapping
// afero.ErrNoReadlink.
func ReadlinkIfPossible(fsys afero.Fs, name string) (string, error) {
	if l, ok := fsys.(afero.LinkReader); ok {
		return l.ReadlinkIfPossible(name)
	}
	return "", &os.PathError{Op: "readlink", Path: name, Err: afero.ErrNoReadlink}
}
