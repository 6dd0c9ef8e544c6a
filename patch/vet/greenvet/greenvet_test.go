package greenvet_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/greenshim/greenshim/patch/vet/greenvet"
)

// The testdata directory is a module that imports greenshim itself (by a
// replace directive), go-redis and grpc-go: the analyzer is tested against
// the real APIs it knows. Each package of it shows one behaviour; every
// package is loaded and checked in one run, as loading the standard
// library and grpc-go from source dominates the time.
func TestAnalyzer_Testdata(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	runWithSuggestedFixes(t, dir, greenvet.Analyzer,
		"./bypass",       // registry bypasses, with fixes to the registry calls
		"./fixes",        // fixes whose result type changes; go statements; an aliased import
		"./waits",        // channels, select, sync, and APIs that wait on their own goroutines
		"./contexts",     // which code is green
		"./greenpkg",     // a package directive
		"./crosspkg/...", // summaries of other packages' functions, as facts
		"./natives/...",  // registry.DeclareNative silences its package's bypasses
		"./sim",          // nondeterminism in simulated code
		"./initbind",     // bindings at package initialization
		"./directives",   // //greenshim:ignore and unknown directives
	)
}

// With -silenced, the findings a registry.DeclareNative silences are
// reported too, each naming the declaration, so the analyzer and the patch
// report can be compared line by line.
func TestAnalyzer_SilencedFlag(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if err := greenvet.Analyzer.Flags.Set("silenced", "true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { greenvet.Analyzer.Flags.Set("silenced", "false") })
	analysistest.Run(t, dir, greenvet.Analyzer, "./silenced")
}
