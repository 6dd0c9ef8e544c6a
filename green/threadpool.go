package green

// DefaultThreadPoolSize is the number of jobs a hub's thread pool runs at
// once unless Options.ThreadPoolSize says otherwise, as gevent's
// hub.threadpool.
const DefaultThreadPoolSize = 10

// ThreadPool runs blocking functions on plain goroutines, at most Size at a
// time, while the calling greenlet waits and the others run: gevent's
// hub.threadpool, for work that patching cannot reach (cgo, direct syscalls,
// code that blocks on Go channels or mutexes). Each hub has one, returned by
// (*Hub).ThreadPool; the package-level functions use the caller's hub's.
//
// A job runs on a goroutine of its own; jobs beyond Size queue in FIFO order.
// While any job is in flight the hub neither declares a deadlock nor jumps
// virtual time, and Close waits for it.
type ThreadPool struct {
	h    *Hub
	size int

	// Hub-only.
	running int
	queue   []*poolJob
}

type poolJob struct {
	fn  func() (any, error)
	res *AsyncResult
}

func newThreadPool(h *Hub, size int) *ThreadPool {
	if size < 0 {
		panic("green: negative ThreadPoolSize")
	}
	if size == 0 {
		size = DefaultThreadPoolSize
	}
	return &ThreadPool{h: h, size: size}
}

// ThreadPool returns h's thread pool.
func (h *Hub) ThreadPool() *ThreadPool { return h.pool }

// Size returns how many jobs p runs at once.
func (p *ThreadPool) Size() int { return p.size }

// Spawn queues fn to run on the pool and returns the AsyncResult that
// receives its result. It does not wait.
func (p *ThreadPool) Spawn(fn func() (any, error)) *AsyncResult {
	if fn == nil {
		panic("green: ThreadPool.Spawn of a nil function")
	}
	r := &AsyncResult{}
	r.b.bind(p.h, "AsyncResult")
	j := &poolJob{fn: fn, res: r}
	p.h.do(func() { p.submit(j) })
	return r
}

// Apply runs fn on the pool and waits for its result; only the calling
// greenlet waits. A panic in fn is returned as a *PanicError, a
// runtime.Goexit in fn as an error saying so.
func (p *ThreadPool) Apply(fn func() (any, error)) (any, error) {
	if fn == nil {
		panic("green: ThreadPool.Apply of a nil function")
	}
	return p.Spawn(fn).Get()
}

// Map runs fn(0) ... fn(n-1) on the pool (at most Size at a time) and
// waits for them all; results are in index order, and the error is the first
// failing index's.
func (p *ThreadPool) Map(n int, fn func(i int) (any, error)) ([]any, error) {
	if n < 0 {
		panic("green: ThreadPool.Map with negative n")
	}
	if fn == nil {
		panic("green: ThreadPool.Map of a nil function")
	}
	rs := make([]*AsyncResult, n)
	for i := range rs {
		rs[i] = p.Spawn(func() (any, error) { return fn(i) })
	}
	out := make([]any, n)
	var first error
	for i, r := range rs {
		v, err := r.Get()
		out[i] = v
		if err != nil && first == nil {
			first = err
		}
	}
	return out, first
}

// submit starts j or queues it. Hub context.
func (p *ThreadPool) submit(j *poolJob) {
	p.h.ext++
	if p.running < p.size {
		p.running++
		p.launch(j)
		return
	}
	p.queue = append(p.queue, j)
}

// launch runs j on a goroutine of its own and reports back through the inbox.
func (p *ThreadPool) launch(j *poolJob) {
	h := p.h
	h.goNative(j.fn, func(v any, err error) {
		h.ext--
		j.res.set(v, err)
		if len(p.queue) > 0 {
			next := p.queue[0]
			p.queue[0] = nil
			p.queue = p.queue[1:]
			p.launch(next)
			return
		}
		p.running--
	})
}
