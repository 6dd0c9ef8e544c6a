package patch

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/greenshim/greenshim/green"
)

// M runs a test binary under the patch chosen by -greenshim or GREENSHIM; it
// has the Run method of *testing.M, so go.uber.org/goleak can wrap it.
type M struct {
	m *testing.M
}

// TestingM returns m wrapped so that its Run first applies the patch chosen
// by the -greenshim flag (defined on flag.CommandLine if it is not yet) or,
// when the flag is not given, by $GREENSHIM; then runs the tests; then
// restores every module and closes green's default hub (and the world of
// the token "sim"). Use it in TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }
func TestingM(m *testing.M) M { return M{m} }

// Run applies the patch, runs the tests and restores. A spec that does not
// parse, or a patch that fails, is reported on stderr and Run returns 2
// without running any test.
func (r M) Run() int {
	f := flag.Lookup(FlagName)
	if f == nil {
		RegisterFlag(flag.CommandLine)
		f = flag.Lookup(FlagName)
	}
	if !flag.Parsed() {
		flag.Parse()
	}
	spec := *f.Value.(*Spec)
	set := false
	flag.Visit(func(v *flag.Flag) { set = set || v.Name == FlagName })
	if !set {
		var err error
		if spec, err = SpecFromEnv(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	report, err := spec.Apply()
	if err != nil {
		fmt.Fprintf(os.Stderr, "-%s=%s: %v\n", FlagName, spec.text, err)
		return 2
	}
	if report != nil {
		fmt.Fprint(os.Stderr, report)
	}
	code := r.m.Run()
	Restore()
	closeSimWorld()
	green.CloseDefault() // the green modules start it; goleak checks after Run
	return code
}
