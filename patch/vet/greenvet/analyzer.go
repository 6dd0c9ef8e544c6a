package greenvet

import (
	"flag"
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Analyzer reports, in code that runs in greenlets or in a simulated world,
// what patching cannot reach. Its Doc is the user's manual.
var Analyzer = &analysis.Analyzer{
	Name:      "greenvet",
	Doc:       doc,
	URL:       "https://pkg.go.dev/github.com/greenshim/greenshim/patch/vet/greenvet",
	Flags:     flags(),
	Run:       run,
	FactTypes: []analysis.Fact{new(Summary)},
}

// Flag values. The analysis framework gives an analyzer one flag set for
// the process; unitchecker and singlechecker parse it before any Run.
var (
	greenPkgs patterns
	simPkgs   patterns
	silenced  bool
)

func flags() flag.FlagSet {
	fs := flag.NewFlagSet("greenvet", flag.ExitOnError)
	fs.Var(&greenPkgs, "green", "comma-separated import paths (path/... for a tree) whose code all runs in greenlets, as if each had //greenshim:green")
	fs.Var(&simPkgs, "sim", "comma-separated import paths (path/... for a tree) whose code all runs in a simulated world, as if each had //greenshim:sim")
	fs.BoolVar(&silenced, "silenced", false, "also report the findings that a registry.DeclareNative of the package silences, saying which declaration does")
	return *fs
}

// patterns is a flag holding import path patterns.
type patterns []string

func (p *patterns) String() string { return strings.Join(*p, ",") }

func (p *patterns) Set(s string) error {
	*p = nil
	for _, x := range strings.Split(s, ",") {
		x = strings.TrimSpace(x)
		if x == "" {
			continue
		}
		if strings.ContainsAny(x, " *?[") || strings.HasPrefix(x, ".") {
			return fmt.Errorf("%q: want an import path, or one ending in /... for a tree", x)
		}
		*p = append(*p, x)
	}
	return nil
}

func (p patterns) match(path string) bool {
	for _, x := range p {
		if tree, ok := strings.CutSuffix(x, "/..."); ok {
			if path == tree || strings.HasPrefix(path, tree+"/") {
				return true
			}
		} else if path == x {
			return true
		}
	}
	return false
}

// runtimePkgs are greenshim's cooperative runtime: its code waits on
// channels and calls package net by design, beside the hub, so it is
// neither checked nor summarized; nor are its external tests, which drive
// it with native code on purpose.
var runtimePkgs = patterns{greenPkg + "/..."}

// checker is the state of one run over one package.
type checker struct {
	pass    *analysis.Pass
	pkgCtx  ctxBits
	pkgWhy  string
	ignored map[lineKey]bool
	natives map[module]string // module → "name (file:line)" of the DeclareNative covering it

	units      map[ast.Node]*unit
	order      []*unit // every unit, in source order
	declOf     map[*types.Func]*unit
	litOfVar   map[*types.Var]*unit
	pendingLit map[*ast.FuncLit]*types.Var
	rangeOf    map[*types.Var]ast.Expr // a range loop's variables → what it ranges over
	runs       map[*types.Func]map[int]how
	work       []*unit
	parents    map[ast.Node]ast.Node
	uses       map[types.Object][]*ast.Ident
}

func run(pass *analysis.Pass) (any, error) {
	path := pass.Pkg.Path()
	if isStdPass(pass) || runtimePkgs.match(strings.TrimSuffix(path, "_test")) {
		return nil, nil
	}
	c := &checker{pass: pass}
	c.readDirectives()
	switch {
	case simPkgs.match(path):
		c.pkgCtx, c.pkgWhy = ctxGreen|ctxSim, "-sim flag"
	case greenPkgs.match(path):
		c.pkgCtx, c.pkgWhy = ctxGreen, "-green flag"
	case c.pkgCtx&ctxSim != 0:
		c.pkgWhy = dirSim + " on the package"
	case c.pkgCtx != 0:
		c.pkgWhy = dirGreen + " on the package"
	}
	c.readNatives()
	c.buildUnits()
	c.deriveRuns()
	c.markRoots()
	c.propagate()
	c.report()
	c.checkInitBindings()
	c.exportSummaries()
	return nil, nil
}

// isStdPass reports whether pass is over a standard-library package, which
// the tables describe instead: one outside any module whose path's first
// element has no dot. (A user's module may well be named "myapp"; its
// packages have a module.)
func isStdPass(pass *analysis.Pass) bool {
	if m := pass.Module; m != nil && m.Path != "" && m.Path != "std" {
		return false
	}
	return isStd(pass.Pkg.Path())
}

// isStd reports whether path looks like a standard-library package's, as
// goimports judges it: the first element of the path has no dot.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// deriveRuns finds the functions of this package that pass a parameter on
// to an entry point, until no more are found.
func (c *checker) deriveRuns() {
	c.runs = map[*types.Func]map[int]how{}
	for changed := true; changed; {
		changed = false
		for _, u := range c.order {
			d := u.decl()
			if d.fn == nil {
				continue
			}
			for _, call := range u.calls {
				for param, h := range c.entryOf(call) {
					if h == runsInline {
						continue // runs where the helper runs: nothing to derive
					}
					for _, a := range c.argsOf(call, param) {
						p := c.paramIndex(d.fn, a)
						if p < 0 {
							continue
						}
						if c.runs[d.fn] == nil {
							c.runs[d.fn] = map[int]how{}
						}
						if c.runs[d.fn][p] < h {
							c.runs[d.fn][p] = h
							changed = true
						}
					}
				}
			}
		}
	}
}

// paramIndex returns the index of fn's parameter that e is (or ranges over,
// or indexes), or -1.
func (c *checker) paramIndex(fn *types.Func, e ast.Expr) int {
	e = ast.Unparen(e)
	if ix, ok := e.(*ast.IndexExpr); ok {
		e = ix.X
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return -1
	}
	v, _ := c.pass.TypesInfo.Uses[id].(*types.Var)
	if v == nil {
		return -1
	}
	if x, ok := c.rangeOf[v]; ok {
		return c.paramIndex(fn, x)
	}
	params := fn.Type().(*types.Signature).Params()
	for i := range params.Len() {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}

// mark records that u runs in ctx, and queues it to pass that on.
func (c *checker) mark(u *unit, ctx ctxBits, why string) {
	if u == nil || u.ctx|ctx == u.ctx {
		return
	}
	if u.ctx == 0 {
		u.why = why
	}
	u.ctx |= ctx
	c.work = append(c.work, u)
}

// litHow says where a literal runs relative to its enclosing body.
func (c *checker) litHow(u *unit) how {
	switch u.link {
	case linkInline:
		return runsInline
	case linkArg:
		if h, ok := c.entryOf(u.call)[c.paramOf(u.call, u.arg)]; ok {
			return h
		}
		if fn := typeutil.StaticCallee(c.pass.TypesInfo, u.call); fn != nil && c.declOf[fn.Origin()] != nil {
			return runsInline // this package's own helper: it runs or keeps it
		}
	}
	return 0
}

// markRoots marks what runs in green code from the start: directives,
// flags, and the function arguments of entry points.
func (c *checker) markRoots() {
	for _, u := range c.order {
		if c.pkgCtx != 0 && u.link != linkGo && c.litHow(u) != runsNative {
			c.mark(u, c.pkgCtx, c.pkgWhy)
		}
		if d, ok := u.node.(*ast.FuncDecl); ok {
			if bits := ctxDirective(d.Doc); bits != 0 {
				dir := dirGreen
				if bits&ctxSim != 0 {
					dir = dirSim
				}
				c.mark(u, bits, dir+" on "+u.name)
			}
		}
		for _, call := range u.calls {
			c.markArgs(u, call)
		}
	}
}

// markArgs marks the function arguments that a call to an entry point
// runs in greenlets or a simulated world. For a function of another
// package passed so, it reports what that function does at once.
func (c *checker) markArgs(u *unit, call *ast.CallExpr) {
	for param, h := range c.entryOf(call) {
		bits := h.bits()
		if bits == 0 {
			continue
		}
		why := "passed to " + c.calleeName(call) + " at " + c.where(call.Pos())
		for _, a := range c.argsOf(call, param) {
			for _, t := range c.funcRef(a) {
				c.mark(t, bits, why)
			}
			if fn := c.externFunc(a); fn != nil {
				tmp := &unit{ctx: bits, why: why}
				c.callsFinding(tmp, &ast.CallExpr{Fun: a, Lparen: a.End(), Rparen: a.End()}, fn, shortName(fn))
				c.emit(tmp)
			}
		}
	}
}

func (c *checker) calleeName(call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); ok {
		return shortName(fn)
	}
	return "an entry point"
}

// propagate passes each body's context on to what it runs inline: the
// literals written in it and the functions of this package it calls.
func (c *checker) propagate() {
	for len(c.work) > 0 {
		u := c.work[len(c.work)-1]
		c.work = c.work[:len(c.work)-1]
		for _, l := range u.lits {
			if c.litHow(l) == runsInline {
				c.mark(l, u.ctx, u.why)
			}
		}
		for _, call := range u.calls {
			if fn := typeutil.StaticCallee(c.pass.TypesInfo, call); fn != nil {
				if d := c.declOf[fn.Origin()]; d != nil {
					c.mark(d, u.ctx, "called from "+u.decl().name+" at "+c.where(call.Pos()))
				}
			}
			for param, h := range c.entryOf(call) {
				if h != runsInline {
					continue
				}
				for _, a := range c.argsOf(call, param) {
					for _, t := range c.funcRef(a) {
						c.mark(t, u.ctx, u.why)
					}
				}
			}
		}
	}
}

// report reports the findings of every body that runs in green code.
func (c *checker) report() {
	for _, u := range c.order {
		if u.ctx != 0 {
			c.emit(u)
		}
	}
}

// emit reports u's findings that apply in u's context.
func (c *checker) emit(u *unit) {
	for _, f := range u.findings {
		if f.simOnly && u.ctx&ctxSim == 0 {
			continue
		}
		if c.isIgnored(f.pos) {
			continue
		}
		where := "green code"
		if u.ctx&ctxSim != 0 {
			where = "simulated code"
		}
		msg := f.msg + " [" + where + ": " + u.why + "]"
		if decl, ok := c.natives[f.mod]; ok && f.mod != "" {
			if !silenced {
				continue
			}
			msg = "silenced by registry.DeclareNative " + decl + ": " + msg
		}
		d := analysis.Diagnostic{Pos: f.pos, End: f.end, Category: f.kind.String(), Message: msg}
		if f.fix != nil {
			if fix := f.fix(); fix != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			}
		}
		c.pass.Report(d)
	}
}

func (k kind) String() string {
	return [...]string{"bypass", "native", "calls", "go", "chan", "sync", "nondeterminism"}[k]
}

// exportSummaries exports, for each function of the package that does not
// run in green code here, what it would do in green code elsewhere, and
// which of its parameters it runs.
func (c *checker) exportSummaries() {
	uses := map[*unit][]Use{}
	for changed := true; changed; {
		changed = false
		for _, u := range c.order {
			if _, ok := u.node.(*ast.FuncDecl); !ok || u.ctx != 0 {
				continue
			}
			got := c.collectUses(u, u, uses, map[*unit]bool{})
			if len(got) > len(uses[u]) {
				uses[u] = got
				changed = true
			}
		}
	}
	for _, u := range c.order {
		if u.fn == nil {
			continue
		}
		s := &Summary{Uses: uses[u]}
		for p, h := range c.runs[u.fn] {
			s.Runs = append(s.Runs, RunsParam{Param: p, How: int(h)})
		}
		if len(s.Uses) > 0 || len(s.Runs) > 0 {
			sortRuns(s.Runs)
			c.pass.ExportObjectFact(u.fn, s)
		}
	}
}

// collectUses gathers the uses of body u (part of declaration d) and of the
// literals it runs inline and this package's functions it calls.
func (c *checker) collectUses(d, u *unit, known map[*unit][]Use, seen map[*unit]bool) []Use {
	var out []Use
	add := func(x Use) {
		if len(out) >= maxUses {
			return
		}
		for _, y := range out {
			if y.What == x.What && y.Via == x.Via {
				return
			}
		}
		out = append(out, x)
	}
	for _, f := range u.findings {
		if f.use == nil {
			continue
		}
		x := *f.use
		if decl, ok := c.natives[f.mod]; ok && f.mod != "" && x.Native == "" {
			x.Native = decl
		}

		add(x)
	}
	for _, l := range u.lits {
		if c.litHow(l) == runsInline && l.ctx == 0 && !seen[l] {
			seen[l] = true
			for _, x := range c.collectUses(d, l, known, seen) {
				add(x)
			}
		}
	}
	for _, call := range u.calls {
		fn := typeutil.StaticCallee(c.pass.TypesInfo, call)
		if fn == nil {
			continue
		}
		callee := c.declOf[fn.Origin()]
		if callee == nil || callee == d || callee.ctx != 0 {
			continue
		}
		for _, x := range known[callee] {
			if x.Via == "" {
				x.Via = c.pass.Pkg.Name() + "." + callee.name
			}
			add(x)
		}
	}
	return out
}

func sortRuns(rs []RunsParam) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Param < rs[j-1].Param; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}
