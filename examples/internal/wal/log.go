// Package wal is examples/wal's body: a write-ahead log (Log) and a
// simulation that crashes the host it runs on at random and checks what
// the log recovers (Run, Sweep).
package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green/sim"
)

// A record is framed as length (4 bytes, big-endian), CRC-32C of the
// length's bytes and the payload (4 bytes), then the payload. The CRC
// covers the length so that a zeroed frame (what a crash leaves between a
// file's durable end and a torn write) never reads as an empty record.
const header = 8

// MaxRecord bounds a record's payload.
const MaxRecord = 1 << 20

var table = crc32.MakeTable(crc32.Castagnoli)

// Bug names a mistake planted in the log for the simulation to find.
type Bug string

const (
	// NoBug is the log as it should be.
	NoBug Bug = ""
	// SkipSync acknowledges an append without syncing the file.
	SkipSync Bug = "skip-sync"
	// SkipDirSync creates the log without syncing its directory, so the
	// file's entry may not survive a crash.
	SkipDirSync Bug = "skip-dir-sync"
)

// Bugs lists the bugs that can be planted.
var Bugs = []Bug{SkipSync, SkipDirSync}

// ParseBug returns the bug called name ("" or "none" for none).
func ParseBug(name string) (Bug, error) {
	switch Bug(name) {
	case NoBug, "none":
		return NoBug, nil
	case SkipSync, SkipDirSync:
		return Bug(name), nil
	}
	return "", fmt.Errorf("wal: unknown bug %q (bugs: none, skip-sync, skip-dir-sync)", name)
}

// Log is an append-only log of records in one file. Append returns once
// the record is durable: written, then the file synced. Open recovers the
// records of a log a crash interrupted: it reads frames from the start and
// stops at the first that is short or fails its checksum (a torn tail),
// which it truncates away, durably, before appending after it.
type Log struct {
	fs  afero.Fs
	f   afero.File
	off int64 // where the next record goes
	bug Bug
}

// Open opens the log at name on fs, creating it (and syncing its
// directory, so the new entry survives a crash), and returns it with the
// records it holds.
func Open(fs afero.Fs, name string, bug Bug) (*Log, [][]byte, error) {
	_, err := fs.Stat(name)
	created := errors.Is(err, os.ErrNotExist)
	if err != nil && !created {
		return nil, nil, err
	}
	f, err := fs.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	l := &Log{fs: fs, f: f, bug: bug}
	if created && bug != SkipDirSync {
		if err := syncDir(fs, path.Dir(name)); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	recs, err := l.recover()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return l, recs, nil
}

func syncDir(fs afero.Fs, dir string) error {
	d, err := fs.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// recover reads the records and truncates a torn tail.
func (l *Log) recover() ([][]byte, error) {
	fi, err := l.f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	var recs [][]byte
	var hdr [header]byte
	off := int64(0)
	for off+header <= size {
		if _, err := l.f.ReadAt(hdr[:], off); err != nil {
			return nil, err
		}
		n := int64(binary.BigEndian.Uint32(hdr[0:4]))
		if n == 0 || n > MaxRecord || off+header+n > size {
			break // torn: the frame does not fit
		}
		rec := make([]byte, n)
		if _, err := l.f.ReadAt(rec, off+header); err != nil && err != io.EOF {
			return nil, err
		}
		if checksum(hdr[0:4], rec) != binary.BigEndian.Uint32(hdr[4:8]) {
			break // torn or zeroed
		}
		recs = append(recs, rec)
		off += header + n
	}
	if off < size {
		if err := l.f.Truncate(off); err != nil {
			return nil, err
		}
		if err := l.f.Sync(); err != nil {
			return nil, err
		}
	}
	l.off = off
	return recs, nil
}

func checksum(length, rec []byte) uint32 {
	return crc32.Update(crc32.Checksum(length, table), table, rec)
}

// Append writes rec at the end of the log and syncs it: when it returns
// nil, rec survives any crash.
func (l *Log) Append(rec []byte) error {
	if len(rec) == 0 || len(rec) > MaxRecord {
		return fmt.Errorf("wal: a record of %d bytes (want 1 to %d)", len(rec), MaxRecord)
	}
	frame := make([]byte, header+len(rec))
	binary.BigEndian.PutUint32(frame[0:4], uint32(len(rec)))
	binary.BigEndian.PutUint32(frame[4:8], checksum(frame[0:4], rec))
	copy(frame[header:], rec)
	if sim.Buggify("wal.split-write") {
		// Two writes, header then payload: a crash can tear between them.
		if _, err := l.f.WriteAt(frame[:header], l.off); err != nil {
			return err
		}
		if _, err := l.f.WriteAt(frame[header:], l.off+header); err != nil {
			return err
		}
	} else if _, err := l.f.WriteAt(frame, l.off); err != nil {
		return err
	}
	if l.bug != SkipSync {
		if err := l.f.Sync(); err != nil {
			return err
		}
	}
	l.off += int64(len(frame))
	return nil
}

// Close closes the log's file.
func (l *Log) Close() error { return l.f.Close() }
