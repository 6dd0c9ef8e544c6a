package simdisk

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/spf13/afero/mem"
)

// File is an open file or directory of a [Disk], an [afero.File] with the
// methods of [*os.File]. After a crash every method but Name fails with an
// *fs.PathError wrapping syscall.EIO: the host that opened it is gone.
type File struct {
	d    *Disk
	gen  uint64 // the disk's generation at open
	ino  *inode
	h    mem.File // the live view's handle, inline
	name string   // as given to Open
	path string   // cleaned, for fault rules
	flag int

	closed bool // guarded by d.mu
}

// The errors package os returns without an errno, with the same text.
var (
	errAppendWriteAt  = errors.New("os: invalid use of WriteAt on file opened with O_APPEND")
	errNegativeOffset = errors.New("negative offset")
)

// beginLocked checks that f may do op: the disk has not crashed since it was
// opened, it is open, and no fault rule fails op.
func (f *File) beginLocked(kind Op, op string) error {
	switch {
	case f.gen != f.d.gen:
		return pathErr(op, f.name, syscall.EIO)
	case f.closed:
		return pathErr(op, f.name, os.ErrClosed)
	}
	if err := f.d.faultLocked(kind, f.path); err != nil {
		return pathErr(op, f.name, err)
	}
	return nil
}

func (f *File) readable() bool { return f.flag&os.O_WRONLY == 0 }
func (f *File) writable() bool { return f.flag&(os.O_WRONLY|os.O_RDWR) != 0 }

// Name returns the name given to Open, as os.File.Name does.
func (f *File) Name() string { return f.name }

// Read copies os.File.Read.
func (f *File) Read(b []byte) (int, error) {
	f.d.delay(OpRead)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.readCheckLocked("read"); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	n, err := f.h.Read(b)
	if err == io.ErrUnexpectedEOF { // positioned past the end
		n, err = 0, io.EOF
	}
	return n, err
}

// ReadAt copies os.File.ReadAt: fewer bytes than asked come with io.EOF.
func (f *File) ReadAt(b []byte, off int64) (int, error) {
	f.d.delay(OpRead)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.readCheckLocked("read"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathErr("readat", f.name, errNegativeOffset)
	}
	if len(b) == 0 {
		return 0, nil
	}
	n, err := f.h.ReadAt(b, off)
	if err == io.ErrUnexpectedEOF {
		n, err = 0, io.EOF
	}
	if err == nil && n < len(b) {
		err = io.EOF
	}
	return n, err
}

func (f *File) readCheckLocked(op string) error {
	if err := f.beginLocked(OpRead, op); err != nil {
		return err
	}
	switch {
	case f.ino.dir:
		return pathErr(op, f.name, syscall.EISDIR)
	case !f.readable():
		return pathErr(op, f.name, syscall.EBADF)
	}
	return nil
}

// Seek copies os.File.Seek.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.beginLocked(0, "seek"); err != nil {
		return 0, err
	}
	cur, _ := f.h.Seek(0, io.SeekCurrent)
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += cur
	case io.SeekEnd:
		offset += f.ino.size
	default:
		return 0, pathErr("seek", f.name, syscall.EINVAL)
	}
	if offset < 0 {
		return 0, pathErr("seek", f.name, syscall.EINVAL)
	}
	return f.h.Seek(offset, io.SeekStart)
}

// Write copies os.File.Write. The data goes to the page cache: readable at
// once, durable after Sync.
func (f *File) Write(b []byte) (int, error) {
	f.d.delay(OpWrite)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.writeCheckLocked("write"); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil // write(2) of nothing moves nothing, not even to the end
	}
	if f.flag&os.O_APPEND != 0 {
		f.h.Seek(f.ino.size, io.SeekStart) //nolint:errcheck // cannot fail on an open handle
	}
	off, _ := f.h.Seek(0, io.SeekCurrent)
	return f.writeLocked("write", b, off, false)
}

// WriteAt copies os.File.WriteAt; it does not move the offset.
func (f *File) WriteAt(b []byte, off int64) (int, error) {
	f.d.delay(OpWrite)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.writeCheckLocked("write"); err != nil {
		return 0, err
	}
	if f.flag&os.O_APPEND != 0 {
		return 0, errAppendWriteAt
	}
	if off < 0 {
		return 0, pathErr("writeat", f.name, errNegativeOffset)
	}
	if len(b) == 0 {
		return 0, nil // pwrite(2) of nothing does not extend the file
	}
	return f.writeLocked("write", b, off, true)
}

// WriteString copies os.File.WriteString.
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

func (f *File) writeCheckLocked(op string) error {
	if err := f.beginLocked(OpWrite, op); err != nil {
		return err
	}
	if !f.writable() {
		return pathErr(op, f.name, syscall.EBADF)
	}
	return nil
}

// writeLocked writes b at off, all or nothing: a write that would take the
// disk beyond its capacity fails with ENOSPC.
func (f *File) writeLocked(op string, b []byte, off int64, at bool) (int, error) {
	n := f.ino
	grow := max(0, off+int64(len(b))-n.size)
	if c := f.d.faults.Capacity; c > 0 && !n.unlinked && f.d.used+grow > c {
		return 0, pathErr(op, f.name, syscall.ENOSPC)
	}
	var (
		w   int
		err error
	)
	n.writeLocked(off, int64(len(b)))
	if at {
		cur, _ := f.h.Seek(0, io.SeekCurrent)
		w, err = f.h.WriteAt(b, off)
		f.h.Seek(cur, io.SeekStart) //nolint:errcheck // mem's WriteAt moves the offset; os's does not
	} else {
		w, err = f.h.Write(b)
	}
	if err != nil {
		return w, pathErr(op, f.name, err)
	}
	if !n.unlinked {
		f.d.used += grow
	}
	n.wroteLocked(off, int64(w))
	f.d.touch(n)
	return w, nil
}

// Truncate copies os.File.Truncate; growing the file counts toward the
// capacity.
func (f *File) Truncate(size int64) error {
	f.d.delay(OpWrite)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.beginLocked(OpWrite, "truncate"); err != nil {
		return err
	}
	n := f.ino
	if !f.writable() || size < 0 {
		return pathErr("truncate", f.name, syscall.EINVAL)
	}
	if c := f.d.faults.Capacity; c > 0 && !n.unlinked && size > n.size && f.d.used+size-n.size > c {
		return pathErr("truncate", f.name, syscall.ENOSPC)
	}
	n.truncateLocked(size)
	if err := f.h.Truncate(size); err != nil {
		return pathErr("truncate", f.name, err)
	}
	if !n.unlinked {
		f.d.used += size - n.size
	}
	n.truncatedLocked(size)
	f.d.touch(n)
	return nil
}

// Sync copies os.File.Sync. For a file it makes the file's data durable;
// for a directory (opened with Open) it makes the directory's entry
// changes durable, with every entry change made before them.
func (f *File) Sync() error {
	f.d.delay(OpSync)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.beginLocked(OpSync, "sync"); err != nil {
		return err
	}
	if f.ino.dir {
		f.d.commitLocked(f.ino)
	} else {
		f.ino.syncLocked()
	}
	return nil
}

// Stat copies os.File.Stat.
func (f *File) Stat() (os.FileInfo, error) {
	f.d.delay(OpStat)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.beginLocked(OpStat, "stat"); err != nil {
		return nil, err
	}
	return mem.GetFileInfo(f.ino.live), nil
}

func (f *File) dirCheckLocked() error {
	if err := f.beginLocked(OpRead, "readdirent"); err != nil {
		return err
	}
	if !f.ino.dir {
		return pathErr("readdirent", f.name, syscall.ENOTDIR)
	}
	return nil
}

// Readdir copies os.File.Readdir.
func (f *File) Readdir(count int) ([]os.FileInfo, error) {
	f.d.delay(OpRead)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.dirCheckLocked(); err != nil {
		return nil, err
	}
	return f.h.Readdir(count)
}

// Readdirnames copies os.File.Readdirnames.
func (f *File) Readdirnames(n int) ([]string, error) {
	f.d.delay(OpRead)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.dirCheckLocked(); err != nil {
		return nil, err
	}
	return f.h.Readdirnames(n)
}

// ReadDir copies os.File.ReadDir.
func (f *File) ReadDir(n int) ([]fs.DirEntry, error) {
	f.d.delay(OpRead)
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if err := f.dirCheckLocked(); err != nil {
		return nil, err
	}
	return f.h.ReadDir(n)
}

// Close copies os.File.Close. Closing makes nothing durable.
func (f *File) Close() error {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if f.closed {
		return pathErr("close", f.name, os.ErrClosed)
	}
	f.closed = true
	if f.gen != f.d.gen {
		return pathErr("close", f.name, syscall.EIO)
	}
	err := f.h.Close()
	if f.writable() {
		f.d.touch(f.ino) // mem's Close stamps a writable file
	}
	return err
}
