// Package greenvet is a static analyzer (a golang.org/x/tools/go/analysis
// Analyzer) that finds, before the program runs, what patching cannot
// reach: code that runs in greenlets, or in a simulated world, and waits
// where the hub cannot see it. The run-time monitor finds such code only
// when it blocks long enough on a test run; greenvet finds it with file
// and line.
//
// Its command is patch/vet/cmd/greenvet:
//
//	go install github.com/greenshim/greenshim/patch/vet/cmd/greenvet@latest
//	go vet -vettool=$(which greenvet) ./...
//
// # Which code is green
//
// A function body is green code, checked for what holds the hub, when
//
//   - it is a function passed to an entry point: green.Spawn, SpawnValue,
//     SpawnLater, Run and Raw, the same methods of *green.Hub, Pool's and
//     Group's Spawn and SpawnValue, Greenlet.Link, green.Map, Imap and
//     ImapUnordered (the entry table, entries.go, lists them and is the one
//     place to add more); the function may be a literal, a function or
//     method of the package, a local variable assigned a literal once, or
//     a call of a package function that returns literals;
//   - it is passed to a function that passes that parameter on to an entry
//     point (a helper `all(fs ...func() error)` that spawns each): such
//     helpers are found in every package and exported as facts, so they
//     work across packages;
//   - it carries the directive //greenshim:green in its doc comment, or its
//     package does (the directive among the comments above any file's
//     package clause), or the package is named by the -green flag;
//   - it is called, inline, by green code: a function or method of the same
//     package called statically, a literal called, deferred, assigned or
//     returned there, a literal passed to a function of the same package,
//     green.WithTimeout's and WithContext's function, sync.Once.Do's, and
//     the time module's AfterFunc callback.
//
// A function passed to green.Native, Hub.Native, or the hub's ThreadPool
// (Spawn, Apply, Map) runs with the hub released: it is not green. Neither
// is a goroutine's body (the go statement is reported), nor a literal stored
// in a composite value or handed to a function of another package that is
// not an entry point: where such code runs cannot be seen.
//
// Simulated code is green code that also has to be deterministic: the
// directive //greenshim:sim, the -sim flag, or an entry point of the
// simulated world (a runsSim row in the entry table) marks it.
//
// # What it reports
//
// In green code:
//
//   - calls that bypass the registry: package net's dialers and listeners,
//     time.Sleep, After, Tick, NewTimer, NewTicker, AfterFunc, Now, Since,
//     Until, context.WithTimeout and WithDeadline (which run on the real
//     clock), package os's file and environment functions, filepath.Walk and
//     Glob, net's Lookup functions and net.Resolver's methods. Each has a
//     suggested fix to the registry call where one does the same
//     (net.Dial( → registry.Socket().Dial(, net.LookupHost(h) →
//     registry.DNS().LookupHost(context.Background(), h),
//     os.ReadFile(n) → afero.ReadFile(registry.OS(), n)), adding the
//     imports it needs. Where the registry's result type differs
//     (time.NewTimer's *time.Timer against iface.Timer, os.Open's *os.File
//     against afero.File) the fix is offered only when every use of the
//     result compiles with the new type, and it rewrites a timer's t.C to
//     t.C(). A bypass with no exact equivalent (net.DialTimeout, a
//     configured net.Dialer) is reported with a hint and no fix.
//   - go statements and the calls that start goroutines (sync.WaitGroup.Go,
//     errgroup.Group.Go), with a fix to green.Spawn for `go func() {...}()`
//     and `go f()`; channel sends, receives, range over a channel and select
//     without a default case (use green.Send, Recv, Select, or a green
//     queue); the waits of sync.Mutex, RWMutex, WaitGroup and Cond (use the
//     green primitive).
//   - calls into APIs known to wait on goroutines of their own: net/http's
//     client, database/sql, grpc-go's ClientConn, go-redis, pgx. Called from
//     a greenlet outside green.Native they hold the hub until the run-time
//     hand-off detaches the greenlet; the message says so.
//   - calls to functions of other packages that do any of the above
//     (analysis facts carry a summary of each function), naming the call
//     inside and its file and line.
//
// In simulated code, also the sources of nondeterminism: math/rand's and
// math/rand/v2's global functions, crypto/rand, time.Now (reported as a
// bypass), and a range over a map whose body prints, writes, sends, spawns
// greenlets or appends to a slice not sorted afterwards (with a fix to
// range over slices.Sorted(maps.Keys(m)) for ordered keys).
//
// In every package, green or not: registry.BindSocket, BindTime, BindOS
// and BindDNS called at package initialization (a package-level variable's
// value, an init function), which the patch report will name stale, with a
// fix that deletes an unexported variable and looks the module up at each
// use.
//
// # Natives
//
// A package that calls registry.DeclareNative(name, modules...) is a
// native component for those modules, as the patch report lists it: its
// own bypasses of those modules are not reported. Green code in other
// packages that calls into it is reported with the component's name and
// declaration ("part of native component "db-driver" (driver.go:40)... it
// stays blocking, as the patch report says"), so the analyzer and the
// report agree. The -silenced flag reports the silenced findings too,
// each naming the declaration that silences it.
//
// # Directives
//
//   - //greenshim:green, in a function's doc comment or above a package
//     clause: the function, or the whole package, runs in greenlets.
//   - //greenshim:sim: the same, in a simulated world.
//   - //greenshim:ignore <reason>: no finding on this line (as a trailing
//     comment) or the next (as a comment line above it). The reason is
//     required: a real bypass kept on purpose, such as a demo of one, says
//     why.
//
// Any other //greenshim: directive is reported, so a typo is not silently
// ignored.
//
// # Packages not analyzed
//
// The standard library (described by the tables instead) and greenshim's
// cooperative runtime, package green and below and their external tests,
// whose code waits on channels and calls package net by design, beside the
// hub.
package greenvet

const doc = `report what greenshim's patching cannot reach in green code

greenvet finds, in code that runs in greenlets or in a simulated world,
the waits the hub cannot see: direct calls to package net, time, os and
net's resolver that bypass the registry (with a suggested fix to the
registry call), go statements, plain channel operations and select,
sync waits, calls to APIs that wait on goroutines of their own (net/http's
client, database/sql, grpc-go, go-redis) outside green.Native, in simulated
code the sources of nondeterminism (global math/rand, crypto/rand, map
order feeding output), and, in every package, registry.Bind* calls at
package initialization, which the patch report names stale.

Code is green when it is passed to green.Spawn and friends, is marked with
//greenshim:green (a function, or a whole package above its package
clause), is named by -green, or is called from green code in its package.
//greenshim:sim and -sim mark simulated code. //greenshim:ignore <reason>
silences the line it ends or the next. A package that calls
registry.DeclareNative is a native component for the modules it declares:
its own bypasses of them are not reported, and green callers elsewhere are
told its name.

Run it with: go vet -vettool=$(which greenvet) ./...
Apply its fixes with: go vet -vettool=$(which greenvet) -fix ./...`
