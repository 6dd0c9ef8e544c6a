package greenvet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/types/typeutil"
)

// ctxBits says where a function body runs.
type ctxBits uint8

const (
	ctxGreen ctxBits = 1 << iota // in greenlets: the hub checks apply
	ctxSim                       // in a simulated world: determinism checks apply too
)

func (h how) bits() ctxBits {
	switch h {
	case runsGreen:
		return ctxGreen
	case runsSim:
		return ctxGreen | ctxSim
	}
	return 0
}

// link says how a function literal relates to the body it is written in.
type link int

const (
	linkNone   link = iota // a function declaration: no enclosing body
	linkInline             // runs where the enclosing body runs (called, deferred, assigned, returned)
	linkArg                // passed to a function: decided by what the callee does with it
	linkOpaque             // stored or handed to code that runs it who knows where
	linkGo                 // the function of a go statement: a goroutine
)

// unit is a function body: a declaration's or a literal's.
type unit struct {
	node   ast.Node // *ast.FuncDecl or *ast.FuncLit
	fn     *types.Func
	name   string // for messages: "run", "a function literal in run"
	parent *unit
	link   link
	// For linkArg: the call and the argument's index.
	call *ast.CallExpr
	arg  int

	ctx ctxBits
	why string // how it came to run in greenlets, for messages

	lits     []*unit         // literals written directly in this body
	calls    []*ast.CallExpr // every call written directly in this body
	findings []*finding      // what holds the hub here, if the body runs in green code
}

// body returns the unit's block.
func (u *unit) body() *ast.BlockStmt {
	switch n := u.node.(type) {
	case *ast.FuncDecl:
		return n.Body
	case *ast.FuncLit:
		return n.Body
	}
	return nil
}

// decl returns the declaration the unit is, or is written in.
func (u *unit) decl() *unit {
	for u.parent != nil {
		u = u.parent
	}
	return u
}

// buildUnits makes a unit of every function body of the package and
// collects, per unit, the calls and literals written directly in it and its
// candidate findings.
func (c *checker) buildUnits() {
	c.units = map[ast.Node]*unit{}
	c.declOf = map[*types.Func]*unit{}
	c.litOfVar = map[*types.Var]*unit{}
	c.rangeOf = map[*types.Var]ast.Expr{}
	reassigned := map[*types.Var]bool{}
	for _, f := range c.pass.Files {
		var stack []ast.Node
		var units []*unit // enclosing units, innermost last
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if len(units) > 0 && units[len(units)-1].node == top {
					units = units[:len(units)-1]
				}
				return true
			}
			var cur *unit
			if len(units) > 0 {
				cur = units[len(units)-1]
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body == nil {
					return false
				}
				fn, _ := c.pass.TypesInfo.Defs[n.Name].(*types.Func)
				u := &unit{node: n, fn: fn, name: declName(n)}
				c.units[n] = u
				if fn != nil {
					c.declOf[fn] = u
				}
				c.order = append(c.order, u)
				units = append(units, u)
			case *ast.FuncLit:
				u := &unit{node: n, parent: cur}
				if cur != nil {
					u.name = "a function literal in " + cur.decl().name
					cur.lits = append(cur.lits, u)
				} else {
					u.name = "a function literal at package level"
				}
				c.classifyLit(u, stack)
				c.units[n] = u
				if v := c.pendingLit[n]; v != nil {
					c.litOfVar[v] = u
				}
				c.order = append(c.order, u)
				units = append(units, u)
			case *ast.AssignStmt:
				c.noteAssign(n, reassigned)
			case *ast.ValueSpec:
				// var f = func() ... {}, in a function.
				for i, name := range n.Names {
					if i < len(n.Values) && cur != nil {
						if lit, ok := ast.Unparen(n.Values[i]).(*ast.FuncLit); ok {
							if v, ok := c.pass.TypesInfo.Defs[name].(*types.Var); ok {
								if c.pendingLit == nil {
									c.pendingLit = map[*ast.FuncLit]*types.Var{}
								}
								c.pendingLit[lit] = v
							}
						}
					}
				}
			case *ast.RangeStmt:
				if n.Tok == token.DEFINE {
					for _, e := range []ast.Expr{n.Key, n.Value} {
						if id, ok := e.(*ast.Ident); ok {
							if v, ok := c.pass.TypesInfo.Defs[id].(*types.Var); ok {
								c.rangeOf[v] = n.X
							}
						}
					}
				}
			case *ast.CallExpr:
				if cur != nil {
					cur.calls = append(cur.calls, n)
				}
			}
			if cur != nil {
				c.candidates(cur, n, stack)
			}
			stack = append(stack, n)
			return true
		})
	}
	for v := range reassigned {
		delete(c.litOfVar, v)
	}
}

// noteAssign records `f := func() ... {}`, so that green.Spawn(f) is known
// to spawn that literal; a variable assigned twice is forgotten.
func (c *checker) noteAssign(a *ast.AssignStmt, reassigned map[*types.Var]bool) {
	for i, lhs := range a.Lhs {
		id, ok := lhs.(*ast.Ident)
		if !ok {
			continue
		}
		v, _ := c.pass.TypesInfo.ObjectOf(id).(*types.Var)
		if v == nil {
			continue
		}
		if a.Tok != token.DEFINE || len(a.Lhs) != len(a.Rhs) {
			reassigned[v] = true
			continue
		}
		if lit, ok := ast.Unparen(a.Rhs[i]).(*ast.FuncLit); ok {
			if c.pendingLit == nil {
				c.pendingLit = map[*ast.FuncLit]*types.Var{}
			}
			c.pendingLit[lit] = v
		}
	}
}

func declName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		t, star = s.X, "*"
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + d.Name.Name
	}
	return d.Name.Name
}

// classifyLit sets how a literal relates to the body it is written in,
// from its syntactic parent.
func (c *checker) classifyLit(u *unit, stack []ast.Node) {
	child := u.node
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr:
			child = p
			continue
		case *ast.CallExpr:
			if p.Fun == child {
				u.link = linkInline // func() { ... }()
				if i > 0 {
					if g, ok := stack[i-1].(*ast.GoStmt); ok && g.Call == p {
						u.link = linkGo
					}
				}
				return
			}
			for j, a := range p.Args {
				if a == child {
					u.link, u.call, u.arg = linkArg, p, j
					return
				}
			}
		case *ast.AssignStmt:
			// f := func() {...}: a local variable, called or passed
			// on where it can be seen. m[k] = func() {...}: stored.
			for j, r := range p.Rhs {
				if r == child && j < len(p.Lhs) {
					if _, ok := p.Lhs[j].(*ast.Ident); ok {
						u.link = linkInline
						return
					}
				}
			}
			u.link = linkOpaque
			return
		case *ast.ValueSpec, *ast.ReturnStmt, *ast.DeferStmt:
			u.link = linkInline
			return
		}
		u.link = linkOpaque
		return
	}
	u.link = linkOpaque
}

// funcRef resolves an expression used as a function value to the units it
// may be: a function or method of this package, a literal assigned once to
// a local variable, or the literals a function of this package returns.
func (c *checker) funcRef(e ast.Expr) []*unit {
	e = ast.Unparen(e)
	switch e := e.(type) {
	case *ast.FuncLit:
		return []*unit{c.units[e]}
	case *ast.Ident, *ast.SelectorExpr:
		var obj types.Object
		if id, ok := e.(*ast.Ident); ok {
			obj = c.pass.TypesInfo.Uses[id]
		} else {
			sel := e.(*ast.SelectorExpr)
			if s, ok := c.pass.TypesInfo.Selections[sel]; ok {
				obj = s.Obj()
			} else {
				obj = c.pass.TypesInfo.Uses[sel.Sel]
			}
		}
		switch obj := obj.(type) {
		case *types.Func:
			if u := c.declOf[obj.Origin()]; u != nil {
				return []*unit{u}
			}
		case *types.Var:
			if u := c.litOfVar[obj]; u != nil {
				return []*unit{u}
			}
		}
	case *ast.CallExpr:
		fn := typeutil.StaticCallee(c.pass.TypesInfo, e)
		if fn == nil {
			return nil
		}
		d := c.declOf[fn.Origin()]
		if d == nil {
			return nil
		}
		var out []*unit
		ast.Inspect(d.body(), func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				for _, r := range n.Results {
					if lit, ok := ast.Unparen(r).(*ast.FuncLit); ok {
						out = append(out, c.units[lit])
					}
				}
			}
			return true
		})
		return out
	}
	return nil
}

// nameIdent returns the identifier that a name or a qualified name (x.f)
// ends in, or nil for any other expression.
func nameIdent(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// externFunc returns the function of another package that e names, if it
// does.
func (c *checker) externFunc(e ast.Expr) *types.Func {
	fn, _ := c.pass.TypesInfo.Uses[nameIdent(e)].(*types.Func)
	if fn == nil || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg {
		return nil
	}
	return fn
}

// entryOf returns the entry-point row of the function a call calls: from
// the table, from a fact of another package, or from this package's
// derived rows.
func (c *checker) entryOf(call *ast.CallExpr) map[int]how {
	fn := typeutil.Callee(c.pass.TypesInfo, call)
	f, ok := fn.(*types.Func)
	if !ok {
		return nil
	}
	f = f.Origin()
	if e, ok := entries[funcKey(f)]; ok {
		return map[int]how{e.arg: e.how}
	}
	if f.Pkg() == c.pass.Pkg {
		return c.runs[f]
	}
	var s Summary
	if f.Pkg() != nil && c.pass.ImportObjectFact(f, &s) && len(s.Runs) > 0 {
		m := map[int]how{}
		for _, r := range s.Runs {
			m[r.Param] = how(r.How)
		}
		return m
	}
	return nil
}

// paramOf returns the index of the parameter that argument arg of call
// binds: the last one for the extra arguments of a variadic call.
func (c *checker) paramOf(call *ast.CallExpr, arg int) int {
	sig, ok := c.pass.TypesInfo.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok {
		return arg
	}
	if n := sig.Params().Len(); sig.Variadic() && arg >= n-1 {
		return n - 1
	}
	return arg
}

// argsOf returns the arguments of call that bind parameter p.
func (c *checker) argsOf(call *ast.CallExpr, p int) []ast.Expr {
	var out []ast.Expr
	for i, a := range call.Args {
		if c.paramOf(call, i) == p {
			out = append(out, a)
		}
	}
	return out
}

// funcKey names a function for the tables: "pkgpath.Func" or
// "(pkgpath.Type).Method", pointer receivers and type arguments left out.
func funcKey(f *types.Func) string {
	if f.Pkg() == nil {
		return f.Name()
	}
	if n, _, isMethod := recvType(f); isMethod {
		name := "?"
		if n != nil {
			name = n.Obj().Name()
		}
		return "(" + f.Pkg().Path() + "." + name + ")." + f.Name()
	}
	return f.Pkg().Path() + "." + f.Name()
}

// recvType returns the named type of a method's receiver (nil if it has
// none), whether the receiver is a pointer to it, and whether f is a
// method at all.
func recvType(f *types.Func) (n *types.Named, ptr, isMethod bool) {
	sig, _ := f.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return nil, false, false
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = p.Elem(), true
	}
	n, _ = types.Unalias(t).(*types.Named)
	return n, ptr, true
}

// shortName names a function as users write it: "green.Spawn",
// "(*http.Client).Do".
func shortName(f *types.Func) string {
	if f.Pkg() == nil {
		return f.Name()
	}
	if n, ptr, _ := recvType(f); n != nil {
		star := ""
		if ptr {
			star = "*"
		}
		return "(" + star + n.Obj().Pkg().Name() + "." + n.Obj().Name() + ")." + f.Name()
	}
	return f.Pkg().Name() + "." + f.Name()
}

// where formats a position as "file.go:12".
func (c *checker) where(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}
