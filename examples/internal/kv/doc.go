// Package kv is a small replicated key-value store, its clients, and a
// linearizability check of what the clients saw: the body of the example
// command kv (examples/kv), which finds a planted bug in it by simulation,
// replays it from its seed, and draws it.
//
// # The store
//
// Three replicas (any number from 1 to 63) run Raft (Ongaro and
// Ousterhout, 2014) over UDP: a leader elected for a term by a majority
// replicates a log of client operations, and an operation takes effect, in
// log order, once a majority holds it. Leaders append a no-op at the start
// of their term, so that entries of earlier terms commit. There are no
// membership changes or snapshots.
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
// change its state, saves what must be durable, then sends what it
// queued. So on a hub no other greenlet ever sees a half-made change,
// whatever the schedule.
//
// # Durability
//
// A replica's term, vote and log (Raft's persistent state) live in a
// [Storage], a write-ahead log on a disk (an afero.Fs: a simulated host's,
// or a real one), synced after every step that changed them and before
// any message that step produced is sent. A crash while a save is under
// way loses at most that save, whose messages were never sent; recovery
// drops a torn or corrupt tail (each record has a length and a CRC) and
// cuts the file there. The store's data and sessions are not saved: a
// restarted replica applies the log again as the leader tells it what is
// committed. Without a Storage, Config.Durable keeps that state in memory.
//
// # Modules
//
// Servers and clients take their packet conns from the caller and their
// clock from Config.Time, registry.Time() by default: the same code runs on
// the blocking modules, on the green modules over loopback, and in a
// simulated world (green/sim), where the registry's modules are the
// world's and dispatch to the calling greenlet's host ([Scenario].Registry).
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
//
// # Simulation
//
// A [Scenario] runs the store in a green/sim world, everything drawn from
// one seed: the hub's schedule (green.Random), the network's delays and
// losses, the replicas' election timeouts, the clients' operations and a
// nemesis. Three replicas are the mains of hosts n1 to n3, each with a
// disk that takes time to write and sync and tears unsynced writes at a
// crash ([DiskFaults]); four clients run on hosts c1 to c4. The nemesis, every
// 0.2 to 1 s of world time, cuts the leader off from the other replicas
// (not from the clients: what exposes the stale read), cuts a replica off
// with some clients, crashes a replica's host (one at a time) or restarts
// it, slows the links down (latency, jitter, loss), or heals; what it did
// is the run's Plan. The run is traced on request (green.Trace): the
// world's messages, partitions, crashes and restarts, and the store's own
// marks (a leader elected or stepping down, a local read, and a [StaleRead]
// by a deposed leader), which package green/sim/timeline draws.
package kv
