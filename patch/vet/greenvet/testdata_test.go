package greenvet_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/greenshim/greenshim/patch/vet/greenvet"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// downloadTestdata fetches the requirements of the testdata module
// (go-redis, grpc-go and theirs) into the module cache, through the
// GOPROXY the tests were run with. analysistest and the Example load the
// testdata module with GOPROXY=off, and go test of this package downloads
// only the analyzer's own requirements: without this, go test ./... on a
// fresh machine could not import grpc-go. With the modules cached it costs
// a look at go.sum.
func downloadTestdata() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "download")
	cmd.Dir = "testdata"
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("greenvet tests: cannot download the testdata module's requirements "+
			"(go mod download in patch/vet/greenvet/testdata, through GOPROXY=%q): %v\n%s",
			goEnv("GOPROXY"), err, out.Bytes())
	}
	return nil
}

// goEnv is go env name, or what the call failed with.
func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return err.Error()
	}
	return string(bytes.TrimSpace(out))
}

// runWithSuggestedFixes is analysistest.RunWithSuggestedFixes that fails t
// with a message instead of panicking when the testdata module does not
// load: RunWithSuggestedFixes (x/tools v0.52.0) dereferences the pass of
// every package, and a package whose imports failed to load has none.
func runWithSuggestedFixes(t *testing.T, dir string, a *analysis.Analyzer, patterns ...string) {
	t.Helper()
	rec := &recorder{T: t}
	defer func() {
		if p := recover(); p != nil {
			if !rec.failed {
				panic(p)
			}
			t.Fatalf("the testdata module did not load or analyze (errors above), so its fixes cannot be checked (analysistest panicked: %v)", p)
		}
	}()
	analysistest.RunWithSuggestedFixes(rec, dir, a, patterns...)
}

// recorder passes analysistest's reports to T and remembers that there was
// one. It embeds *testing.T, so analysistest still logs load errors with it.
type recorder struct {
	*testing.T
	failed bool
}

func (r *recorder) Errorf(format string, args ...any) {
	r.T.Helper()
	r.failed = true
	r.T.Errorf(format, args...)
}

// A module whose package imports one that is not in the module cache
// fails the test with a message, not with analysistest's nil dereference.
// The check runs in a child process (this test binary), since the failure
// it checks fails its test.
func TestRunWithSuggestedFixes_UnloadableModuleFailsWithMessage(t *testing.T) {
	if dir := os.Getenv("GREENVET_TEST_UNLOADABLE"); dir != "" {
		runWithSuggestedFixes(t, dir, greenvet.Analyzer, "./...")
		return
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/unloadable\n\ngo 1.26.0\n\nrequire example.com/notcached v1.0.0\n",
		"a/a.go": "package a\n\nimport _ \"example.com/notcached\"\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRunWithSuggestedFixes_UnloadableModuleFailsWithMessage$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GREENVET_TEST_UNLOADABLE="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child passed on an unloadable module:\n%s", out)
	}
	if !bytes.Contains(out, []byte("the testdata module did not load")) || bytes.Contains(out, []byte("\npanic: ")) {
		t.Fatalf("the child did not fail with the message:\n%s", out)
	}
}
