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

func TestProdcons(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out, "virtual"))
	s := out.String()
	t.Log("\n" + s)
	// On virtual time the figures are exact: the generator's waits add up,
	// the greenlets' overlap.
	assert.Contains(t, s, "generator: 10 items in 6.0s")
	assert.Contains(t, s, "greenlets: 10 items in 1.5s")
	assert.Contains(t, s, "  +0.1s consumer 0 got item 0\n")
	assert.Equal(t, 20, strings.Count(s, "got item"))
	// Same program, same output: the run is deterministic.
	var again strings.Builder
	require.NoError(t, run(&again, "virtual"))
	assert.Equal(t, s, again.String())
}
