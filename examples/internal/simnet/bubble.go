package simnet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"testing"
	"testing/synctest"
	"time"
)

// A testing/synctest bubble needs a *testing.T, which a command has not.
// In a test binary (testing.Testing), testing.RunTests gives one; in the
// command, testing.MainStart with the few test dependencies a plain run
// uses (the rest are flags the command never sets). Both are exported for
// go test's generated main and "not subject to the Go 1 compatibility
// document": the cost of a mode 2 figure in a command.

// inBubble runs f in a synctest bubble and returns the wall time the
// bubble took, taken outside it (inside, time.Now is the bubble's).
func inBubble(name string, f func()) (time.Duration, error) {
	var d time.Duration
	var failed error
	tests := []testing.InternalTest{{Name: name, F: func(t *testing.T) {
		defer func() {
			if r := recover(); r != nil {
				failed = fmt.Errorf("%v", r)
			}
		}()
		start := time.Now()
		synctest.Test(t, func(*testing.T) { f() })
		d = time.Since(start)
	}}}
	var ok bool
	if testing.Testing() {
		ok = testing.RunTests(matchAll, tests)
	} else {
		ok = runMain(tests)
	}
	if failed != nil {
		return 0, failed
	}
	if !ok {
		return 0, errors.New("simnet: the bubble failed")
	}
	return d, nil
}

func matchAll(string, string) (bool, error) { return true, nil }

// runMain runs tests as go test's main would, with its "PASS" line
// sent to nowhere.
func runMain(tests []testing.InternalTest) bool {
	m := testing.MainStart(deps{}, tests, nil, nil, nil)
	stdout := os.Stdout
	if null, err := os.Open(os.DevNull); err == nil {
		os.Stdout = null
		defer func() { os.Stdout = stdout; null.Close() }()
	}
	return m.Run() == 0
}

// deps is testing.MainStart's testDeps for a plain run.
type deps struct{}

// corpusEntry is testing's (an alias of an unnamed struct).
type corpusEntry = struct {
	Parent     string
	Path       string
	Data       []byte
	Values     []any
	Generation int
	IsSeed     bool
}

var errNoFuzz = errors.New("simnet: no fuzzing here")

func (deps) ImportPath() string                       { return "" }
func (deps) ModulePath() string                       { return "" }
func (deps) MatchString(string, string) (bool, error) { return true, nil }
func (deps) SetPanicOnExit0(bool)                     {}
func (deps) StartCPUProfile(io.Writer) error          { return nil }
func (deps) StopCPUProfile()                          {}
func (deps) StartTestLog(io.Writer)                   {}
func (deps) StopTestLog() error                       { return nil }
func (deps) WriteProfileTo(string, io.Writer, int) error {
	return nil
}
func (deps) CoordinateFuzzing(time.Duration, int64, time.Duration, int64, int, []corpusEntry, []reflect.Type, string, string) error {
	return errNoFuzz
}
func (deps) RunFuzzWorker(func(corpusEntry) error) error              { return errNoFuzz }
func (deps) ReadCorpus(string, []reflect.Type) ([]corpusEntry, error) { return nil, errNoFuzz }
func (deps) CheckCorpus([]any, []reflect.Type) error                  { return nil }
func (deps) ResetCoverage()                                           {}
func (deps) SnapshotCoverage()                                        {}
func (deps) InitRuntimeCoverage() (string, func(string, string) (string, error), func() float64) {
	return "", nil, nil
}
