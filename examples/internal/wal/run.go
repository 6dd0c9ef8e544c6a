package wal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/green/sim/buggify"
	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// Config is one simulated run.
type Config struct {
	Seed    uint64
	Bug     Bug
	Records int // records main appends in all; 0 means 40
	Trace   *green.Trace
}

// Result is what a run found.
type Result struct {
	Seed    uint64
	Failure string // "" if every check held
	Log     string // what happened, life by life, and the world's report
}

// The log file, on the host's disk.
const logPath = "/data/wal.log"

// record returns the i-th record of a run: its number, then filler of a
// length drawn from the seed (up to a few sectors, so that torn writes
// cut records in various places).
func record(seed uint64, i int) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	b := fmt.Appendf(nil, "record %d:", i)
	return append(b, bytes.Repeat([]byte{byte('a' + i%26)}, 1+r.IntN(1500))...)
}

// Run runs one seed: a host "db" appends records to a log, each
// acknowledged once Append returns; the plan crashes it at times drawn
// from the seed (torn writes and kept entries on), and each life recovers
// the log and checks it against what was acknowledged: every acknowledged
// record is there, and every record read is whole and the one written at
// its place. After the plan, a last crash and recovery checks the
// finished log.
func Run(cfg Config) Result {
	if cfg.Records == 0 {
		cfg.Records = 40
	}
	res := Result{Seed: cfg.Seed}
	var log strings.Builder
	w := sim.New(sim.Config{Seed: cfg.Seed, Trace: cfg.Trace})
	defer w.Close()
	db := w.MustAddHost("db")

	// The plan, drawn from the seed: one to three crashes during the
	// appends (each costs about 1.1ms of world time), each restarted
	// after a moment.
	var plan sim.Plan
	w.Rand(func(r *rand.Rand) {
		at := time.Duration(0)
		for range 1 + r.IntN(3) {
			at += time.Duration(1+r.IntN(25000)) * time.Microsecond
			plan.Crashes = append(plan.Crashes, sim.CrashPlan{At: at, Host: "db", Restart: time.Millisecond})
			at += time.Millisecond
		}
	})
	plan.Disks = []sim.DiskPlan{{Host: "db", Faults: simdisk.Faults{
		TornWrite:   0.5,
		KeepEntries: 0.5,
		Latency:     map[simdisk.Op]time.Duration{simdisk.OpWrite: 100 * time.Microsecond, simdisk.OpSync: time.Millisecond},
	}}}
	plan.Buggify = &buggify.Options{}

	acked := 0 // records acknowledged so far: the test's memory, outside the host
	fail := func(format string, args ...any) error {
		if res.Failure == "" {
			res.Failure = fmt.Sprintf(format, args...)
		}
		return fmt.Errorf(format, args...)
	}
	main := func(ctx context.Context) error {
		o := db.OS()
		if err := o.MkdirAll("/data", 0o755); err != nil {
			return err
		}
		if err := syncDir(o, "/"); err != nil {
			return err
		}
		l, recs, err := Open(o, logPath, cfg.Bug)
		if err != nil {
			return err
		}
		defer l.Close()
		fmt.Fprintf(&log, "%v life %d: recovered %d records, %d acknowledged\n", w.Since(), db.Boots(), len(recs), acked)
		if len(recs) < acked {
			return fail("life %d recovered %d records, but %d were acknowledged as durable", db.Boots(), len(recs), acked)
		}
		for i, rec := range recs {
			if want := record(cfg.Seed, i); !bytes.Equal(rec, want) {
				return fail("life %d: record %d reads %q..., want %q...", db.Boots(), i, head(rec), head(want))
			}
		}
		// Records recovered beyond the acknowledged ones were written
		// and not yet acknowledged when the crash came: they count now.
		acked = len(recs)
		for i := len(recs); i < cfg.Records; i++ {
			if err := l.Append(record(cfg.Seed, i)); err != nil {
				return err
			}
			acked = i + 1
		}
		return nil
	}

	var last time.Duration
	for _, c := range plan.Crashes {
		last = c.At + c.Restart
	}
	err := w.Run(func() error {
		// The plan is applied, and the host started, from the run's first
		// greenlet: the world's hub runs nothing else in between, so the
		// plan's times and the run are the seed's alone.
		if err := w.Apply(plan); err != nil {
			return err
		}
		if err := db.Start(main); err != nil {
			return err
		}
		green.Sleep(last + time.Millisecond) // the plan is over
		if err := db.Wait(); err != nil {
			return err
		}
		// Power fails once more after the last acknowledgement.
		if _, err := db.Crash(); err != nil {
			return err
		}
		if err := db.Restart(); err != nil {
			return err
		}
		return db.Wait()
	})
	if err != nil && res.Failure == "" {
		res.Failure = "run: " + err.Error()
	}
	if res.Failure == "" && acked != cfg.Records {
		res.Failure = fmt.Sprintf("%d of %d records acknowledged at the end", acked, cfg.Records)
	}
	log.WriteString(w.String())
	res.Log = log.String()
	return res
}

func head(b []byte) []byte { return b[:min(len(b), 12)] }

// Sweep runs seeds first, first+1, ... first+n-1 and writes a line per
// failure, then found_seed (the first failing seed) and the line that
// replays it, seeds_per_s and, last, failures=K.
func Sweep(out io.Writer, first uint64, n int, bug Bug) (failures int, found uint64, ok bool) {
	start := time.Now()
	for s := first; s < first+uint64(n); s++ {
		r := Run(Config{Seed: s, Bug: bug})
		if r.Failure == "" {
			continue
		}
		failures++
		if !ok {
			found, ok = s, true
			fmt.Fprintf(out, "seed %d: %s\n", s, r.Failure)
		}
	}
	el := time.Since(start)
	if ok {
		flag := ""
		if bug != NoBug {
			flag = " -bug " + string(bug)
		}
		fmt.Fprintf(out, "found_seed=%d\nreplay: go run ./examples/wal%s -replay %d\n", found, flag, found)
	}
	fmt.Fprintf(out, "bug=%s seeds=%d\nseeds_per_s=%.0f\nfailures=%d\n", bugName(bug), n, float64(n)/el.Seconds(), failures)
	return failures, found, ok
}

func bugName(b Bug) string {
	if b == NoBug {
		return "none"
	}
	return string(b)
}
