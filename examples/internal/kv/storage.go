package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"

	"github.com/spf13/afero"
)

// Storage keeps a replica's Durable state in a write-ahead log on a disk
// (any afero.Fs: a simulated host's iface.OS, or the real one), so that a
// replica restarted after a crash rejoins with the term, vote and log it
// had promised to others. The Server saves after each step and before it
// sends anything the step produced, and a save ends with File.Sync: what
// a peer or client has heard of is durable.
//
// The log is a sequence of records, each a uvarint length, a CRC-32 of the
// payload, and the payload: the term and vote, a truncation of the log to
// a length, or one entry. Recovery reads records up to the first that is
// short or fails its check (a torn write at a crash), cuts the file there,
// and rebuilds the state.
type Storage struct {
	f     afero.File
	size  int64  // bytes of whole records in the file
	term  uint64 // as saved
	vote  int
	saved uint64 // log length saved, the sentinel included
	buf   []byte
	state *Durable // as recovered, for the Server
}

// WALName is the file a Storage keeps in its directory.
const WALName = "raft.wal"

// OpenStorage opens (or creates) the log in dir on fs and recovers the
// state it holds, for a Server (Config.Storage). A new directory or file
// is made durable (its directory synced) before OpenStorage returns.
func OpenStorage(fs afero.Fs, dir string) (*Storage, error) {
	if fs == nil {
		return nil, errors.New("kv: OpenStorage of a nil file system")
	}
	if _, err := fs.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := fs.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := syncDir(fs, path.Dir(dir)); err != nil {
			return nil, err
		}
	}
	name := path.Join(dir, WALName)
	_, statErr := fs.Stat(name)
	f, err := fs.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(fs, dir); err != nil {
			f.Close()
			return nil, err
		}
	}
	s := &Storage{f: f}
	d, err := s.recover()
	if err != nil {
		f.Close()
		return nil, err
	}
	s.state = d
	return s, nil
}

func syncDir(fs afero.Fs, dir string) error {
	d, err := fs.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Record kinds.
const (
	recState    = 'S' // term, vote
	recTruncate = 'T' // new log length
	recEntry    = 'E' // one entry, appended
)

func (s *Storage) recover() (*Durable, error) {
	data, err := io.ReadAll(s.f)
	if err != nil {
		return nil, err
	}
	d := &Durable{log: []entry{{}}}
	off := 0
	for off < len(data) {
		n, k := binary.Uvarint(data[off:])
		if k <= 0 || uint64(len(data)-off-k) < 4+n || n == 0 {
			break
		}
		sum := binary.LittleEndian.Uint32(data[off+k:])
		p := data[off+k+4 : off+k+4+int(n)]
		if crc32.ChecksumIEEE(p) != sum || !d.replay(p) {
			break
		}
		off += k + 4 + int(n)
	}
	if off < len(data) { // a torn or corrupt tail: cut it, so appends follow whole records
		if err := s.f.Truncate(int64(off)); err != nil {
			return nil, err
		}
		if err := s.f.Sync(); err != nil {
			return nil, err
		}
	}
	if _, err := s.f.Seek(int64(off), io.SeekStart); err != nil {
		return nil, err
	}
	s.size, s.term, s.vote, s.saved = int64(off), d.term, d.votedFor, uint64(len(d.log))
	return d, nil
}

// replay applies one record's payload to d; false if it is malformed.
func (d *Durable) replay(p []byte) bool {
	dec := decoder{b: p[1:]}
	switch p[0] {
	case recState:
		d.term, d.votedFor = dec.uvarint(), int(dec.uvarint())
	case recTruncate:
		n := dec.uvarint()
		if n < 1 || n > uint64(len(d.log)) {
			return false
		}
		d.log = d.log[:n]
	case recEntry:
		d.log = append(d.log, entry{Term: dec.uvarint(), Client: dec.uvarint(), Seq: dec.uvarint(), Op: dec.input()})
	default:
		return false
	}
	return dec.err == nil && len(dec.b) == 0
}

// save appends what changed in d since the last save (the term and vote;
// the log from index from, where it was cut, on) and syncs the file.
func (s *Storage) save(d *Durable, from uint64) error {
	start := len(s.buf)
	if d.term != s.term || d.votedFor != s.vote {
		s.record(recState, func(b []byte) []byte {
			return binary.AppendUvarint(binary.AppendUvarint(b, d.term), uint64(d.votedFor))
		})
		s.term, s.vote = d.term, d.votedFor
	}
	if from < s.saved {
		s.record(recTruncate, func(b []byte) []byte { return binary.AppendUvarint(b, from) })
		s.saved = from
	}
	for ; s.saved < uint64(len(d.log)); s.saved++ {
		e := d.log[s.saved]
		s.record(recEntry, func(b []byte) []byte {
			b = binary.AppendUvarint(b, e.Term)
			b = binary.AppendUvarint(b, e.Client)
			b = binary.AppendUvarint(b, e.Seq)
			return appendInput(b, e.Op)
		})
	}
	if len(s.buf) == start {
		return nil
	}
	n, err := s.f.Write(s.buf)
	s.size += int64(n)
	s.buf = s.buf[:0]
	if err != nil {
		return fmt.Errorf("kv: saving the replica's state: %w", err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("kv: saving the replica's state: %w", err)
	}
	return nil
}

// record appends one record to s.buf, its payload made by body.
func (s *Storage) record(kind byte, body func([]byte) []byte) {
	p := body([]byte{kind})
	s.buf = binary.AppendUvarint(s.buf, uint64(len(p)))
	s.buf = binary.LittleEndian.AppendUint32(s.buf, crc32.ChecksumIEEE(p))
	s.buf = append(s.buf, p...)
}

// Close closes the log's file.
func (s *Storage) Close() error { return s.f.Close() }
