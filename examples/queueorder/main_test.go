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

func TestQueueorder(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out))
	want := `== putter puts three items without yielding
  put 0
  put 1
  put 2
  got 0
  got 1
  got 2
== putter yields after each Put
  put 0
  got 0
  put 1
  got 1
  put 2
  got 2
`
	assert.True(t, strings.HasPrefix(out.String(), want), "got:\n%s", out.String())
}
