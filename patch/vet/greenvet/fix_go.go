package greenvet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// goFix rewrites `go func() { ... }()` to
// `green.Spawn(func() error { ...; return nil })`, and `go f()` for a
// package-level function f to `green.Spawn(func() error { f(); return nil })`.
// A go statement with arguments has none: a go statement evaluates them at
// once, and a spawned greenlet would at its start.
func (c *checker) goFix(g *ast.GoStmt) *analysis.SuggestedFix {
	call := g.Call
	if len(call.Args) > 0 {
		return nil
	}
	file := c.fileOf(g.Pos())
	if file == nil {
		return nil
	}
	spawn, imports, ok := c.qualify(file, "green.Spawn")
	if !ok {
		return nil
	}
	var edits []analysis.TextEdit
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.FuncLit:
		if fun.Type.Params.NumFields() > 0 || fun.Type.Results.NumFields() > 0 {
			return nil
		}
		// go func() {  →  green.Spawn(func() error {
		edits = append(edits,
			analysis.TextEdit{Pos: g.Pos(), End: fun.Pos(), NewText: []byte(spawn + "(")},
			analysis.TextEdit{Pos: fun.Type.End(), End: fun.Type.End(), NewText: []byte(" error")})
		// Bare returns return nil; so does the end, if it is reachable.
		ast.Inspect(fun.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				edits = append(edits, analysis.TextEdit{Pos: n.End(), End: n.End(), NewText: []byte(" nil")})
			}
			return true
		})
		if !terminates(fun.Body) {
			ret := "return nil\n" // before a closing brace on a line of its own
			if c.line(fun.Body.Rbrace) == c.line(fun.Body.Lbrace) ||
				len(fun.Body.List) > 0 && c.line(fun.Body.Rbrace) == c.line(fun.Body.List[len(fun.Body.List)-1].End()) {
				ret = "; return nil "
			}
			edits = append(edits, analysis.TextEdit{Pos: fun.Body.Rbrace, End: fun.Body.Rbrace, NewText: []byte(ret)})
		}
		// }()  →  })
		edits = append(edits, analysis.TextEdit{Pos: call.Lparen, End: call.Rparen + 1, NewText: []byte(")")})
	case *ast.Ident, *ast.SelectorExpr:
		fn, _ := c.pass.TypesInfo.Uses[nameIdent(fun)].(*types.Func)
		if fn == nil || fn.Type().(*types.Signature).Recv() != nil {
			return nil // a method value's receiver is evaluated at once too
		}
		edits = append(edits,
			analysis.TextEdit{Pos: g.Pos(), End: call.Pos(), NewText: []byte(spawn + "(func() error { ")},
			analysis.TextEdit{Pos: call.End(), End: call.End(), NewText: []byte("; return nil })")})
	default:
		return nil
	}
	return &analysis.SuggestedFix{Message: "Spawn a greenlet instead", TextEdits: append(edits, imports...)}
}

func (c *checker) line(p token.Pos) int { return c.pass.Fset.Position(p).Line }

// terminates reports whether a block's last statement keeps control from
// reaching its end (the spec's terminating statements, the common ones): a
// `return nil` added after it would be unreachable.
func terminates(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	switch s := b.List[len(b.List)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := call.Fun.(*ast.Ident)
		return ok && id.Name == "panic"
	case *ast.ForStmt:
		if s.Cond != nil {
			return false
		}
		hasBreak := false
		ast.Inspect(s.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if n.Tok.String() == "break" {
					hasBreak = true
				}
			}
			return true
		})
		return !hasBreak
	}
	return false
}
