// Command greenvet runs the greenvet analyzer (package
// github.com/greenshim/greenshim/patch/vet/greenvet), which reports what
// greenshim's patching cannot reach in code that runs in greenlets.
//
// As a vet tool, over a module:
//
//	go install github.com/greenshim/greenshim/patch/vet/cmd/greenvet@latest
//	go vet -vettool=$(which greenvet) ./...
//
// Standalone, with the analysis drivers' flags (-fix applies the
// suggested fixes, -json prints JSON):
//
//	greenvet ./...
//	greenvet -fix ./...
//
// Its own flags, given as -greenvet.<flag> under go vet and as -<flag>
// standalone: -green and -sim name packages whose code all runs in
// greenlets or in a simulated world; -silenced also reports what
// registry.DeclareNative silences.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/greenshim/greenshim/patch/vet/greenvet"
)

func main() { singlechecker.Main(greenvet.Analyzer) }
