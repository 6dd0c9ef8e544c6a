package procpool

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// Pool is multiprocessing.Pool done with greenshim: n worker processes
// (this program's executable, started again as workers), fed tasks from a
// queue, one greenlet of the parent's hub per worker talking to it over its
// pipes. Its methods are called from greenlets of one hub.
type Pool struct {
	tasks   *green.Queue[*task] // nil: no more tasks (one per worker)
	workers []*green.Greenlet
	mgr     *manager
	closed  bool
}

type task struct {
	fn       string
	args     []int
	res      *green.AsyncResult
	callback func(v int)
}

// NewPool starts n workers through procs, under ctx: killing them is
// cancelling ctx. Their "log" lines are written to out as they arrive, and
// their calls are served by mgr.
func NewPool(ctx context.Context, procs iface.Procs, n int, out io.Writer, mgr *manager) (*Pool, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("procpool: the program's own executable: %w", err)
	}
	p := &Pool{tasks: green.NewQueue[*task](0), mgr: mgr}
	for range n {
		c := procs.Command(ctx, exe)
		c.SetEnv(append(registry.OS().Environ(), WorkerEnv+"=1"))
		c.SetStderr(os.Stderr)
		in, err := c.StdinPipe()
		if err != nil {
			return nil, err
		}
		outp, err := c.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := c.Start(); err != nil {
			p.Close()
			p.Join()
			return nil, fmt.Errorf("procpool: starting a worker: %w", err)
		}
		conn := &workerConn{c: c, in: in, enc: json.NewEncoder(in), dec: json.NewDecoder(bufio.NewReader(outp)), out: out, mgr: mgr}
		p.workers = append(p.workers, green.Spawn(func() error { return conn.serve(p.tasks) }))
	}
	return p, nil
}

// ApplyAsync queues fn(args...) and returns the result to come, as
// Pool.apply_async: callback, if not nil, runs with the value once the
// task has run (in the worker's greenlet, in completion order).
func (p *Pool) ApplyAsync(fn string, args []int, callback func(v int)) *green.AsyncResult {
	if p.closed {
		r := &green.AsyncResult{}
		r.SetErr(errors.New("procpool: ApplyAsync on a closed pool"))
		return r
	}
	t := &task{fn: fn, args: args, res: &green.AsyncResult{}, callback: callback}
	p.tasks.Put(t) // unbounded: never waits
	return t.res
}

// Apply runs fn(args...) on a worker and returns its value, as Pool.apply.
func (p *Pool) Apply(fn string, args ...int) (int, error) {
	v, err := p.ApplyAsync(fn, args, nil).Get()
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}

// Map runs fn(x) for each x on the workers and returns the values in
// order, as Pool.map.
func (p *Pool) Map(fn string, xs []int) ([]int, error) {
	rs := make([]*green.AsyncResult, len(xs))
	for i, x := range xs {
		rs[i] = p.ApplyAsync(fn, []int{x}, nil)
	}
	out := make([]int, len(xs))
	for i, r := range rs {
		v, err := r.Get()
		if err != nil {
			return nil, err
		}
		out[i] = v.(int)
	}
	return out, nil
}

// Close takes no more tasks: each worker ends once the queue is empty, as
// Pool.close.
func (p *Pool) Close() {
	if p.closed {
		return
	}
	p.closed = true
	for range p.workers {
		p.tasks.Put(nil)
	}
}

// Join waits for the workers to end, processes included, as Pool.join.
func (p *Pool) Join() error {
	var errs []error
	for _, w := range p.workers {
		errs = append(errs, w.Join())
	}
	return errors.Join(errs...)
}

// workerConn is the parent's end of one worker.
type workerConn struct {
	c   iface.Cmd
	in  io.WriteCloser
	enc *json.Encoder
	dec *json.Decoder
	out io.Writer
	mgr *manager
}

// serve feeds the worker tasks until the pool is closed, then lets it end.
func (w *workerConn) serve(tasks *green.Queue[*task]) error {
	for {
		t, err := tasks.Get()
		if err != nil || t == nil {
			w.in.Close() // EOF: the worker returns
			if werr := w.c.Wait(); err == nil {
				err = werr
			}
			return err
		}
		v, err := w.run(t)
		if err != nil {
			t.res.SetErr(err)
			w.c.Kill()
			w.c.Wait()
			return err // this worker is gone; the others go on
		}
		t.res.Set(v)
		if t.callback != nil {
			t.callback(v)
		}
	}
}

// run sends t to the worker, prints its lines and serves its calls until it
// sends the result.
func (w *workerConn) run(t *task) (int, error) {
	if err := w.enc.Encode(message{Kind: "task", Fn: t.fn, Args: t.args}); err != nil {
		return 0, fmt.Errorf("procpool: sending %s to worker %d: %w", t.fn, w.c.Pid(), err)
	}
	for {
		var m message
		if err := w.dec.Decode(&m); err != nil {
			return 0, fmt.Errorf("procpool: worker %d: %w", w.c.Pid(), err)
		}
		switch m.Kind {
		case "log":
			fmt.Fprintln(w.out, m.Line)
		case "call":
			v, err := w.mgr.serve(m.Call, m.Value)
			reply := message{Kind: "reply", Value: v}
			if err != nil {
				reply.Err = err.Error()
			}
			if err := w.enc.Encode(reply); err != nil {
				return 0, err
			}
		case "result":
			if m.Err != "" {
				return 0, fmt.Errorf("procpool: %s in worker %d: %s", t.fn, m.Pid, m.Err)
			}
			return m.Value, nil
		default:
			return 0, fmt.Errorf("procpool: worker %d sent %q", w.c.Pid(), m.Kind)
		}
	}
}

// manager holds the state the workers share, as multiprocessing's Manager
// process does, here in the parent and guarded by green primitives: a
// counter (a Value), a Lock and a Queue. Each worker's calls are served by
// that worker's greenlet, so a worker waiting for the lock parks only its
// greenlet, and the calls of one worker run in its order.
type manager struct {
	lock    green.Lock
	counter int
	queue   *green.Queue[int]
}

func newManager() *manager { return &manager{queue: green.NewQueue[int](0)} }

func (m *manager) serve(call string, v int) (int, error) {
	switch call {
	case "lock":
		m.lock.Lock()
		return 0, nil
	case "unlock":
		m.lock.Unlock()
		return 0, nil
	case "get":
		return m.counter, nil
	case "set":
		m.counter = v
		return 0, nil
	case "put":
		return 0, m.queue.Put(v)
	}
	return 0, fmt.Errorf("unknown call %q", call)
}
