package registry_test

import (
	"runtime"
	"testing"

	"github.com/greenshim/greenshim/registry"
)

// callerLine returns the function, file and line of its caller.
func callerLine() (fn, file string, line int) {
	pc, file, line, _ := runtime.Caller(1)
	return runtime.FuncForPC(pc).Name(), file, line
}

func findBinding(t *testing.T, bs []registry.Binding, file string, line int) registry.Binding {
	t.Helper()
	for _, b := range bs {
		if b.File == file && b.Line == line {
			return b
		}
	}
	t.Fatalf("no binding at %s:%d among %v", file, line, bs)
	return registry.Binding{}
}
