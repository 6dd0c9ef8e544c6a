package greenvet

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Go randomizes map iteration order on every run. In simulated code a loop
// over a map is nondeterministic as far as it does something whose order
// shows: prints, writes, sends, spawns greenlets (whose order is the
// schedule), or appends to a slice that is not sorted afterwards. mapOrder
// looks for those in the loop's own body.

// orderedCalls are functions whose call order shows in output.
var orderedCalls = map[string]bool{
	"fmt.Print": true, "fmt.Printf": true, "fmt.Println": true,
	"fmt.Fprint": true, "fmt.Fprintf": true, "fmt.Fprintln": true,
	"log.Print": true, "log.Printf": true, "log.Println": true,
	greenPkg + ".Send": true,
}

// orderedMethods are method names whose call order shows in output.
var orderedMethods = map[string]bool{
	"Write": true, "WriteString": true, "WriteByte": true, "WriteRune": true, "Encode": true,
	"Print": true, "Printf": true, "Println": true, "Put": true, "Send": true,
}

// mapOrder returns the finding of a range over a map whose order shows, or
// nil.
func (c *checker) mapOrder(n *ast.RangeStmt, stack []ast.Node) *finding {
	what := ""
	ast.Inspect(n.Body, func(x ast.Node) bool {
		if what != "" {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			what = "sends on a channel"
		case *ast.CallExpr:
			what = c.orderedCall(x, n, stack)
		}
		return true
	})
	if what == "" {
		return nil
	}
	f := &finding{pos: n.Pos(), end: n.X.End(), kind: kindRand, simOnly: true,
		msg: "map iteration order differs on every run, and this loop " + what +
			" in that order: a simulated run is not reproducible; range over slices.Sorted(maps.Keys(...))"}
	f.fix = func() *analysis.SuggestedFix { return c.sortedFix(n) }
	return f
}

// orderedCall says what call x does whose order shows, or "".
func (c *checker) orderedCall(x *ast.CallExpr, loop *ast.RangeStmt, stack []ast.Node) string {
	if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok && id.Name == "append" && len(x.Args) > 0 {
		if _, isBuiltin := c.pass.TypesInfo.Uses[id].(*types.Builtin); isBuiltin {
			if v := c.outerVar(x.Args[0], loop); v != nil && !c.sortedAfter(v, loop, stack) {
				return "appends to " + v.Name() + ", which is not sorted after it,"
			}
		}
		return ""
	}
	fn, _ := typeutil.Callee(c.pass.TypesInfo, x).(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return ""
	}
	fn = fn.Origin()
	key := funcKey(fn)
	switch {
	case orderedCalls[key]:
		return "calls " + shortName(fn)
	case recvName(fn) != "" && orderedMethods[fn.Name()]:
		return "calls " + shortName(fn)
	}
	for _, h := range c.entryOf(x) {
		if h == runsGreen || h == runsSim {
			return "spawns greenlets (their order is the schedule)"
		}
	}
	return ""
}

// outerVar returns the variable e names if it is declared outside loop.
func (c *checker) outerVar(e ast.Expr, loop *ast.RangeStmt) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := c.pass.TypesInfo.Uses[id].(*types.Var)
	if v == nil || (v.Pos() >= loop.Pos() && v.Pos() < loop.End()) {
		return nil
	}
	return v
}

// sortedAfter reports whether the function around loop sorts v after it:
// a call of package sort or slices whose name starts with Sort and whose
// first argument is v.
func (c *checker) sortedAfter(v *types.Var, loop *ast.RangeStmt, stack []ast.Node) bool {
	var body ast.Node
	for i := len(stack) - 1; i >= 0 && body == nil; i-- {
		switch f := stack[i].(type) {
		case *ast.FuncDecl:
			body = f.Body
		case *ast.FuncLit:
			body = f.Body
		}
	}
	if body == nil {
		return false
	}
	sorted := false
	ast.Inspect(body, func(x ast.Node) bool {
		call, ok := x.(*ast.CallExpr)
		if !ok || sorted || call.Pos() < loop.End() || len(call.Args) == 0 {
			return !sorted
		}
		fn, _ := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
		if fn == nil || fn.Pkg() == nil {
			return true
		}
		if p := fn.Pkg().Path(); (p == "sort" || p == "slices") && (strings.HasPrefix(fn.Name(), "Sort") || fn.Name() == "Strings" ||
			fn.Name() == "Ints" || fn.Name() == "Float64s" || fn.Name() == "Slice" || fn.Name() == "SliceStable" || fn.Name() == "Stable") {
			if id, ok := ast.Unparen(call.Args[0]).(*ast.Ident); ok && c.pass.TypesInfo.Uses[id] == v {
				sorted = true
			}
		}
		return true
	})
	return sorted
}

// sortedFix rewrites `for k, v := range m {` to
// `for _, k := range slices.Sorted(maps.Keys(m)) { v := m[k]`, where the
// keys are ordered, m is a plain name (it is read again at each step), and
// the module's Go version has maps.Keys and slices.Sorted (go1.23).
func (c *checker) sortedFix(n *ast.RangeStmt) *analysis.SuggestedFix {
	key, ok := n.Key.(*ast.Ident)
	if !ok || key.Name == "_" || n.Tok != token.DEFINE || !plainName(n.X) {
		return nil
	}
	m, ok := c.pass.TypesInfo.TypeOf(n.X).Underlying().(*types.Map)
	if !ok {
		return nil
	}
	if b, ok := m.Key().Underlying().(*types.Basic); !ok || b.Info()&types.IsOrdered == 0 {
		return nil
	}
	if v := c.pass.Pkg.GoVersion(); v != "" && version.Compare(v, "go1.23") < 0 {
		return nil
	}
	file := c.fileOf(n.Pos())
	if file == nil {
		return nil
	}
	mx := c.src(n.X)
	text, imports, ok := c.qualify(file, "slices.Sorted(maps.Keys("+mx+"))")
	if !ok {
		return nil
	}
	end := n.X.End()
	edits := []analysis.TextEdit{{Pos: n.Key.Pos(), End: end, NewText: []byte("_, " + key.Name + " := range " + text)}}
	if val, ok := n.Value.(*ast.Ident); ok && val.Name != "_" {
		// Before the first statement, so that a comment after the
		// brace stays on the for line.
		at, text := n.Body.Rbrace, val.Name+" := "+mx+"["+key.Name+"]\n"
		if len(n.Body.List) > 0 {
			at = n.Body.List[0].Pos()
		}
		edits = append(edits, analysis.TextEdit{Pos: at, End: at, NewText: []byte(text)})
	}
	return &analysis.SuggestedFix{Message: "Range over the sorted keys", TextEdits: append(edits, imports...)}
}

// plainName reports whether e is a name or a chain of field selections,
// which reading twice cannot change.
func plainName(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return plainName(e.X)
	}
	return false
}
