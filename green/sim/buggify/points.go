package buggify

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The defaults are FoundationDB's.
const (
	DefaultEnableRate = 0.25
	DefaultFireRate   = 0.25
)

// Options configure [Points]. The zero value is FoundationDB's defaults.
type Options struct {
	// EnableRate is the chance that a name is enabled for the run, in
	// [0, 1]; 0 means DefaultEnableRate.
	EnableRate float64
	// FireRate is the chance that an enabled point fires each time it is
	// evaluated, in [0, 1]; 0 means DefaultFireRate.
	FireRate float64
}

// Points are the named fault points of one run. A nil *Points is valid and
// never fires. Make one with [New].
type Points struct {
	seed uint64
	opts Options

	mu     sync.Mutex        // guards points
	points map[string]*point // by name, from the first evaluation on
}

// point is one name's state in a run.
type point struct {
	key          uint64 // from the seed and the name: the source of its draws
	enabled      bool
	evals, fires uint64
}

// New returns the points of the run with the given seed, or an error naming
// what is wrong with opts.
func New(seed uint64, opts Options) (*Points, error) {
	for _, r := range []struct {
		name string
		rate *float64
		def  float64
	}{{"EnableRate", &opts.EnableRate, DefaultEnableRate}, {"FireRate", &opts.FireRate, DefaultFireRate}} {
		if !(*r.rate >= 0 && *r.rate <= 1) {
			return nil, fmt.Errorf("buggify: Options.%s %v is not in [0, 1]", r.name, *r.rate)
		}
		if *r.rate == 0 {
			*r.rate = r.def
		}
	}
	return &Points{seed: seed, opts: opts, points: map[string]*point{}}, nil
}

// Fire reports whether the point called name fires at this evaluation: it
// is enabled for the run and fires this time (see the package
// documentation). Fire on a nil *Points returns false.
func (p *Points) Fire(name string) bool {
	if p == nil {
		return false
	}
	return p.fire(name, p.opts.FireRate)
}

// FireWith is Fire with the chance of firing given here, in [0, 1], instead
// of Options.FireRate, as FoundationDB's BUGGIFY_WITH_PROB: for points that
// must fire rarely even when enabled. Whether the point is enabled is
// decided as for Fire. It panics if rate is outside [0, 1].
func (p *Points) FireWith(name string, rate float64) bool {
	if !(rate >= 0 && rate <= 1) {
		panic(fmt.Sprintf("buggify: FireWith rate %v is not in [0, 1]", rate))
	}
	if p == nil {
		return false
	}
	return p.fire(name, rate)
}

func (p *Points) fire(name string, rate float64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	pt := p.points[name]
	if pt == nil {
		key := mix(mix(p.seed) ^ hashName(name))
		pt = &point{key: key, enabled: unit(mix(key)) < p.opts.EnableRate}
		p.points[name] = pt
	}
	pt.evals++
	if !pt.enabled {
		return false
	}
	// The n-th draw of a point's own stream (splitmix64 from its key).
	if unit(mix(pt.key+pt.evals*golden)) >= rate {
		return false
	}
	pt.fires++
	return true
}

// Seed returns the seed the points were made with; 0 for nil.
func (p *Points) Seed() uint64 {
	if p == nil {
		return 0
	}
	return p.seed
}

// Report lists the points evaluated so far. A nil *Points reports none.
func (p *Points) Report() Report {
	if p == nil {
		return Report{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := Report{Seed: p.seed, Options: p.opts, Points: make([]PointReport, 0, len(p.points))}
	for name, pt := range p.points {
		r.Points = append(r.Points, PointReport{Name: name, Enabled: pt.enabled, Evaluated: pt.evals, Fired: pt.fires})
	}
	slices.SortFunc(r.Points, func(a, b PointReport) int { return strings.Compare(a.Name, b.Name) })
	return r
}

// Report is what a run's points did.
type Report struct {
	Seed    uint64
	Options Options       // with the defaults filled in
	Points  []PointReport // sorted by name
}

// PointReport is one point's part of a [Report].
type PointReport struct {
	Name             string
	Enabled          bool
	Evaluated, Fired uint64
}

// Enabled returns the names of the enabled points, sorted.
func (r Report) Enabled() []string {
	var out []string
	for _, pt := range r.Points {
		if pt.Enabled {
			out = append(out, pt.Name)
		}
	}
	return out
}

// String prints the report: a header line, then a line per point.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "buggify: seed=%d enable_rate=%v fire_rate=%v points=%d enabled=%d\n",
		r.Seed, r.Options.EnableRate, r.Options.FireRate, len(r.Points), len(r.Enabled()))
	for _, pt := range r.Points {
		state := "off"
		if pt.Enabled {
			state = "on "
		}
		fmt.Fprintf(&b, "  %s %s evaluated=%d fired=%d\n", state, pt.Name, pt.Evaluated, pt.Fired)
	}
	return b.String()
}
