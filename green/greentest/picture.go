package greentest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// TraceDirEnv names the directory [Picture] writes into, if set.
const TraceDirEnv = "GREENSHIM_TRACE_DIR"

// Picture registers tr, the trace of t's run under seed, to be drawn if t
// fails: when t ends failed, it writes the run's two pictures (package
// green/sim/timeline: Chrome trace JSON and an HTML space-time diagram)
// and logs their paths, just before the line that replays the seed:
//
//	picture of seed 17: /tmp/greenshim-traces/green_sim.TestTransfer-seed17.html (Chrome trace, for ui.perfetto.dev: ....json)
//
// They go to the directory GREENSHIM_TRACE_DIR names (made if missing);
// else, under go test -artifacts, to t's artifact directory (kept under
// -outputdir); else to greenshim-traces in the system's temporary
// directory. Their names are the package, the test (without a Sweep's
// "seed=S") and the seed, so a replay overwrites the last picture of the
// same seed. A passing test writes nothing. It panics if tr is nil.
func Picture(t testing.TB, seed uint64, tr *green.Trace) {
	t.Helper()
	if tr == nil {
		panic("greentest: Picture of a nil trace")
	}
	t.Cleanup(func() {
		t.Helper()
		if !t.Failed() {
			return
		}
		dir, err := pictureDir(t)
		if err == nil {
			var html, json string
			if json, html, err = timeline.WriteFiles(filepath.Join(dir, pictureName(t, seed)), tr); err == nil {
				t.Logf("picture of seed %d: %s (Chrome trace, for ui.perfetto.dev: %s)", seed, html, json)
				return
			}
		}
		t.Logf("greentest: no picture of seed %d: %v", seed, err)
	})
}

// pictureDir is where Picture writes: see its doc.
func pictureDir(t testing.TB) (string, error) {
	dir := os.Getenv(TraceDirEnv)
	if dir == "" {
		if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
			return t.ArtifactDir(), nil
		}
		dir = filepath.Join(os.TempDir(), "greenshim-traces")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("greentest: %s: %w", TraceDirEnv, err)
	}
	return dir, nil
}

// pictureName is "pkg.Test__sub-seedS", with what a file name should not
// hold replaced by "_".
func pictureName(t testing.TB, seed uint64) string {
	name := t.Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 && strings.HasPrefix(name[i+1:], "seed=") {
		name = name[:i]
	}
	name = strings.ReplaceAll(name, "/", "__")
	if pkg := strings.TrimPrefix(pkgDir(), "./"); pkg != "." {
		name = strings.ReplaceAll(pkg, "/", "_") + "." + name
	}
	clean := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, name)
	if len(clean) > 150 {
		clean = clean[:150]
	}
	return fmt.Sprintf("%s-seed%d", clean, seed)
}
