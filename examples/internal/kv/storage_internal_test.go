package kv

import (
	"path"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStorage_Recovers(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, err := OpenStorage(fs, "/data/kv")
	require.NoError(t, err)
	d := st.state
	assert.Equal(t, Durable{log: []entry{{}}}, *d, "a new log holds a new replica's state")

	put := func(term, seq uint64) entry {
		return entry{Term: term, Client: 1, Seq: seq, Op: Input{Kind: Put, Key: "x", Value: "v"}}
	}
	d.term, d.votedFor = 2, 3
	d.log = append(d.log, entry{Term: 1}, put(1, 1), put(2, 2))
	require.NoError(t, st.save(d, uint64(len(d.log))))
	d.log = append(d.log[:2], put(3, 3)) // cut at 2, then an entry of a later term
	d.term, d.votedFor = 3, 0
	require.NoError(t, st.save(d, 2))
	require.NoError(t, st.save(d, uint64(len(d.log))), "a save with nothing new")
	require.NoError(t, st.Close())

	again, err := OpenStorage(fs, "/data/kv")
	require.NoError(t, err)
	assert.Equal(t, *d, *again.state)
	require.NoError(t, again.Close())
}

func TestStorage_TornTail(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, err := OpenStorage(fs, "/kv")
	require.NoError(t, err)
	d := st.state
	d.term = 1
	d.log = append(d.log, entry{Term: 1, Client: 2, Seq: 1, Op: Input{Kind: Append, Key: "y", Value: "2.1;"}})
	require.NoError(t, st.save(d, 1))
	whole := st.size
	d.log = append(d.log, entry{Term: 1, Client: 2, Seq: 2, Op: Input{Kind: Append, Key: "y", Value: "2.2;"}})
	require.NoError(t, st.save(d, 2))
	require.NoError(t, st.Close())

	name := path.Join("/kv", WALName)
	data, err := afero.ReadFile(fs, name)
	require.NoError(t, err)
	for _, tail := range [][]byte{
		data[:len(data)-3],                                             // the last record torn
		append(data[:whole:whole], 0, 0, 0, 0, 0),                      // zeros where it was
		append(data[:len(data)-1:len(data)-1], data[len(data)-1]^0xff), // its last byte corrupt
	} {
		require.NoError(t, afero.WriteFile(fs, name, tail, 0o644))
		again, err := OpenStorage(fs, "/kv")
		require.NoError(t, err)
		assert.Len(t, again.state.log, 2, "the whole record is kept, the torn one dropped")
		assert.Equal(t, uint64(1), again.state.term)
		// The torn tail is cut, so what is saved next follows whole records.
		again.state.log = append(again.state.log, entry{Term: 2})
		require.NoError(t, again.save(again.state, 2))
		require.NoError(t, again.Close())
		last, err := OpenStorage(fs, "/kv")
		require.NoError(t, err)
		assert.Equal(t, []entry{{}, d.log[1], {Term: 2}}, last.state.log)
		require.NoError(t, last.Close())
	}
}

func TestOpenStorage_BadInput(t *testing.T) {
	_, err := OpenStorage(nil, "/kv")
	assert.ErrorContains(t, err, "nil file system")
	ro := afero.NewReadOnlyFs(afero.NewMemMapFs())
	_, err = OpenStorage(ro, "/kv")
	assert.Error(t, err)
}
