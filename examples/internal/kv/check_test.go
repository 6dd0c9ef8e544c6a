package kv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/kv"
)

func op(client int, kind kv.Kind, key, value string, call, ret int, outcome kv.Outcome) kv.Record {
	r := kv.Record{Client: client, In: kv.Input{Kind: kind, Key: key}, Outcome: outcome,
		Call: time.Duration(call) * time.Millisecond, Return: time.Duration(ret) * time.Millisecond}
	if kind == kv.Get {
		r.Value = value
	} else {
		r.In.Value = value
	}
	return r
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		history []kv.Record
		bad     []string // keys not linearizable; nil: linearizable
	}{
		{"empty", nil, nil},
		{"read after write", []kv.Record{
			op(0, kv.Put, "x", "a", 0, 10, kv.OK),
			op(1, kv.Get, "x", "a", 20, 30, kv.OK),
		}, nil},
		{"stale read after an acknowledged write", []kv.Record{
			op(0, kv.Put, "x", "a", 0, 10, kv.OK),
			op(0, kv.Put, "x", "b", 20, 30, kv.OK),
			op(1, kv.Get, "x", "a", 40, 50, kv.OK),
		}, []string{"x"}},
		{"concurrent read may see either", []kv.Record{
			op(0, kv.Put, "x", "a", 0, 10, kv.OK),
			op(0, kv.Put, "x", "b", 20, 50, kv.OK),
			op(1, kv.Get, "x", "a", 30, 40, kv.OK),
		}, nil},
		{"append twice is seen", []kv.Record{
			op(0, kv.Append, "x", "1;", 0, 10, kv.OK),
			op(1, kv.Get, "x", "1;1;", 20, 30, kv.OK),
		}, []string{"x"}},
		{"unknown write may land late", []kv.Record{
			op(0, kv.Put, "x", "a", 0, 10, kv.Unknown),
			op(1, kv.Get, "x", "", 20, 30, kv.OK),
			op(1, kv.Get, "x", "a", 40, 50, kv.OK),
		}, nil},
		{"unknown write never lands twice", []kv.Record{
			op(0, kv.Put, "x", "a", 0, 10, kv.Unknown),
			op(1, kv.Put, "x", "b", 20, 30, kv.OK),
			op(1, kv.Get, "x", "a", 40, 50, kv.OK),
			op(1, kv.Get, "x", "b", 60, 70, kv.OK),
		}, []string{"x"}},
		{"unknown read is dropped", []kv.Record{
			op(0, kv.Get, "x", "zzz", 0, 10, kv.Unknown),
		}, nil},
		{"keys are checked apart", []kv.Record{
			op(0, kv.Put, "x", "a", 0, 10, kv.OK),
			op(0, kv.Put, "y", "b", 0, 10, kv.OK),
			op(1, kv.Get, "y", "", 20, 30, kv.OK),
			op(1, kv.Get, "x", "a", 20, 30, kv.OK),
		}, []string{"y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := kv.Check(tt.history)
			if tt.bad == nil {
				assert.NoError(t, err)
				return
			}
			var nle *kv.NotLinearizableError
			require.ErrorAs(t, err, &nle)
			assert.Equal(t, tt.bad, nle.Keys)
		})
	}
}

func TestWriteHistory(t *testing.T) {
	var b strings.Builder
	require.NoError(t, kv.WriteHistory(&b, []kv.Record{
		op(0, kv.Put, "x", "a", 0, 10, kv.OK),
		op(1, kv.Get, "x", "a", 20, 30, kv.OK),
		op(1, kv.Append, "y", "1;", 40, 1040, kv.Unknown),
	}))
	assert.Equal(t, `          0s         10ms c0 #0 put x="a" -> ok by n1
        20ms         30ms c1 #0 get x -> "a" by n1
        40ms        1.04s c1 #0 append y="1;" -> unknown
`, b.String())
}

func TestParseBugs(t *testing.T) {
	for _, tt := range []struct {
		in, name string
		want     kv.Bugs
	}{
		{"", "none", kv.Bugs{}},
		{"none", "none", kv.Bugs{}},
		{"stale-read", "stale-read", kv.Bugs{StaleRead: true}},
		{"no-dedup,stale-read", "stale-read,no-dedup", kv.Bugs{StaleRead: true, NoDedup: true}},
	} {
		got, err := kv.ParseBugs(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, tt.name, got.String(), "%q", tt.in)
	}
	_, err := kv.ParseBugs("stale-read,fast")
	assert.ErrorContains(t, err, `unknown bug "fast"`)
}
