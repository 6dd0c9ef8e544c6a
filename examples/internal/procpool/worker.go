package procpool

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// WorkerEnv, set to 1 in a process's environment, makes it a worker: the
// parent starts its own executable again with it.
const WorkerEnv = "GREENSHIM_PROCPOOL_WORKER"

// MaybeWorker runs the worker loop and exits if this process was started
// as a worker; otherwise it returns at once. Call it first thing in main
// (and in TestMain of a test binary that runs the pool).
func MaybeWorker() {
	if os.Getenv(WorkerEnv) != "1" {
		return
	}
	if err := serveTasks(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "procpool worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// worker is the worker's end of the conversation.
type worker struct {
	dec *json.Decoder
	out *bufio.Writer
	enc *json.Encoder
}

// serveTasks runs the tasks read from in, one at a time, until in ends.
func serveTasks(in io.Reader, out io.Writer) error {
	bw := bufio.NewWriter(out)
	w := &worker{dec: json.NewDecoder(bufio.NewReader(in)), out: bw, enc: json.NewEncoder(bw)}
	for {
		var m message
		if err := w.dec.Decode(&m); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if m.Kind != "task" {
			return fmt.Errorf("want a task, got %q", m.Kind)
		}
		v, err := w.run(m.Fn, m.Args)
		res := message{Kind: "result", Value: v, Pid: os.Getpid()}
		if err != nil {
			res.Err = err.Error()
		}
		if err := w.send(res); err != nil {
			return err
		}
	}
}

func (w *worker) send(m message) error {
	if err := w.enc.Encode(m); err != nil {
		return err
	}
	return w.out.Flush()
}

func (w *worker) log(format string, args ...any) error {
	return w.send(message{Kind: "log", Line: fmt.Sprintf(format, args...)})
}

// call asks the parent's manager and returns its reply.
func (w *worker) call(call string, v int) (int, error) {
	if err := w.send(message{Kind: "call", Call: call, Value: v}); err != nil {
		return 0, err
	}
	var m message
	if err := w.dec.Decode(&m); err != nil {
		return 0, err
	}
	if m.Kind != "reply" {
		return 0, fmt.Errorf("want a reply to %s, got %q", call, m.Kind)
	}
	if m.Err != "" {
		return 0, errors.New(m.Err)
	}
	return m.Value, nil
}

// run runs one task, the seed's functions:
//
//	square x            x*x
//	getpid              the worker's process id
//	long_time_task n ms print "Run task n (pid)...", sleep ms, print how long
//	count n how         change the shared counter n times (see countQueue)
func (w *worker) run(fn string, args []int) (int, error) {
	switch {
	case fn == "square" && len(args) == 1:
		return args[0] * args[0], nil
	case fn == "getpid" && len(args) == 0:
		return os.Getpid(), nil
	case fn == "long_time_task" && len(args) == 2:
		if err := w.log("Run task %d (%d)...", args[0], os.Getpid()); err != nil {
			return 0, err
		}
		start := time.Now()
		time.Sleep(time.Duration(args[1]) * time.Millisecond) // a process of its own: nothing else to run
		if err := w.log("Task %d runs %.2f seconds.", args[0], time.Since(start).Seconds()); err != nil {
			return 0, err
		}
		return args[0], nil
	case fn == "count" && len(args) == 2:
		return 0, w.count(args[0], args[1])
	}
	return 0, fmt.Errorf("unknown task %s%v", fn, args)
}

func (w *worker) count(n, how int) error {
	for range n {
		switch how {
		case countQueue:
			if _, err := w.call("put", 1); err != nil {
				return err
			}
		case countLock, countNoLock:
			if how == countLock {
				if _, err := w.call("lock", 0); err != nil {
					return err
				}
			}
			v, err := w.call("get", 0)
			if err != nil {
				return err
			}
			if _, err := w.call("set", v+1); err != nil {
				return err
			}
			if how == countLock {
				if _, err := w.call("unlock", 0); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("count: unknown way %d", how)
		}
	}
	return nil
}
