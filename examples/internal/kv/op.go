package kv

import (
	"fmt"
	"time"
)

// Kind is what an operation does to one key.
type Kind uint8

// The operations of the store. Get returns the key's value ("" if never
// written); Put replaces it; Append adds to its end.
const (
	Get Kind = iota + 1
	Put
	Append
)

func (k Kind) String() string {
	switch k {
	case Get:
		return "get"
	case Put:
		return "put"
	case Append:
		return "append"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Input is an operation as a client asks for it.
type Input struct {
	Kind  Kind
	Key   string
	Value string // Put's and Append's argument
}

func (in Input) String() string {
	if in.Kind == Get {
		return fmt.Sprintf("get %s", in.Key)
	}
	return fmt.Sprintf("%s %s=%q", in.Kind, in.Key, in.Value)
}

// Outcome says how an operation ended for its client.
type Outcome uint8

const (
	// OK: the store answered; for a Get, Record.Value is what it read.
	OK Outcome = iota
	// Unknown: the client gave up (Client.OpTimeout passed) without an
	// answer. The operation may have happened, or may happen later.
	Unknown
)

func (o Outcome) String() string {
	if o == Unknown {
		return "unknown"
	}
	return "ok"
}

// Record is one operation of a history, with its call and return times in
// the world's time since the run began.
type Record struct {
	Client  int // the client's number, from 0
	Seq     uint64
	In      Input
	Value   string // what a Get read, if Outcome is OK
	Outcome Outcome
	Server  int // the replica that answered, -1 if none did
	Call    time.Duration
	Return  time.Duration
}

func (r Record) String() string {
	s := fmt.Sprintf("%12v %12v c%d #%d %v", r.Call, r.Return, r.Client, r.Seq, r.In)
	switch {
	case r.Outcome == Unknown:
		s += " -> unknown"
	case r.In.Kind == Get:
		s += fmt.Sprintf(" -> %q by n%d", r.Value, r.Server+1)
	default:
		s += fmt.Sprintf(" -> ok by n%d", r.Server+1)
	}
	return s
}
