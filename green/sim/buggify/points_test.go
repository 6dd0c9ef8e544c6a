package buggify_test

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/buggify"
)

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("point-%02d", i)
	}
	return out
}

func newPoints(t *testing.T, seed uint64, opts buggify.Options) *buggify.Points {
	t.Helper()
	p, err := buggify.New(seed, opts)
	require.NoError(t, err)
	return p
}

// run evaluates each name rounds times, in the order given, and returns
// each name's sequence of outcomes.
func run(p *buggify.Points, order []string, rounds int) map[string][]bool {
	out := map[string][]bool{}
	for range rounds {
		for _, name := range order {
			out[name] = append(out[name], p.Fire(name))
		}
	}
	return out
}

func TestPoints_DeterministicForASeed(t *testing.T) {
	for seed := range uint64(20) {
		a := newPoints(t, seed, buggify.Options{EnableRate: 0.5, FireRate: 0.5})
		b := newPoints(t, seed, buggify.Options{EnableRate: 0.5, FireRate: 0.5})
		require.Equal(t, run(a, names(30), 20), run(b, names(30), 20), "seed %d", seed)
		require.Equal(t, a.Report(), b.Report(), "seed %d", seed)
	}
}

func TestPoints_IndependentOfEvaluationOrder(t *testing.T) {
	order := names(40)
	reversed := slices.Clone(order)
	slices.Reverse(reversed)
	for seed := range uint64(20) {
		a := newPoints(t, seed, buggify.Options{})
		b := newPoints(t, seed, buggify.Options{})
		// b also evaluates names a never sees, first.
		for _, extra := range names(60)[40:] {
			b.Fire(extra)
		}
		ra, rb := run(a, order, 30), run(b, reversed, 30)
		for _, name := range order {
			require.Equal(t, ra[name], rb[name], "seed %d %s: each point's own sequence", seed, name)
		}
		enabledA := a.Report().Enabled()
		var enabledB []string
		for _, name := range b.Report().Enabled() {
			if slices.Contains(order, name) {
				enabledB = append(enabledB, name)
			}
		}
		require.Equal(t, enabledA, enabledB, "seed %d", seed)
	}
}

func TestPoints_SeedsDiffer(t *testing.T) {
	sets := map[string]bool{}
	for seed := range uint64(20) {
		p := newPoints(t, seed, buggify.Options{EnableRate: 0.5})
		run(p, names(20), 1)
		sets[fmt.Sprint(p.Report().Enabled())] = true
	}
	assert.Greater(t, len(sets), 15, "20 seeds, 20 names at 0.5: the enabled sets differ")
}

func TestPoints_NilNeverFires(t *testing.T) {
	var p *buggify.Points
	for _, name := range names(10) {
		assert.False(t, p.Fire(name))
		assert.False(t, p.FireWith(name, 1))
	}
	assert.Empty(t, p.Report().Points)
	assert.Zero(t, p.Seed())
	assert.Equal(t, "buggify: seed=0 enable_rate=0 fire_rate=0 points=0 enabled=0\n", p.Report().String())
}

// Over many deterministic seeds the rates come out as configured. The
// bounds are wide (over 6 standard deviations) and the seeds fixed, so the
// test cannot flake; it fails if a rate is ignored or inverted.
func TestPoints_Frequencies(t *testing.T) {
	cases := []struct{ enable, fire float64 }{
		{0, 0}, // the defaults, 0.25 and 0.25
		{0.5, 0.1},
		{0.1, 0.9},
		{1, 1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("enable=%v,fire=%v", c.enable, c.fire), func(t *testing.T) {
			wantEnable, wantFire := c.enable, c.fire
			if wantEnable == 0 {
				wantEnable = buggify.DefaultEnableRate
			}
			if wantFire == 0 {
				wantFire = buggify.DefaultFireRate
			}
			const seeds, points, rounds = 200, 50, 40
			var enabled, evals, fires int
			for seed := range uint64(seeds) {
				p := newPoints(t, seed, buggify.Options{EnableRate: c.enable, FireRate: c.fire})
				run(p, names(points), rounds)
				for _, pt := range p.Report().Points {
					require.EqualValues(t, rounds, pt.Evaluated)
					if !pt.Enabled {
						require.Zero(t, pt.Fired, "a disabled point never fires")
						continue
					}
					enabled++
					evals += int(pt.Evaluated)
					fires += int(pt.Fired)
				}
			}
			n := float64(seeds * points)
			sd := math.Sqrt(wantEnable * (1 - wantEnable) / n)
			assert.InDelta(t, wantEnable, float64(enabled)/n, 6*sd+1e-9, "enabled fraction")
			require.Positive(t, evals)
			sd = math.Sqrt(wantFire * (1 - wantFire) / float64(evals))
			assert.InDelta(t, wantFire, float64(fires)/float64(evals), 6*sd+0.01, "fired fraction of enabled evaluations")
		})
	}
}

func TestPoints_FireWith(t *testing.T) {
	p := newPoints(t, 1, buggify.Options{EnableRate: 1})
	for range 100 {
		assert.False(t, p.FireWith("never", 0))
		assert.True(t, p.FireWith("always", 1))
	}
	assert.PanicsWithValue(t, "buggify: FireWith rate 1.5 is not in [0, 1]", func() { p.FireWith("x", 1.5) })
	var nilPoints *buggify.Points
	assert.Panics(t, func() { nilPoints.FireWith("x", -1) }, "a bad rate is misuse, simulation or not")
}

func TestNew_BadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts buggify.Options
		want string
	}{
		{"negative enable", buggify.Options{EnableRate: -0.1}, "EnableRate -0.1"},
		{"enable above 1", buggify.Options{EnableRate: 1.1}, "EnableRate 1.1"},
		{"NaN fire", buggify.Options{FireRate: math.NaN()}, "FireRate NaN"},
		{"fire above 1", buggify.Options{FireRate: 2}, "FireRate 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := buggify.New(1, c.opts)
			assert.Nil(t, p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "buggify: Options."+c.want)
		})
	}
}

func TestPoints_ConcurrentUse(t *testing.T) {
	p := newPoints(t, 3, buggify.Options{EnableRate: 1, FireRate: 0.5})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				p.Fire(fmt.Sprintf("p%d", (i+w)%5))
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("workers did not finish within 30s")
	}
	var evals uint64
	for _, pt := range p.Report().Points {
		evals += pt.Evaluated
	}
	assert.EqualValues(t, 4000, evals, "every evaluation counted once")
}

func TestReport_String(t *testing.T) {
	p := newPoints(t, 42, buggify.Options{EnableRate: 1, FireRate: 1})
	p.Fire("b")
	p.Fire("a")
	p.Fire("a")
	assert.Equal(t, `buggify: seed=42 enable_rate=1 fire_rate=1 points=2 enabled=2
  on  a evaluated=2 fired=2
  on  b evaluated=1 fired=1
`, p.Report().String())
}

func BenchmarkFire(b *testing.B) {
	p, err := buggify.New(1, buggify.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ns := names(16)
	i := 0
	for b.Loop() {
		p.Fire(ns[i&15])
		i++
	}
}
