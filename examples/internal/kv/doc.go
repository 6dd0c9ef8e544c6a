// Package kv is a small replicated key-value store, its clients, and a
// linearizability check of what the clients saw: the body of the example
// command kv (examples/kv), which finds a planted bug in it by simulation.
//
// # The store
//
// Three replicas (any number from 1 to 63) run Raft (Ongaro and
// Ousterhout, 2014) over UDP: a leader elected for a term by a majority
// replicates a log of client operations, and an operation takes effect, in
// log order, once a majority holds it. Leaders send a no-op at the start
// of their term, so that entries of earlier terms commit. There are no
// membership changes, snapshots or persistence: a replica that stops is
// gone (a crash with its disk lost), and the others go on while a
// majority is up.
//
// Every operation, reads included, goes through the log: a Get is
// answered when its entry is applied, so it sees every write acknowledged
// before it was sent, wherever that write went. That is what makes the
// store linearizable. A client session (one per client) numbers its
// operations; each replica remembers the last one applied per session, so
// a request retried after a lost reply is answered from that memory, not
// applied twice.
//
// The replica's protocol (replica.go) does no I/O and never waits: a
// [Server] reads one datagram or one tick at a time, lets the protocol
// change its state, then sends what it queued. So on a hub no other
// greenlet ever sees a half-made change, whatever the schedule.
//
// # Modules
//
// Servers and clients take their packet conns from the caller and their
// clock from Config.Time, registry.Time() by default: the same code runs on
// the blocking modules, on the green modules over loopback, and in a
// simulated world (green/sim) where each host has its own.
//
// # Planted bugs
//
// [Bugs] plants bugs for the checker to find. StaleRead lets a leader
// answer a Get from its own state: a leader cut off from the others by a
// partition goes on believing it leads, and its reads miss what the new
// leader acknowledged since. NoDedup forgets sessions: a write retried
// after its reply was lost is applied twice.
//
// # Checking
//
// A [Client] records each operation with the world time of its call and
// return. [Check] gives the history to porcupine
// (github.com/anishathalye/porcupine) with [Model], a register per key. An
// operation whose client gave up is handled as porcupine's docs say: a
// write may have happened at any time after its call, so it returns at
// infinity with an unknown result; a read is dropped.
package kv
