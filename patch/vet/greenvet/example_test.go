package greenvet_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/greenshim/greenshim/patch/vet/greenvet"
)

// The analyzer run as a subroutine, on a package whose green.Run function
// sleeps and dials directly. Users run it with go vet -vettool or the
// greenvet command; this is what both print, and each finding's fix.
func Example() {
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  "testdata",
		Env:  append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./example")
	if err != nil {
		log.Fatal(err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{greenvet.Analyzer}, pkgs, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			fmt.Printf("%s:%d: %s\n", filepath.Base(p.Filename), p.Line, d.Message)
			for _, fix := range d.SuggestedFixes {
				fmt.Printf("\tfix: %s\n", fix.Message)
			}
		}
	}
	// Output:
	// example.go:13: time.Sleep bypasses the registry's time module (it runs on the real clock and its waits hold the hub): use registry.Time().Sleep [green code: passed to green.Run at example.go:12]
	// 	fix: Use registry.Time().Sleep
	// example.go:14: net.Dial bypasses the registry's socket module (its waits hold the hub): use registry.Socket().Dial [green code: passed to green.Run at example.go:12]
	// 	fix: Use registry.Socket().Dial
}
