package greenvet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Bind functions and the getter each one's binding stands for.
var binders = map[string]string{
	"BindSocket": "registry.Socket()",
	"BindTime":   "registry.Time()",
	"BindOS":     "registry.OS()",
	"BindDNS":    "registry.DNS()",
}

// checkInitBindings reports the registry.BindX calls that run at package
// initialization, before any PatchAll: a package-level variable's value or
// an init function's body. In any package, green code or not: the binding
// itself is the problem, whoever calls through it later.
func (c *checker) checkInitBindings() {
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, s := range d.Specs {
					spec := s.(*ast.ValueSpec)
					for _, v := range spec.Values {
						c.initBinds(v, func(call *ast.CallExpr, getter string) *analysis.SuggestedFix {
							return c.unbindFix(d, spec, call, getter)
						})
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name == "init" && d.Body != nil {
					c.initBinds(d.Body, nil)
				}
			}
		}
	}
}

// initBinds reports each Bind call in n that runs when n does (not those
// in function literals, which run later).
func (c *checker) initBinds(n ast.Node, fix func(*ast.CallExpr, string) *analysis.SuggestedFix) {
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			fn, _ := typeutil.Callee(c.pass.TypesInfo, x).(*types.Func)
			if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != registryPkg {
				return true
			}
			getter, ok := binders[fn.Name()]
			if !ok || c.isIgnored(x.Pos()) {
				return true
			}
			mod := strings.ToLower(strings.TrimPrefix(fn.Name(), "Bind"))
			d := analysis.Diagnostic{Pos: x.Pos(), End: x.End(), Category: "binding",
				Message: fmt.Sprintf("registry.%s at package initialization binds the %s module before PatchAll can run: "+
					"the patch report will name this binding stale, and it keeps the module it bound; call %s where it is used",
					fn.Name(), mod, getter)}
			if fix != nil {
				if f := fix(x, getter); f != nil {
					d.SuggestedFixes = []analysis.SuggestedFix{*f}
				}
			}
			c.pass.Report(d)
		}
		return true
	})
}

// unbindFix rewrites `var sock = registry.BindSocket()` by deleting the
// variable and writing registry.Socket() at each of its uses. Only for an
// unexported variable of one name, with no type written, that is only
// read: other packages cannot see it, and nothing assigns it or takes its
// address.
func (c *checker) unbindFix(g *ast.GenDecl, spec *ast.ValueSpec, call *ast.CallExpr, getter string) *analysis.SuggestedFix {
	if len(spec.Names) != 1 || spec.Type != nil || len(spec.Values) != 1 || ast.Unparen(spec.Values[0]) != call {
		return nil
	}
	name := spec.Names[0]
	if name.Name == "_" || ast.IsExported(name.Name) {
		return nil
	}
	v, _ := c.pass.TypesInfo.Defs[name].(*types.Var)
	if v == nil {
		return nil
	}
	var edits []analysis.TextEdit
	imported := map[*ast.File]bool{}
	for _, use := range c.usesOf(v) {
		switch p := c.parent(use).(type) {
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == use {
					return nil
				}
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				return nil
			}
		case *ast.IncDecStmt:
			return nil
		}
		file := c.fileOf(use.Pos())
		text, imports, ok := c.qualify(file, getter)
		if !ok {
			return nil
		}
		edits = append(edits, analysis.TextEdit{Pos: use.Pos(), End: use.End(), NewText: []byte(text)})
		if !imported[file] {
			imported[file] = true
			edits = append(edits, imports...)
		}
	}
	start, end := spec.Pos(), spec.End()
	if spec.Doc != nil {
		start = spec.Doc.Pos()
	}
	if !g.Lparen.IsValid() {
		start, end = g.Pos(), g.End()
		if g.Doc != nil {
			start = g.Doc.Pos()
		}
	}
	// A comment after the declaration, on its line, goes with it.
	if f := c.fileOf(end); f != nil {
		for _, g := range f.Comments {
			if g.Pos() >= end && c.line(g.Pos()) == c.line(end) {
				end = g.End()
				break
			}
		}
	}
	edits = append(edits, analysis.TextEdit{Pos: start, End: end})
	return &analysis.SuggestedFix{Message: "Look the module up at each use", TextEdits: edits}
}
