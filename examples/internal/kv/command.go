package kv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// Options are the command's flags (examples/kv).
type Options struct {
	Seeds    int    // sweep seeds 1..Seeds
	Replay   uint64 // run this seed alone and print its history; 0: sweep
	Trace    string // write the picture of the replayed (or found) seed to Trace+".json" and ".html"
	Bugs     Bugs
	Clients  int           // per run; zero means 4
	Duration time.Duration // of each run; zero means 10s
}

// flags is how o is written on the command line, for the replay line.
func (o Options) flags() string {
	var b strings.Builder
	if o.Bugs != (Bugs{}) {
		fmt.Fprintf(&b, " -bug %s", o.Bugs)
	}
	if o.Clients != 0 {
		fmt.Fprintf(&b, " -clients %d", o.Clients)
	}
	if o.Duration != 0 {
		fmt.Fprintf(&b, " -duration %v", o.Duration)
	}
	return b.String()
}

// scenario is the run of seed: through the registry, as code that does
// not know it is simulated.
func (o Options) scenario(seed uint64) Scenario {
	return Scenario{Seed: seed, Bugs: o.Bugs, Clients: o.Clients, Duration: o.Duration, Registry: true}
}

// Command runs the example: a sweep of seeds, or the replay of one.
//
// A sweep prints found_seed=S at the first seed whose history is not
// linearizable, runs that seed again (traced, if o.Trace is set) to show
// that it replays (replayed=identical, or the difference), and prints the
// line that replays it; or failures=0 after the last seed. Either way it
// ends with seeds=N seeds_per_s=... sim_s_per_wall_s=...
// sim_s_per_cpu_s=..., simulated seconds per wall second and per second of
// the process's CPU time, checking included; the runs are on one hub (one
// core).
//
// A replay prints the run (its fault plan, its history, its verdict) and
// its hash, the same bytes on every run of the seed.
func Command(w io.Writer, o Options) error {
	switch {
	case o.Replay == 0 && o.Seeds < 1:
		return fmt.Errorf("-seeds %d: need at least one seed (or -replay S)", o.Seeds)
	case o.Clients < 0:
		return fmt.Errorf("-clients %d: need at least one client", o.Clients)
	case o.Duration < 0:
		return fmt.Errorf("-duration %v is negative", o.Duration)
	}
	if o.Trace != "" {
		if fi, err := os.Stat(filepath.Dir(o.Trace)); err != nil || !fi.IsDir() {
			return fmt.Errorf("-trace %s: no directory %s to write the pictures in", o.Trace, filepath.Dir(o.Trace))
		}
	}
	if o.Replay != 0 {
		res, err := o.traced(w, o.Replay)
		if err != nil {
			return err
		}
		if _, err := res.WriteTo(w); err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "hash=%016x\n", res.Hash)
		return err
	}
	return o.sweep(w)
}

func (o Options) sweep(w io.Writer) error {
	fmt.Fprintf(w, "kv: seeds 1..%d, bug=%s\n", o.Seeds, o.Bugs)
	var simTime time.Duration
	start, cpu0 := time.Now(), cpuTime()
	n, undecided := 0, 0
	var found *Result
	for seed := uint64(1); seed <= uint64(o.Seeds); seed++ {
		res := o.scenario(seed).Run()
		n++
		simTime += res.SimTime
		var nle *NotLinearizableError
		if errors.As(res.Err, &nle) {
			found = res
			break
		}
		if res.Err != nil {
			if !errors.Is(res.Err, errUndecided) {
				return fmt.Errorf("seed %d: %w", seed, res.Err)
			}
			undecided++
		}
	}
	wall := time.Since(start)
	if found != nil {
		fmt.Fprintf(w, "found_seed=%d\n", found.Seed)
		fmt.Fprintf(w, "kv: seed %d: %v\n", found.Seed, found.Err)
		again, err := o.traced(w, found.Seed)
		if err != nil {
			return err
		}
		if again.Hash == found.Hash {
			fmt.Fprintf(w, "replayed=identical hash=%016x\n", found.Hash)
		} else {
			fmt.Fprintf(w, "replayed=different hash=%016x then %016x\n", found.Hash, again.Hash)
		}
		fmt.Fprintf(w, "replay: go run ./examples/kv%s -replay %d\n", o.flags(), found.Seed)
	} else {
		fmt.Fprintf(w, "failures=0 undecided=%d\n", undecided)
	}
	_, err := fmt.Fprintf(w, "seeds=%d seeds_per_s=%.1f sim_s_per_wall_s=%.0f sim_s_per_cpu_s=%.0f\n", n, float64(n)/wall.Seconds(),
		simTime.Seconds()/wall.Seconds(), simTime.Seconds()/(cpuTime()-cpu0).Seconds())
	return err
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine a steadier measure than wall time. (porcupine checks
// keys in parallel, so run with GOMAXPROCS=1 for one core's figure.)
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// traced runs seed, with a trace written to o.Trace's files if set.
func (o Options) traced(w io.Writer, seed uint64) (*Result, error) {
	s := o.scenario(seed)
	if o.Trace != "" {
		s.Trace = new(green.Trace)
	}
	res := s.Run()
	if o.Trace != "" {
		if err := writePictures(w, o.Trace, s.Trace, seed); err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "trace: %d events, hash %016x\n", s.Trace.Len(), res.TraceHash)
		var nle *NotLinearizableError
		if errors.As(res.Err, &nle) {
			page := o.Trace + "-porcupine.html"
			if err := writeFile(page, func(f io.Writer) error { return Visualize(f, res.History) }); err != nil {
				return nil, err
			}
			fmt.Fprintf(w, "linearizability: %s (porcupine's picture of the history)\n", page)
		}
	}
	return res, nil
}

// PictureEvents is how many events the page draws: the last ones before
// its end, about a third of a second of a run.
const PictureEvents = 1500

// StaleRead is the kind of the trace event that marks a read served by a
// replica that a later term has deposed (with -bug stale-read).
const StaleRead = "kv.stale-read"

// writePictures writes the whole run as Chrome trace events, and the page
// of the run up to shortly after its first stale read, if it has one: the
// page draws the last timeline.DefaultMaxEvents events, with the
// partitions open when they begin, so cut there it shows the partition
// and the read.
func writePictures(w io.Writer, prefix string, tr *green.Trace, seed uint64) error {
	js, page := prefix+".json", prefix+".html"
	if err := writeFile(js, func(f io.Writer) error { return timeline.WriteChrome(f, tr) }); err != nil {
		return err
	}
	title := fmt.Sprintf("examples/kv seed %d", seed)
	cut, at := cutAfter(tr, StaleRead, 50*time.Millisecond)
	if cut != tr {
		title += fmt.Sprintf(", up to the first stale read at %v", at)
	}
	if err := writeFile(page, func(f io.Writer) error {
		return timeline.WriteHTML(f, cut, timeline.Options{Title: title, MaxEvents: PictureEvents})
	}); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "picture: %s %s (%s)\n", js, page, title)
	return err
}

// cutAfter returns a trace of tr's events up to margin after the first of
// kind, and that event's time; tr itself if it has none.
func cutAfter(tr *green.Trace, kind green.TraceKind, margin time.Duration) (*green.Trace, time.Duration) {
	evs := tr.Events()
	i := slices.IndexFunc(evs, func(e green.TraceEvent) bool { return e.Kind == kind })
	if i < 0 {
		return tr, 0
	}
	at := evs[i].At
	for i < len(evs) && evs[i].At <= at+margin {
		i++
	}
	cut := new(green.Trace)
	for _, e := range evs[:i] {
		cut.Add(e)
	}
	return cut, at
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
