package kv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sampleMessages = []message{
	{Type: mVote, Term: 3, From: 1, LastIndex: 7, LastTerm: 2},
	{Type: mVoteReply, Term: 3, From: 2, Granted: true},
	{Type: mAppend, Term: 4, From: 0, PrevIndex: 5, PrevTerm: 3, Commit: 4, Entries: []entry{
		{Term: 4},
		{Term: 4, Client: 2, Seq: 9, Op: Input{Kind: Append, Key: "x", Value: "2.9;"}},
	}},
	{Type: mAppendReply, Term: 4, From: 1, Success: true, Match: 7},
	{Type: mRequest, From: -1, Client: 3, Seq: 1, Op: Input{Kind: Get, Key: "y"}},
	{Type: mReply, From: 2, Client: 3, Seq: 1, Value: "c1.4", Err: errNotLeader, Leader: -1},
}

func TestMessage_RoundTrip(t *testing.T) {
	for _, m := range sampleMessages {
		got, err := decode(m.encode(nil))
		require.NoError(t, err, "%+v", m)
		assert.Equal(t, m, got)
	}
}

func TestDecode_Malformed(t *testing.T) {
	whole := sampleMessages[2].encode(nil)
	for _, b := range [][]byte{nil, {0}, {99, 1, 2}, whole[:len(whole)-1], append(whole[:len(whole):len(whole)], 0)} {
		_, err := decode(b)
		assert.ErrorIs(t, err, errMalformed, "%x", b)
	}
}

func FuzzDecode(f *testing.F) {
	for _, m := range sampleMessages {
		f.Add(m.encode(nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to a message that decodes the same.
		again, err := decode(m.encode(nil))
		require.NoError(t, err)
		assert.Equal(t, m, again)
	})
}
