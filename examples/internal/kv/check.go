package kv

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// output is what porcupine sees of an operation's result: unknown for a
// write whose client gave up.
type output struct {
	value   string
	unknown bool
}

// Model is the store's sequential specification for porcupine,
// partitioned by key: each key is a register with get, put and append.
var Model = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string]int{}
		var parts [][]porcupine.Operation
		for _, op := range history {
			k := op.Input.(Input).Key
			i, ok := byKey[k]
			if !ok {
				i = len(parts)
				byKey[k] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], op)
		}
		return parts
	},
	Init: func() any { return "" },
	Step: func(state, input, out any) (bool, any) {
		st, in, o := state.(string), input.(Input), out.(output)
		switch in.Kind {
		case Get:
			return o.unknown || o.value == st, st
		case Put:
			return true, in.Value
		case Append:
			return true, st + in.Value
		}
		return false, st
	},
	DescribeOperation: func(input, out any) string {
		in, o := input.(Input), out.(output)
		switch {
		case o.unknown:
			return in.String() + " -> unknown"
		case in.Kind == Get:
			return fmt.Sprintf("get %s -> %q", in.Key, o.value)
		}
		return in.String()
	},
	DescribeState: func(state any) string { return fmt.Sprintf("%q", state) },
}

// Operations turns a history into porcupine's operations, as its docs say
// for operations whose outcome is unknown: a write that timed out may take
// effect at any time after its call, so it returns at infinity with an
// unknown output; a read that timed out told nobody anything, and is
// dropped.
func Operations(h []Record) []porcupine.Operation {
	ops := make([]porcupine.Operation, 0, len(h))
	for _, r := range h {
		op := porcupine.Operation{ClientId: r.Client, Input: r.In, Call: int64(r.Call), Return: int64(r.Return),
			Output: output{value: r.Value}}
		if r.Outcome == Unknown {
			if r.In.Kind == Get {
				continue
			}
			op.Return = math.MaxInt64
			op.Output = output{unknown: true}
		}
		ops = append(ops, op)
	}
	return ops
}

// CheckTimeout bounds porcupine's search on one history; a history it
// cannot decide in that time is neither passed nor failed: a sweep counts
// it as undecided.
const CheckTimeout = 10 * time.Second

var errUndecided = fmt.Errorf("kv: porcupine could not decide in %v whether the history is linearizable", CheckTimeout)

// Check reports whether h is linearizable: nil if it is, an error saying
// which keys are not (or that porcupine gave up) otherwise.
func Check(h []Record) error {
	switch porcupine.CheckOperationsTimeout(Model, Operations(h), CheckTimeout) {
	case porcupine.Ok:
		return nil
	case porcupine.Unknown:
		return errUndecided
	}
	return &NotLinearizableError{Keys: badKeys(h)}
}

// NotLinearizableError is Check's verdict on a history that is not
// linearizable.
type NotLinearizableError struct {
	Keys []string // the keys whose sub-history is not linearizable, sorted
}

func (e *NotLinearizableError) Error() string {
	return "kv: history is not linearizable (keys " + strings.Join(e.Keys, ", ") + ")"
}

// badKeys checks each key's history alone, to name the ones that fail.
func badKeys(h []Record) []string {
	var keys []string
	for _, r := range h {
		if !slices.Contains(keys, r.In.Key) {
			keys = append(keys, r.In.Key)
		}
	}
	slices.Sort(keys)
	var bad []string
	for _, k := range keys {
		var sub []Record
		for _, r := range h {
			if r.In.Key == k {
				sub = append(sub, r)
			}
		}
		if porcupine.CheckOperationsTimeout(Model, Operations(sub), CheckTimeout) == porcupine.Illegal {
			bad = append(bad, k)
		}
	}
	return bad
}

// Visualize writes porcupine's own picture of h (an HTML page: each key's
// operations on a time line, the longest linearizable prefix, and where
// it breaks) to w.
func Visualize(w io.Writer, h []Record) error {
	_, info := porcupine.CheckOperationsVerbose(Model, Operations(h), CheckTimeout)
	return porcupine.Visualize(Model, info, w)
}

// WriteHistory prints a history one operation a line, in call order.
func WriteHistory(w io.Writer, h []Record) error {
	for _, r := range h {
		if _, err := fmt.Fprintln(w, r); err != nil {
			return err
		}
	}
	return nil
}

// sortHistory orders a history by call time, then client: the order it is
// printed in.
func sortHistory(h []Record) {
	slices.SortStableFunc(h, func(a, b Record) int {
		if a.Call != b.Call {
			return cmp.Compare(a.Call, b.Call)
		}
		return cmp.Compare(a.Client, b.Client)
	})
}
