package green

import (
	"io"
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

var (
	_ afero.File     = (*file)(nil)
	_ fs.ReadDirFile = (*file)(nil)
)

// file is an afero.File returned by OS: each method that may wait on the
// disk runs through offload (the caller's hub's thread pool from a
// greenlet, directly otherwise). Reads and writes go through a buffer of
// the operation's own, copied from or to the caller's, so that an operation
// whose caller stopped waiting (a Timeout) never touches the caller's
// buffer afterwards.
//
// Like an *os.File, a file may be used by several greenlets and goroutines
// at once; each call is one operation on the underlying file.
type file struct {
	f afero.File
}

// Name returns the name of the file as presented to Open.
func (f *file) Name() string { return f.f.Name() }

func (f *file) Close() error {
	return offloadErr("close", f.f.Name(), f.f.Close)
}

// readInto runs a read into a private buffer of len(p) and copies what it
// read into p.
func (f *file) readInto(op string, p []byte, read func(buf []byte) (int, error)) (int, error) {
	if callerHub() == nil {
		return read(p)
	}
	buf := make([]byte, len(p))
	n, err := offload(op, f.f.Name(), func() (int, error) { return read(buf) }, nil)
	copy(p, buf[:n])
	return n, err
}

// writeFrom runs a write of a private copy of p.
func (f *file) writeFrom(op string, p []byte, write func(buf []byte) (int, error)) (int, error) {
	if callerHub() == nil {
		return write(p)
	}
	buf := append([]byte(nil), p...)
	return offload(op, f.f.Name(), func() (int, error) { return write(buf) }, nil)
}

func (f *file) Read(p []byte) (int, error) { return f.readInto("read", p, f.f.Read) }

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	return f.readInto("read", p, func(buf []byte) (int, error) { return f.f.ReadAt(buf, off) })
}

func (f *file) Write(p []byte) (int, error) { return f.writeFrom("write", p, f.f.Write) }

func (f *file) WriteAt(p []byte, off int64) (int, error) {
	return f.writeFrom("write", p, func(buf []byte) (int, error) { return f.f.WriteAt(buf, off) })
}

func (f *file) WriteString(s string) (int, error) {
	return offload("write", f.f.Name(), func() (int, error) { return f.f.WriteString(s) }, nil)
}

func (f *file) Seek(offset int64, whence int) (int64, error) {
	return offload("seek", f.f.Name(), func() (int64, error) { return f.f.Seek(offset, whence) }, nil)
}

func (f *file) Readdir(count int) ([]os.FileInfo, error) {
	return offload("readdir", f.f.Name(), func() ([]os.FileInfo, error) { return f.f.Readdir(count) }, nil)
}

func (f *file) Readdirnames(n int) ([]string, error) {
	return offload("readdirent", f.f.Name(), func() ([]string, error) { return f.f.Readdirnames(n) }, nil)
}

// ReadDir copies (*os.File).ReadDir: the underlying file's when it has one
// (an *os.File does), else Readdir's results as fs.DirEntry values.
func (f *file) ReadDir(n int) ([]fs.DirEntry, error) {
	return offload("readdirent", f.f.Name(), func() ([]fs.DirEntry, error) {
		if d, ok := f.f.(fs.ReadDirFile); ok {
			return d.ReadDir(n)
		}
		infos, err := f.f.Readdir(n)
		entries := make([]fs.DirEntry, len(infos))
		for i, fi := range infos {
			entries[i] = fs.FileInfoToDirEntry(fi)
		}
		return entries, err
	}, nil)
}

func (f *file) Stat() (os.FileInfo, error) {
	return offload("stat", f.f.Name(), f.f.Stat, nil)
}

func (f *file) Sync() error { return offloadErr("sync", f.f.Name(), f.f.Sync) }

func (f *file) Truncate(size int64) error {
	return offloadErr("truncate", f.f.Name(), func() error { return f.f.Truncate(size) })
}

// io.Copy and friends use Read and Write: the file has no ReadFrom or
// WriteTo, which would run a whole copy (and the other side's waits) in
// the pool.
var _ io.ReadWriteSeeker = (*file)(nil)
