package procpool

// The parent and a worker process talk in JSON lines over the worker's
// standard input and output, one message a line.
//
// Parent to worker: a task ("task"), or the reply to a call the worker made
// ("reply"). Worker to parent: a line of output for the parent to print
// ("log"), a call to the manager the parent runs ("call": lock, unlock,
// get, set, put), or the result of the task ("result").
type message struct {
	Kind string `json:"kind"`

	// task
	Fn   string `json:"fn,omitempty"`
	Args []int  `json:"args,omitempty"`

	// log
	Line string `json:"line,omitempty"`

	// call, reply, result
	Call  string `json:"call,omitempty"`
	Value int    `json:"value,omitempty"`
	Err   string `json:"err,omitempty"`
	Pid   int    `json:"pid,omitempty"`
}

// The ways the count task changes the shared counter.
const (
	countQueue  = iota // put +1 on the manager's queue
	countLock          // lock; get; set get+1; unlock
	countNoLock        // get; set get+1
)
