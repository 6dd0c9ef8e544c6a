package greentest_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/greentest"
)

// traced runs a small virtual hub under seed with a trace, and adds a
// world's message to it, as a simulated world would.
func traced(seed uint64) *green.Trace {
	tr := new(green.Trace)
	run(tr, func() error {
		g := green.Spawn(func() error { green.Sleep(time.Duration(seed) * time.Millisecond); return nil }).SetName("napper")
		return g.Join()
	})
	tr.Add(green.TraceEvent{At: time.Millisecond, Kind: "net.send", Host: "a", Flow: 1, What: "ping"})
	tr.Add(green.TraceEvent{At: 2 * time.Millisecond, Kind: "net.drop", Host: "b", Flow: 1, What: "ping"})
	return tr
}

// TestPictureHelper is not a test: run by the tests below in a child
// process, it fails (or passes) with a picture registered, as a user's
// test would.
func TestPictureHelper(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "picture-run":
		greentest.Run(t, 42, func(t *testing.T, seed uint64) {
			greentest.Picture(t, seed, traced(seed))
			t.Errorf("seed %d fails", seed)
		})
	case "picture-pass":
		greentest.Run(t, 42, func(t *testing.T, seed uint64) { greentest.Picture(t, seed, traced(seed)) })
	case "picture-sweep":
		greentest.Sweep(t, 10, func(t *testing.T, seed uint64) {
			greentest.Picture(t, seed, traced(seed))
			if seed == 3 {
				t.Fatalf("seed %d fails", seed)
			}
		})
	default:
		t.Skip("a helper for the tests that run this binary")
	}
}

var pictureLine = regexp.MustCompile(`picture of seed (\d+): (\S+\.html) \(Chrome trace, for ui\.perfetto\.dev: (\S+\.json)\)`)

// checkPicture checks that a picture line names two files that hold the
// run: the JSON parses and names the greenlet, the page names the hosts.
func checkPicture(t *testing.T, m []string) {
	t.Helper()
	js, err := os.ReadFile(m[3])
	if err != nil || !json.Valid(js) || !strings.Contains(string(js), "napper") {
		t.Errorf("%s: %d bytes, %v; want the run's Chrome trace", m[3], len(js), err)
	}
	page, err := os.ReadFile(m[2])
	if err != nil || !strings.Contains(string(page), `"name":"a"`) || !strings.Contains(string(page), `"drop":true`) {
		t.Errorf("%s: %d bytes, %v; want the run's page", m[2], len(page), err)
	}
}

// A failing Run writes the pictures where GREENSHIM_TRACE_DIR says and
// prints their paths just before the replay line.
func TestPicture_FailingRunWritesAndPrints(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "made", "for", "it")
	out := child(t, "picture-run", "^TestPictureHelper$", nil, greentest.TraceDirEnv+"="+dir)
	m := pictureLine.FindStringSubmatch(out)
	if m == nil || m[1] != "42" {
		t.Fatalf("no picture line for seed 42 in:\n%s", out)
	}
	want := filepath.Join(dir, "green_greentest.TestPictureHelper-seed42")
	if m[2] != want+".html" || m[3] != want+".json" {
		t.Errorf("pictures at %s and %s, want %s.{html,json}", m[2], m[3], want)
	}
	checkPicture(t, m)
	replay := strings.Index(out, "seed 42 failed; replay: GREENSHIM_SEED=42")
	if at := strings.Index(out, m[0]); replay < 0 || at > replay {
		t.Errorf("the picture line does not come before the replay line:\n%s", out)
	}
}

// A passing test writes nothing.
func TestPicture_PassingRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	out := child(t, "picture-pass", "^TestPictureHelper$", nil, greentest.TraceDirEnv+"="+dir)
	if strings.Contains(out, "picture of seed") || !strings.Contains(out, "--- PASS: TestPictureHelper") {
		t.Errorf("a passing run printed a picture, or failed:\n%s", out)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("a passing run wrote %d files", len(files))
	}
}

// A sweep pictures the failing seed alone, named after the test and the
// seed, not the subtest.
func TestPicture_Sweep(t *testing.T) {
	dir := t.TempDir()
	out := child(t, "picture-sweep", "^TestPictureHelper$", nil, greentest.TraceDirEnv+"="+dir)
	ms := pictureLine.FindAllStringSubmatch(out, -1)
	if len(ms) != 1 || ms[0][1] != "3" || filepath.Base(ms[0][2]) != "green_greentest.TestPictureHelper-seed3.html" {
		t.Fatalf("picture lines %q, want one for seed 3:\n%s", ms, out)
	}
	checkPicture(t, ms[0])
	if files, _ := os.ReadDir(dir); len(files) != 2 {
		t.Errorf("the sweep wrote %d files, want 2", len(files))
	}
}

// Without GREENSHIM_TRACE_DIR the pictures go under the temporary
// directory, or with -artifacts into the test's artifact directory.
func TestPicture_DefaultDirs(t *testing.T) {
	tmp := t.TempDir()
	out := child(t, "picture-run", "^TestPictureHelper$", nil, "TMPDIR="+tmp, greentest.TraceDirEnv+"=")
	m := pictureLine.FindStringSubmatch(out)
	if m == nil || filepath.Dir(m[2]) != filepath.Join(tmp, "greenshim-traces") {
		t.Fatalf("want a picture under %s/greenshim-traces:\n%s", tmp, out)
	}
	checkPicture(t, m)

	outdir := t.TempDir()
	out = child(t, "picture-run", "^TestPictureHelper$", []string{"-test.artifacts", "-test.outputdir=" + outdir}, greentest.TraceDirEnv+"=")
	m = pictureLine.FindStringSubmatch(out)
	if m == nil || !strings.HasPrefix(m[2], filepath.Join(outdir, "_artifacts")+string(filepath.Separator)) {
		t.Fatalf("want a picture under %s/_artifacts:\n%s", outdir, out)
	}
	checkPicture(t, m)
}

// pictureTB is a failed test whose cleanups the test runs.
type pictureTB struct {
	testing.TB
	name     string
	cleanups []func()
	logs     []string
}

func (f *pictureTB) Helper()                        {}
func (f *pictureTB) Name() string                   { return f.name }
func (f *pictureTB) Failed() bool                   { return true }
func (f *pictureTB) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *pictureTB) Logf(format string, a ...any)   { f.logs = append(f.logs, fmt.Sprintf(format, a...)) }
func (f *pictureTB) Errorf(format string, a ...any) { f.Logf(format, a...) }

func (f *pictureTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// A directory that cannot be made is reported, naming the variable; a
// nil trace is misuse.
func TestPicture_BadInput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	t.Setenv(greentest.TraceDirEnv, filepath.Join(file, "sub"))
	f := &pictureTB{TB: t, name: "TestX/seed=5"}
	greentest.Picture(f, 5, traced(5))
	f.end()
	if len(f.logs) != 1 || !strings.Contains(f.logs[0], "no picture of seed 5") || !strings.Contains(f.logs[0], greentest.TraceDirEnv) {
		t.Errorf("logs %q, want one saying why there is no picture", f.logs)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "greentest: Picture of a nil trace") {
			t.Errorf("Picture(nil trace) did not panic as misuse: %v", r)
		}
	}()
	greentest.Picture(f, 1, nil)
}

// Names a file system would not take are replaced; the seed ends it.
func TestPicture_Name(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(greentest.TraceDirEnv, dir)
	f := &pictureTB{TB: t, name: `TestKV/stale read: "a*b"/seed=9`}
	greentest.Picture(f, 9, traced(9))
	f.end()
	want := filepath.Join(dir, "green_greentest.TestKV__stale_read___a_b_-seed9")
	if len(f.logs) != 1 || !strings.Contains(f.logs[0], want+".html") {
		t.Errorf("logs %q, want the picture at %s.html", f.logs, want)
	}
}
