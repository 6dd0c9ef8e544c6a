package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

var line = regexp.MustCompile(`^sleepers n=(\d+) clock=(\w+) spawn_s=[\d.]+ total_s=[\d.]+ peak_rss_mib=\d+ peak_parked=(\d+) bytes_per_parked=[\d.]+ hub_s=([\d.]+)\n$`)

func TestSleepers(t *testing.T) {
	for _, clk := range []string{"virtual", "real"} {
		t.Run(clk, func(t *testing.T) {
			var out strings.Builder
			require.NoError(t, run(&out, 2000, clk))
			m := line.FindStringSubmatch(out.String())
			require.NotNil(t, m, "output %q", out.String())
			assert.Equal(t, "2000", m[1])
			assert.Equal(t, clk, m[2])
			parked, _ := strconv.Atoi(m[3])
			assert.Positive(t, parked, "no greenlet was ever seen parked")
			hub, _ := strconv.ParseFloat(m[4], 64)
			// Every greenlet sleeps one second of hub time: at least that passes.
			assert.GreaterOrEqual(t, hub, 1.0)
		})
	}
}

func TestSleepers_BadInput(t *testing.T) {
	assert.ErrorContains(t, run(&strings.Builder{}, 0, "real"), "-n 0")
	assert.ErrorContains(t, run(&strings.Builder{}, 1, "fake"), `-clock "fake"`)
}
