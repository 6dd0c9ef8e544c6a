package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

func TestPatchorder(t *testing.T) {
	// The demo starts from an unpatched process, whatever -greenshim chose.
	patch.Restore()
	var out strings.Builder
	require.NoError(t, run(&out))
	s := out.String()
	t.Log("\n" + s)
	assert.Contains(t, s, "patched  socket green.Socket (was blocking.Socket)")
	assert.Contains(t, s, "stale bindings")
	// The binding of early's package-level var, by package, function and line.
	assert.Contains(t, s, "socket bound blocking.Socket in github.com/greenshim/greenshim/examples/patchorder/early.init (early.go:14)")
	assert.Contains(t, s, "early.Dial went through blocking.Socket\n")
	assert.Contains(t, s, "late.Dial went through green.Socket\n")
}
