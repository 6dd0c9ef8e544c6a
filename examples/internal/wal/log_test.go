package wal_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/examples/internal/wal"
	"github.com/greenshim/greenshim/green/sim/simdisk"
	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(patch.TestingM(m)) }

func newDisk(t *testing.T) *simdisk.Disk {
	d, err := simdisk.New(simdisk.Options{})
	require.NoError(t, err)
	return d
}

func TestLog_AppendAndReopen(t *testing.T) {
	d := newDisk(t)
	l, recs, err := wal.Open(d, "/wal", wal.NoBug)
	require.NoError(t, err)
	require.Empty(t, recs)
	want := [][]byte{[]byte("one"), []byte("two"), bytes.Repeat([]byte("x"), 5000)}
	for _, r := range want {
		require.NoError(t, l.Append(r))
	}
	require.NoError(t, l.Close())
	d.Crash(nil) // everything was synced, the entry too
	l, recs, err = wal.Open(d, "/wal", wal.NoBug)
	require.NoError(t, err)
	require.Equal(t, want, recs)
	require.NoError(t, l.Append([]byte("four")))
	require.NoError(t, l.Close())
	_, recs, err = wal.Open(d, "/wal", wal.NoBug)
	require.NoError(t, err)
	require.Len(t, recs, 4)
}

// A torn or zeroed tail is cut off on recovery, durably, and appends go
// on after the last whole record.
func TestLog_RecoverTruncatesATornTail(t *testing.T) {
	for name, tail := range map[string][]byte{
		"short header":  {0, 0, 0},
		"zeroed frame":  make([]byte, 600),
		"short payload": {0, 0, 0, 100, 1, 2, 3, 4, 'a', 'b'},
		"bad checksum":  {0, 0, 0, 2, 1, 2, 3, 4, 'a', 'b'},
		"absurd length": {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			d := newDisk(t)
			l, _, err := wal.Open(d, "/wal", wal.NoBug)
			require.NoError(t, err)
			require.NoError(t, l.Append([]byte("whole")))
			require.NoError(t, l.Close())
			f, err := d.OpenFile("/wal", 2 /* O_RDWR */, 0)
			require.NoError(t, err)
			_, err = f.WriteAt(tail, 13)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			l, recs, err := wal.Open(d, "/wal", wal.NoBug)
			require.NoError(t, err)
			require.Equal(t, [][]byte{[]byte("whole")}, recs)
			fi, err := d.Stat("/wal")
			require.NoError(t, err)
			require.EqualValues(t, 13, fi.Size(), "the tail was not cut")
			require.NoError(t, l.Append([]byte("next")))
			require.NoError(t, l.Close())
			d.Crash(nil)
			_, recs, err = wal.Open(d, "/wal", wal.NoBug)
			require.NoError(t, err)
			require.Equal(t, [][]byte{[]byte("whole"), []byte("next")}, recs)
		})
	}
}

func TestLog_BadInput(t *testing.T) {
	d := newDisk(t)
	l, _, err := wal.Open(d, "/wal", wal.NoBug)
	require.NoError(t, err)
	defer l.Close()
	require.ErrorContains(t, l.Append(nil), "a record of 0 bytes")
	require.Error(t, l.Append(make([]byte, wal.MaxRecord+1)))
	_, _, err = wal.Open(d, "/no/such/dir/wal", wal.NoBug)
	require.Error(t, err)
	_, err = wal.ParseBug("nope")
	require.ErrorContains(t, err, `unknown bug "nope"`)
	for _, b := range append([]wal.Bug{"", "none"}, wal.Bugs...) {
		_, err := wal.ParseBug(string(b))
		require.NoError(t, err, b)
	}
}

// Without the planted bug, a crash after Append keeps the record; with
// skip-sync it does not.
func TestLog_SkipSyncLosesAcknowledgedRecords(t *testing.T) {
	for _, c := range []struct {
		bug  wal.Bug
		kept int
	}{{wal.NoBug, 1}, {wal.SkipSync, 0}} {
		d := newDisk(t)
		l, _, err := wal.Open(d, "/wal", c.bug)
		require.NoError(t, err)
		require.NoError(t, l.Append([]byte("acknowledged")))
		d.Crash(nil)
		_, recs, err := wal.Open(d, "/wal", c.bug)
		require.NoError(t, err)
		require.Len(t, recs, c.kept, "bug %q", c.bug)
	}
}
