// Package patch swaps the blocking implementations of greenshim's four I/O
// modules for cooperative ones, module by module: gevent's
// monkey.patch_all, done through package registry.
//
//	func main() {
//		report, err := patch.PatchAll(patch.Options{})
//		if err != nil {
//			log.Fatal(err)
//		}
//		fmt.Print(report)
//		...
//	}
//
// Importing patch provides package blocking's implementations as the
// registry's originals (registry.Provide), so every module has one even if
// nothing is ever patched.
//
// # Options and order
//
// The zero [Options] patch all four modules with the cooperative
// implementations of package green: green.OS, green.Time, green.Socket and
// green.DNS (the thread resolver, or the pure one with Options.Resolver),
// each working on the hub of the greenlet that calls it. Options.Impl gives
// implementations of one's own, per module; the No fields opt a module out,
// as gevent's patch_all(dns=False).
//
// Patching swaps modules; it does not turn the caller into a greenlet. Code
// is cooperative when it runs in greenlets, typically under green.Run:
//
//	patch.PatchAll(patch.Options{})
//	err := green.Run(realMain) // realMain is the main greenlet
//
// Called from a plain goroutine, a patched module blocks only that
// goroutine, as the blocking one would.
//
// Modules are patched in the order os, time, socket, dns (registry.Modules):
// socket deadlines and dns timeouts run on time, and a cooperative resolver
// sends its queries over sockets, so each module is swapped after the ones it
// depends on, and a subscriber to the module events sees them in that order.
// A module patched without the one it depends on (socket without time, dns
// without socket) gets a warning in the [Report] that names the consequence,
// as gevent warns for signal without os.
//
// # Calling PatchAll twice
//
// A second call with the same options changes nothing and its report says
// so. A call with different options patches its own modules too, so the
// modules patched are the union of every call since the last [Restore], and
// its report warns, as gevent does ("Patching more than once will result in
// the union of all True parameters being patched"). A module already patched
// that a later call patches with a different implementation gets the later
// one.
//
// # Events and vetoes
//
// [Subscribe] registers a function called, synchronously and in the order of
// subscription, at each [Event]: WillPatchAll, then for each module in order
// WillPatchModule and DidPatchModule, then DidPatchAll. A non-nil error from
// a subscriber to WillPatchAll vetoes the whole patch; from WillPatchModule,
// that module. The report shows each veto with its reason. Errors from Did
// events cannot undo anything and become warnings. Subscribers must not call
// PatchAll, Restore or ForTest: the patch that calls them holds the lock
// these take, so such a call panics with a message starting "patch: "
// instead of waiting forever (a goroutine the subscriber waits for would
// still deadlock it). Another goroutine's call waits until the patch ends.
//
// # Restoring
//
// [Restore] returns every module to its original, which gevent cannot do.
// [ForTest] patches for the length of one test and puts back in t.Cleanup
// exactly what was current before.
//
// # Stale bindings and natives
//
// A module bound with a registry.Bind function before the patch keeps the
// implementation it bound, as "from socket import create_connection" does
// before gevent's patch_all. The report names every binding the patch made
// stale, with its package, function, file and line. Components declared with
// registry.DeclareNative do their I/O outside the registry; every report
// lists them as staying blocking.
//
// # Flags and the environment
//
// Tests choose what to patch without a code change, with a flag or the
// environment variable GREENSHIM, in one syntax ([ParseSpec]):
//
//	go test ./... -args -greenshim=green,-dns
//	GREENSHIM=green,-dns go test ./...
//	go test ./... -args -greenshim=sim   # sockets and names in a simulated world (SimWorld)
//
// The flag wins over the variable. A TestMain applies them with [TestingM]:
//
//	func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }
//
// or, with go.uber.org/goleak, goleak.VerifyTestMain(patch.TestingM(m)).
// Every test package of this module does so, because go test passes the flag
// given after -args to every test binary, and a binary that does not define
// it fails.
package patch
