package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

func TestCrawler(t *testing.T) {
	patch.Restore() // the demo patches from a clean start
	var out strings.Builder
	res, err := run(&out, 10, 50*time.Millisecond)
	require.NoError(t, err)
	t.Log("\n" + out.String())
	assert.Equal(t, 10, res.OK)
	assert.Equal(t, 10, strings.Count(out.String(), ": 200 OK, "))
	assert.Contains(t, out.String(), "patched  socket green.Socket")
	// The fetches overlap at the server: more than one page in flight at
	// once (all ten on any machine that is not overloaded).
	assert.Greater(t, res.Peak, int64(1))
}

func TestCrawler_BadInput(t *testing.T) {
	_, err := run(&strings.Builder{}, 0, 0)
	assert.ErrorContains(t, err, "-pages 0")
}
