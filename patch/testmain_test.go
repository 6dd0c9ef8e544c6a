package patch_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTestingM runs this test binary again, with no test selected, under
// each spec, and checks how TestMain (patch.TestingM) reacts.
func TestTestingM(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		env    string
		code   int
		stderr string // "" wants no patch report
	}{
		{"NoSpec", nil, "", 0, ""},
		{"Blocking", []string{"-greenshim=blocking"}, "green", 0, ""},
		{"BadFlag", []string{"-greenshim=grean"}, "", 2, `unknown token "grean"`},
		{"BadEnv", nil, "grean", 2, `$GREENSHIM: patch: unknown token "grean"`},
		{"FlagWinsOverEnv", []string{"-greenshim=blocking"}, "grean", 0, ""},
		{"EmptyFlagWinsOverEnv", []string{"-greenshim="}, "green", 0, ""},
		{"Green", []string{"-greenshim=green,-dns"}, "", 0, "patched  socket green.Socket"},
		{"GreenFromEnv", nil, "green", 0, "patched  dns    green.DNS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^$"}, c.args...)...)
			cmd.Env = append(os.Environ(), "GREENSHIM="+c.env)
			var out, errb strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, c.code, code, "stdout: %s\nstderr: %s", out.String(), errb.String())
			if c.stderr == "" {
				assert.NotContains(t, errb.String(), "patch report")
			} else {
				assert.Contains(t, errb.String(), c.stderr)
			}
		})
	}
}
