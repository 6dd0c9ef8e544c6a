package patch_test

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestParseSpec(t *testing.T) {
	cases := []struct {
		in    string
		patch bool
		opts  patch.Options
	}{
		{"", false, patch.Options{}},
		{"blocking", false, patch.Options{}},
		{"green", true, patch.Options{}},
		{"green,-dns", true, patch.Options{NoDNS: true}},
		{" green , -dns ", true, patch.Options{NoDNS: true}},
		{"-dns,-os", true, patch.Options{NoDNS: true, NoOS: true}},
		{"socket,time", true, patch.Options{NoOS: true, NoDNS: true}},
		{"green,socket", true, patch.Options{}},
	}
	simCases := []struct {
		in   string
		opts patch.Options
	}{
		{"sim", patch.Options{}},
		{"sim,-os", patch.Options{NoOS: true}},
		{"sim,green", patch.Options{}},
	}
	for _, c := range simCases {
		t.Run(c.in, func(t *testing.T) {
			s, err := patch.ParseSpec(c.in)
			require.NoError(t, err)
			assert.True(t, s.Patch)
			assert.True(t, s.Sim)
			assert.Equal(t, c.opts, s.Options)
		})
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			s, err := patch.ParseSpec(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.patch, s.Patch)
			assert.Equal(t, c.opts, s.Options)
			assert.Equal(t, c.in, s.String())
		})
	}
}

func TestParseSpec_Errors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"gren", `unknown token "gren" in "gren"; valid tokens: green, sim, blocking, os, time, socket, dns, -os, -time, -socket, -dns`},
		{"green,-thread", `unknown token "-thread"`},
		{"green,,dns", `empty token in "green,,dns"`},
		{"blocking,-dns", "blocking patches nothing and cannot be combined"},
		{"blocking,sim", "blocking patches nothing and cannot be combined"},
		{"dns,-dns", `"dns,-dns" both names and opts out dns`},
		{"green,green", `token "green" appears twice in "green,green"`},
		{"dns, -os,dns", `token "dns" appears twice`},
		{"-dns,-dns", `token "-dns" appears twice`},
		{"blocking,blocking", `token "blocking" appears twice`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := patch.ParseSpec(c.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// A spec comes from a flag or the environment, of any length: an error
// quotes at most 40 bytes of the spec and of the bad token, and says how
// long each was.
func TestParseSpec_ErrorsCutLongInput(t *testing.T) {
	long := strings.Repeat("x", 10000)
	cases := []struct {
		name, in string
		want     []string
	}{
		{"unknown token", "green," + long, []string{`unknown token "` + long[:40] + `"... (10000 bytes)`, `(10006 bytes)`}},
		{"empty token", "green,," + long, []string{`empty token in "green,,` + long[:33] + `"... (10007 bytes)`}},
		{"duplicate", "green,green," + long, []string{`token "green" appears twice in "green,green,` + long[:28] + `"... (10012 bytes)`}},
		{"multi-byte", "green," + strings.Repeat("é", 100), []string{`unknown token "` + strings.Repeat("é", 20) + `"... (200 bytes)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := patch.ParseSpec(c.in)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, len(err.Error()), 300, "the error copies the input: %.200s", err)
		})
	}
}

func TestRegisterFlag(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	spec := patch.RegisterFlag(fs)
	require.NoError(t, fs.Parse([]string{"-greenshim=green,-socket"}))
	assert.True(t, spec.Patch)
	assert.True(t, spec.Options.NoSocket)

	fs = flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	patch.RegisterFlag(fs)
	err := fs.Parse([]string{"-greenshim=sockets"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown token "sockets"`)
}

func TestSpecFromEnv(t *testing.T) {
	t.Setenv(patch.EnvVar, "green,-time")
	s, err := patch.SpecFromEnv()
	require.NoError(t, err)
	assert.Equal(t, patch.Options{NoTime: true}, s.Options)

	t.Setenv(patch.EnvVar, "grean")
	_, err = patch.SpecFromEnv()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "$GREENSHIM: patch: unknown token")
}

func TestSpec_ApplyNothing(t *testing.T) {
	fresh(t)
	s, err := patch.ParseSpec("blocking")
	require.NoError(t, err)
	r, err := s.Apply()
	require.NoError(t, err)
	assert.Nil(t, r)
}
