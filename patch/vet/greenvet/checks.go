package greenvet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// kind is what a finding is about.
type kind int

const (
	kindBypass kind = iota // a call that does a module's I/O outside the registry
	kindNative             // an API that waits on goroutines of its own
	kindCalls              // a call to a function of another package that does one of the above
	kindGo                 // a go statement
	kindChan               // a channel operation, select, or range over a channel
	kindSync               // a sync wait
	kindRand               // a source of nondeterminism (simulated code only)
)

// finding is a candidate diagnostic: reported if the body it is in runs in
// green code (and, for simOnly ones, in a simulated world).
type finding struct {
	pos, end token.Pos
	kind     kind
	mod      module // the module a bypass bypasses, if any
	msg      string
	simOnly  bool
	use      *Use                          // what a summary records of it (bypasses, natives, calls)
	fix      func() *analysis.SuggestedFix // built only when reported
}

// candidates adds to u the findings of node n, written directly in u's
// body; stack holds n's ancestors.
func (c *checker) candidates(u *unit, n ast.Node, stack []ast.Node) {
	switch n := n.(type) {
	case *ast.CallExpr:
		c.callFinding(u, n)
	case *ast.GoStmt:
		u.add(&finding{pos: n.Pos(), end: n.Call.Lparen, kind: kindGo,
			msg: "go statement: the goroutine runs beside the hub, where nothing it waits on is cooperative; use green.Spawn",
			fix: func() *analysis.SuggestedFix { return c.goFix(n) }})
	case *ast.SendStmt:
		if !inSelectComm(n, stack) {
			u.add(&finding{pos: n.Pos(), end: n.End(), kind: kindChan,
				msg: "channel send holds the hub until a receiver takes it: use green.Send, or a green.Queue or green.Channel"})
		}
	case *ast.UnaryExpr:
		if n.Op == token.ARROW && !inSelectComm(n, stack) {
			u.add(&finding{pos: n.Pos(), end: n.End(), kind: kindChan,
				msg: "channel receive holds the hub until a value comes: use green.Recv, or a green.Queue or green.Channel"})
		}
	case *ast.SelectStmt:
		for _, cl := range n.Body.List {
			if cl.(*ast.CommClause).Comm == nil {
				return // a default case: it never waits
			}
		}
		u.add(&finding{pos: n.Pos(), end: n.Body.Lbrace, kind: kindChan,
			msg: "select holds the hub until a case is ready: use green.Select (or green.Wait on green primitives)"})
	case *ast.RangeStmt:
		t := c.pass.TypesInfo.TypeOf(n.X)
		if t == nil {
			return
		}
		switch t.Underlying().(type) {
		case *types.Chan:
			u.add(&finding{pos: n.Pos(), end: n.X.End(), kind: kindChan,
				msg: "range over a channel holds the hub at each receive: loop on green.Recv, or use a green.Queue"})
		case *types.Map:
			if f := c.mapOrder(n, stack); f != nil {
				u.add(f)
			}
		}
	case *ast.SelectorExpr:
		if obj, ok := c.pass.TypesInfo.Uses[n.Sel].(*types.Var); ok && obj.Pkg() != nil &&
			obj.Pkg().Path() == "crypto/rand" && obj.Name() == "Reader" {
			u.add(&finding{pos: n.Pos(), end: n.End(), kind: kindRand, simOnly: true,
				msg: "crypto/rand.Reader differs on every run: a simulated run is not reproducible; read from the world's seeded source"})
		}
	}
}

func (u *unit) add(f *finding) { u.findings = append(u.findings, f) }

// inSelectComm reports whether n is the communication of a select case.
func inSelectComm(n ast.Node, stack []ast.Node) bool {
	child := n
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.CommClause:
			return p.Comm == child
		case *ast.ExprStmt, *ast.AssignStmt, *ast.ParenExpr:
			child = p
			continue
		}
		return false
	}
	return false
}

// syncWaits are the sync methods that wait, with the green primitive to
// use instead.
var syncWaits = map[string]string{
	"(sync.Mutex).Lock":     "use green.Lock",
	"(sync.RWMutex).Lock":   "use green.Lock",
	"(sync.RWMutex).RLock":  "use green.Lock or green.Semaphore",
	"(sync.WaitGroup).Wait": "spawn into a green.Group and Join it",
	"(sync.Cond).Wait":      "use green.Condition",
}

// goroutineStarters start a goroutine as a go statement does.
var goroutineStarters = map[string]string{
	"(sync.WaitGroup).Go":                   "use a green.Group's Spawn",
	"(golang.org/x/sync/errgroup.Group).Go": "use a green.Group's Spawn (green.Group.Join returns the first error)",
}

// randConstructors are the functions of math/rand and math/rand/v2 that do
// not use the global source.
var randConstructors = map[string]bool{
	"New": true, "NewSource": true, "NewZipf": true, "NewPCG": true, "NewChaCha8": true,
}

// callFinding adds the finding of a call, if it has one.
func (c *checker) callFinding(u *unit, call *ast.CallExpr) {
	fn, _ := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	fn = fn.Origin()
	key := funcKey(fn)
	name := shortName(fn)
	at := c.where(call.Pos())
	pkg := fn.Pkg().Path()
	sig := fn.Type().(*types.Signature)
	recv := recvName(fn)

	if b, ok := bypasses[key]; ok {
		c.bypassFinding(u, call, name, at, b)
		return
	}
	if recv == "Resolver" && pkg == "net" && (resolverMethods[fn.Name()] || otherResolverMethods[fn.Name()]) {
		c.resolverFinding(u, call, fn, name, at)
		return
	}
	if hint, ok := syncWaits[key]; ok {
		u.add(&finding{pos: call.Pos(), end: call.End(), kind: kindSync,
			msg: fmt.Sprintf("%s holds the hub while it waits: %s", name, hint)})
		return
	}
	if hint, ok := goroutineStarters[key]; ok {
		u.add(&finding{pos: call.Pos(), end: call.End(), kind: kindGo,
			msg: fmt.Sprintf("%s starts a goroutine, which runs beside the hub: %s", name, hint)})
		return
	}
	if isGRPCCall(sig) {
		// A generated client stub (or ClientConn.Invoke itself): its
		// last parameter is ...grpc.CallOption.
		u.add(&finding{pos: call.Pos(), end: call.End(), kind: kindNative, use: &Use{What: name, At: at},
			msg: fmt.Sprintf("%s waits on grpc-go's own goroutines: %s", name, nativeAdvice)})
		return
	}
	if api, ok := nativeAPIs[pkg]; ok {
		ctxFirst := sig.Params().Len() > 0 && types.TypeString(sig.Params().At(0).Type(), nil) == "context.Context"
		if api.match(recv, fn.Name(), ctxFirst) {
			use := &Use{What: name, At: at}
			u.add(&finding{pos: call.Pos(), end: call.End(), kind: kindNative, use: use,
				msg: fmt.Sprintf("%s waits on %s's own goroutines: %s", name, api.what, nativeAdvice)})
		}
		return
	}
	if sig.Recv() == nil && (pkg == "math/rand" || pkg == "math/rand/v2") && !randConstructors[fn.Name()] {
		u.add(&finding{pos: call.Pos(), end: call.End(), kind: kindRand, simOnly: true,
			msg: fmt.Sprintf("%s uses math/rand's global source, seeded at random: a simulated run is not reproducible; use a *rand.Rand seeded from the world's seed", name)})
		return
	}
	if sig.Recv() == nil && pkg == "crypto/rand" {
		u.add(&finding{pos: call.Pos(), end: call.End(), kind: kindRand, simOnly: true,
			msg: fmt.Sprintf("%s differs on every run: a simulated run is not reproducible; use the world's seeded source", name)})
		return
	}
	if fn.Pkg() != c.pass.Pkg {
		c.callsFinding(u, call, fn, name)
	}
}

// nativeAdvice says what happens to a native API called from a greenlet.
const nativeAdvice = "called from a greenlet outside green.Native it holds the hub until the run-time hand-off " +
	"detaches the greenlet (reported once per call site; a detached run is not deterministic on a virtual clock); " +
	"call it inside green.Native"

// reason says what a bypass of mod costs in green code.
var reason = map[module]string{
	modSocket: "its waits hold the hub",
	modTime:   "it runs on the real clock and its waits hold the hub",
	modOS:     "it skips the os module and its I/O holds the hub",
	modDNS:    "its lookup holds the hub",
}

func (c *checker) bypassFinding(u *unit, call *ast.CallExpr, name, at string, b bypass) {
	f := &finding{pos: call.Pos(), end: call.End(), kind: kindBypass, mod: b.mod,
		use: &Use{What: name, Module: string(b.mod), At: at}}
	if b.fix != nil {
		f.msg = fmt.Sprintf("%s bypasses the registry's %s module (%s): use %s", name, b.mod, reason[b.mod], b.fix.describe())
		f.fix = func() *analysis.SuggestedFix { return c.rewriteFix(call, call.Fun, b.fix) }
	} else {
		f.msg = fmt.Sprintf("%s bypasses the registry's %s module (%s): %s", name, b.mod, reason[b.mod], b.hint)
	}
	if b.mod == modTime && (name == "time.Now" || name == "time.Since" || name == "time.Until") {
		f.msg = fmt.Sprintf("%s reads the real clock, not the registry's time module (on a virtual hub the two differ, and a simulated run is not reproducible): use %s", name, b.fix.describe())
	}
	u.add(f)
}

// describe names the registry call a rewrite makes, for a message.
func (rw *rewrite) describe() string {
	if rw.prefix == "" && rw.suffix == "" {
		return rw.fun
	}
	return rw.fun + "(" + rw.prefix + "..." + rw.suffix + ")"
}

// resolverFinding reports a *net.Resolver lookup: on net.DefaultResolver it
// is exactly registry.DNS()'s; another resolver's settings would be lost,
// so it gets a hint and no rewrite.
func (c *checker) resolverFinding(u *unit, call *ast.CallExpr, fn *types.Func, name, at string) {
	f := &finding{pos: call.Pos(), end: call.End(), kind: kindBypass, mod: modDNS,
		use: &Use{What: name, Module: string(modDNS), At: at}}
	sel, _ := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	isDefault := false
	if sel != nil {
		if x, ok := ast.Unparen(sel.X).(*ast.SelectorExpr); ok {
			v, _ := c.pass.TypesInfo.Uses[x.Sel].(*types.Var)
			isDefault = v != nil && v.Pkg() != nil && v.Pkg().Path() == "net" && v.Name() == "DefaultResolver"
		}
	}
	switch {
	case !resolverMethods[fn.Name()]:
		f.msg = fmt.Sprintf("%s bypasses the registry's dns module (%s): use registry.DNS().LookupNetIP", name, reason[modDNS])
	case isDefault:
		rw := &rewrite{fun: "registry.DNS()." + fn.Name()}
		f.msg = fmt.Sprintf("net.DefaultResolver.%s bypasses the registry's dns module (%s): use %s", fn.Name(), reason[modDNS], rw.fun)
		f.fix = func() *analysis.SuggestedFix { return c.rewriteFix(call, call.Fun, rw) }
	default:
		f.msg = fmt.Sprintf("%s bypasses the registry's dns module (%s): use registry.DNS().%s (this resolver's settings do not carry over)", name, reason[modDNS], fn.Name())
	}
	u.add(f)
}

// callsFinding reports a call to a function of another package whose
// summary says it holds the hub.
func (c *checker) callsFinding(u *unit, call *ast.CallExpr, fn *types.Func, name string) {
	var s Summary
	if !c.pass.ImportObjectFact(fn, &s) || len(s.Uses) == 0 {
		return
	}
	first := s.Uses[0]
	use := first
	use.Via = name
	if first.Via != "" {
		use.Via = name + " → " + first.Via
	}
	f := &finding{pos: call.Pos(), end: call.End(), kind: kindCalls, mod: module(first.Module), use: &use}
	switch {
	case first.Native != "":
		f.msg = fmt.Sprintf("%s is part of native component %s, which uses %s: it stays blocking, as the patch report says; call it inside green.Native",
			name, first.Native, first.describe())
	case first.Module != "":
		f.msg = fmt.Sprintf("%s bypasses the registry's %s module: it calls %s, and %s; call it inside green.Native, or make it use the registry",
			name, first.Module, first.describe(), reason[module(first.Module)])
	default:
		f.msg = fmt.Sprintf("%s calls %s, which waits on goroutines of its own: %s", name, first.describe(), nativeAdvice)
	}
	u.add(f)
}

// recvName returns the name of a method's receiver type ("Client" for
// (*http.Client).Do), or "" for a function.
func recvName(f *types.Func) string {
	if n, _, _ := recvType(f); n != nil {
		return n.Obj().Name()
	}
	return ""
}

// isGRPCCall reports whether sig is a gRPC call's: its variadic last
// parameter is ...grpc.CallOption, as every generated client method's is.
func isGRPCCall(sig *types.Signature) bool {
	if !sig.Variadic() {
		return false
	}
	last := sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
	n, ok := types.Unalias(last).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "google.golang.org/grpc" && n.Obj().Name() == "CallOption"
}
