package simdisk

import (
	"errors"
	"fmt"
	"math/bits"
	"path"
	"slices"
	"strings"
	"time"
)

// Op is a set of disk operation kinds, for fault rules and latencies.
type Op uint16

// The operation kinds. OpDir is every entry change (Mkdir, MkdirAll,
// Remove, RemoveAll, Rename, creating a file); OpMeta is Chmod, Chown and
// Chtimes.
const (
	OpOpen Op = 1 << iota
	OpRead
	OpWrite
	OpSync
	OpStat
	OpDir
	OpMeta

	numOps = iota
	// OpAll is every operation kind.
	OpAll Op = 1<<numOps - 1
)

var opNames = [numOps]string{"open", "read", "write", "sync", "stat", "dir", "meta"}

// String returns the kinds in o joined by "|", as "read|write".
func (o Op) String() string {
	if o == 0 {
		return "none"
	}
	var parts []string
	for i := range numOps {
		if o&(1<<i) != 0 {
			parts = append(parts, opNames[i])
		}
	}
	if rest := o &^ OpAll; rest != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", uint16(rest)))
	}
	return strings.Join(parts, "|")
}

// index returns the position of a single kind in latency tables.
func (o Op) index() int { return bits.TrailingZeros16(uint16(o)) }

// Faults is a disk's fault plan, as data a failing run can print. The zero
// value injects nothing. Probabilities are drawn from the disk's seeded
// source ([Options].Rand), so a plan and a seed give the same faults.
type Faults struct {
	// Capacity is the number of bytes the files on the disk may hold in all
	// (their sizes, summed); a write or Truncate that would go beyond it
	// fails with ENOSPC and changes nothing. 0 means unlimited.
	Capacity int64
	// EIO lists rules that fail operations with EIO.
	EIO []Rule
	// Latency is how long each kind of operation takes, passed to
	// [Options].Wait before the operation takes effect. Keys are single
	// kinds (OpRead, not OpRead|OpWrite).
	Latency map[Op]time.Duration
	// TornWrite is the chance, per file with unsynced data, that a crash
	// leaves a sector-granular prefix of the file's last unsynced write on
	// the disk. In [0, 1].
	TornWrite float64
	// KeepEntries is the chance that a crash keeps some entry changes
	// that were not yet durable: a random non-empty prefix of them, in the
	// order they were made, as a journal that committed on its own would.
	// Otherwise, and always when 0, every such change is lost. In [0, 1].
	KeepEntries float64
}

// Rule fails the operations it matches with EIO.
type Rule struct {
	// Ops are the kinds of operation the rule applies to; 0 means none.
	Ops Op
	// Path selects the paths (cleaned, absolute): "" matches every path, a
	// pattern ending in "/" matches every path below that directory, and
	// anything else is a path.Match pattern, as "/data/*.log".
	Path string
	// Rate is the chance that a matching operation fails, in [0, 1]; 0
	// means every time, as 1 does.
	Rate float64
}

// matches reports whether r selects an operation op on the cleaned path p.
func (r *Rule) matches(op Op, p string) bool {
	if r.Ops&op == 0 {
		return false
	}
	switch {
	case r.Path == "":
		return true
	case strings.HasSuffix(r.Path, "/"):
		return strings.HasPrefix(p, r.Path) || p == strings.TrimSuffix(r.Path, "/")
	default:
		ok, _ := path.Match(r.Path, p) // validated: no error
		return ok
	}
}

// Validate reports what is wrong with f, or nil.
func (f *Faults) Validate() error {
	var errs []error
	if f.Capacity < 0 {
		errs = append(errs, fmt.Errorf("simdisk: Faults.Capacity %d is negative", f.Capacity))
	}
	for i, r := range f.EIO {
		if r.Ops&^OpAll != 0 {
			errs = append(errs, fmt.Errorf("simdisk: Faults.EIO[%d].Ops has unknown kinds %v", i, r.Ops&^OpAll))
		}
		if !(r.Rate >= 0 && r.Rate <= 1) {
			errs = append(errs, fmt.Errorf("simdisk: Faults.EIO[%d].Rate %v is not in [0, 1]", i, r.Rate))
		}
		if r.Path != "" && !strings.HasSuffix(r.Path, "/") {
			if _, err := path.Match(r.Path, ""); err != nil {
				errs = append(errs, fmt.Errorf("simdisk: Faults.EIO[%d].Path %q: %w", i, r.Path, err))
			}
		}
	}
	for op, d := range f.Latency {
		if bits.OnesCount16(uint16(op)) != 1 || op&^OpAll != 0 {
			errs = append(errs, fmt.Errorf("simdisk: Faults.Latency key %v is not a single kind", op))
		}
		if d < 0 {
			errs = append(errs, fmt.Errorf("simdisk: Faults.Latency[%v] %v is negative", op, d))
		}
	}
	if !(f.TornWrite >= 0 && f.TornWrite <= 1) {
		errs = append(errs, fmt.Errorf("simdisk: Faults.TornWrite %v is not in [0, 1]", f.TornWrite))
	}
	if !(f.KeepEntries >= 0 && f.KeepEntries <= 1) {
		errs = append(errs, fmt.Errorf("simdisk: Faults.KeepEntries %v is not in [0, 1]", f.KeepEntries))
	}
	return errors.Join(errs...)
}

// String prints the plan on one line, kinds in a fixed order.
func (f Faults) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "capacity=%d torn_write=%v keep_entries=%v", f.Capacity, f.TornWrite, f.KeepEntries)
	for _, r := range f.EIO {
		rate := r.Rate
		if rate == 0 {
			rate = 1
		}
		fmt.Fprintf(&b, " eio{ops=%v path=%q rate=%v}", r.Ops, r.Path, rate)
	}
	ops := make([]Op, 0, len(f.Latency))
	for op := range f.Latency {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		fmt.Fprintf(&b, " latency{%v=%v}", op, f.Latency[op])
	}
	return b.String()
}
