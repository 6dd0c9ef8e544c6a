// Package sim is a simulated world: hosts with their own socket, time and
// dns modules (the interfaces of package iface), and a network between
// them with faults you choose, all drawn from one seed. Code under test
// runs unchanged but for where it gets its modules: a host's, or the
// registry's once package patch has installed a world.
//
//	w := sim.New(sim.Config{Seed: 1, Link: sim.Link{Latency: time.Millisecond}})
//	defer w.Close()
//	srv, cli := w.MustAddHost("server", "10.0.0.1"), w.MustAddHost("client", "10.0.0.2")
//	ln, _ := srv.Socket().Listen("tcp", ":80")
//	srv.Go(func() error { return serve(ln) })
//	err := cli.Run(func() error {
//		w.Partition([]string{"client"}, []string{"server"})
//		_, err := cli.Socket().Dial("tcp", "server:80") // waits for the heal
//		return err
//	})
//
// # Modes
//
// A world runs code in one of three ways; the same modules serve all
// three, and one conn may have an end in each.
//
//  1. Greenlets (Mode Greenlets, the default): the world runs on a hub of
//     package green with a VirtualClock, its own or Config.Hub. Hosts
//     start greenlets (Host.Run, Host.Go); their waits on conns park them
//     through green.Waiter, and the world's timed events (deliveries,
//     deadlines, the end of a clog) are timers of that hub, run by one
//     driver greenlet. Everything the world does then runs on the hub's
//     goroutine, in the hub's order: the same seed gives the same run,
//     bit for bit, and virtual time jumps when every greenlet waits.
//  2. Goroutines in a testing/synctest bubble (Mode Goroutines, the world
//     made inside synctest.Test): the world's time is the bubble's fake
//     clock; waits block durably on channels made in the bubble, and the
//     world's lock is held only for moments, never across a wait. This is
//     how libraries that run their own goroutines (net/http, grpc-go,
//     database drivers) run in the world.
//  3. Goroutines on real time (Mode Goroutines outside a bubble): an
//     in-memory network with faults, for ordinary tests.
//
// Plain goroutines may use a world of greenlets too (net/http's client
// against a server of greenlets, say). The hub cannot see them, so each of
// their calls into the world, and each end of their waits, holds the
// hub's virtual time still for green.OutsideGrace of real time: time moves
// once they have all been blocked in the world (or gone) for that long.
// Such a run is not deterministic; a run of greenlets alone is. A greenlet
// of another hub waiting on a world holds its own hub (green.Hub.Hold), as
// its wake comes from outside.
//
// # Which host am I
//
// A greenlet runs on the host it was started through (Host.Run, Host.Go:
// on the world's hub, or on green's default hub in a world of goroutines),
// and every greenlet it spawns inherits that host (green.Inherited):
// Current returns it. The modules of World.Socket (what package patch
// installs for a world) dispatch each call to the calling greenlet's
// host, so code that looks its modules up through the registry runs as
// several hosts unchanged. Plain goroutines have no host: they use a
// host's modules explicitly (http.Transport{DialContext:
// h.Socket().DialContext}), or World.Socket, which serves them as the
// world's first host.
//
// # Network
//
// Each host has the addresses it was added with (IPv4 and/or IPv6) and
// its own loopback, 127.0.0.1 and ::1, which no fault touches
// (Config.Loopback may slow it). Names resolve through the host's DNS.
//
// # DNS
//
// The world's DNS is a [simdns.Zone] (World.Zone): AddHost puts each
// host's name and addresses in it (A, AAAA and PTR records), and a test
// adds any other record (CNAME, SRV, MX, TXT, NS) and the faults of its
// name server per name: NXDOMAIN, SERVFAIL, a timeout, slow answers
// (Zone.SetFault). Each host asks it through a [simdns.Resolver] of its
// own (Host.DNS), and so does every dial by name: a slow answer delays
// the dial on world time, a silent name server fails it after the
// resolver's timeout (simdns.DefaultTimeout) or the context's deadline,
// in world time, and errors are package net's *net.DNSError, with
// IsNotFound and IsTimeout set as the stdlib does. A resolver's random
// choices (the order of a name's addresses, SRV weights) come from a
// source seeded by the world's seed and the host's name. "localhost" and
// IP literals resolve without the zone. See package simdns.
//
//   - TCP: Listen, Dial and Accept; a byte stream in order, with bounded
//     buffers (Config.Buffer per direction, in flight and unread
//     together): a Write waits for room while the peer does not read.
//     CloseWrite sends a FIN (the peer reads EOF after the data); Close
//     sends a FIN, and data arriving for a closed conn is answered with a
//     reset (ECONNRESET on the peer's Read, EPIPE on its Write), as is a
//     Close after SetLinger(0). A dial to a port nobody listens on is
//     refused (ECONNREFUSED); to an address no host has, EHOSTUNREACH.
//     Local ports are ephemeral (49152-65535), drawn from the seed.
//   - UDP: ListenPacket and Dial (connected UDP); datagrams up to
//     Config.MTU bytes (larger ones fail with EMSGSIZE), dropped when the
//     receiver's queue (RecvBuffer) is full or nobody listens.
//   - Deadlines are times on the world's clock (World.Now): the hub's
//     virtual clock in mode 1, package time's otherwise. A context ends a
//     dial when it is done, on the clock that made it: make it with the
//     world's Time (Host.Time().WithTimeout) to have it in world time.
//   - Errors are package net's, as iface's error contract says:
//     *net.OpError wrapping *os.SyscallError (ECONNREFUSED, ECONNRESET,
//     EPIPE, EMSGSIZE...), os.ErrDeadlineExceeded, net.ErrClosed, a
//     context's error; a name not found is a *net.DNSError. A green wait
//     ended by a Timeout or a context of package green returns that error
//     inside the *net.OpError; a kill unwinds.
//
// Conns are *Conn (net.Conn with CloseWrite, CloseRead, SetLinger,
// SetKeepAlive, SetNoDelay), listeners *Listener and UDP sockets
// *UDPConn (net.PacketConn, and net.Conn when dialed).
//
// # Faults
//
// Every random choice comes from the world's seed: per-link latency and
// jitter, bandwidth, loss, duplication and reordering (Link, set per pair
// of hosts with SetLink or for all with Config.Link). TCP stays reliable:
// a lost segment costs RTO, and segments of a conn arrive in order. Then,
// by method, at any moment: Partition and PartitionOneWay (UDP dropped,
// TCP and connection attempts held until Heal, as retransmissions would
// deliver them), Clog a host or ClogLink for a while (held, then sent on),
// Hold and Release a link (Hold takes back what is in flight too, so a
// test decides when each packet lands), Reset the conns between two
// hosts. A partition or clog holds what is sent from then on; packets
// already on the wire land. OnPacket
// sets a hook that sees every packet between two hosts (source,
// destination, bytes) and may drop, delay, duplicate or corrupt it, or
// act right after it (Verdict.Then: "partition right after the write that
// contains X"). Link is data: a failing run can print its plan.
//
// # Determinism
//
// In mode 1, given the same seed and the same program, every choice is
// made in the same order: the world draws from one PCG generator under its
// lock, on the hub's goroutine; events due at the same time run in the
// order they were scheduled; nothing iterates a Go map to decide an
// order. What breaks it: plain goroutines using the world (see # Modes),
// a greenlet handed off or waiting on real time, Close from outside while
// work is in flight. In modes 2 and 3 the world's own choices are seeded
// but the Go scheduler decides who sends first: the same seed gives the
// same faults, links, ports and DNS answers, not the same interleaving of
// the goroutines' calls. A world's trace (Config.Trace) says which it
// was: a world of goroutines, and a goroutine calling into a world of
// greenlets while they live, are recorded as breakers
// (green.Trace.Breakers), which green.Replays and Trace.Diff print beside
// the first event that differs, and the timeline picture shows.
//
// # Tracing
//
// Given a *green.Trace (Config.Trace), the world records its events beside
// the hub's: net.send, net.deliver and net.drop of each packet (Host the
// sender's or receiver's name, Flow linking the three), partition, heal,
// clog, hold, release, reset and link. On a hub of its own the world sets
// the trace's Host to HostName, so the hub's events name their host too.
package sim
