package greenvet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// Some registry calls return an interface where the standard function
// returns a concrete type: registry.Time().NewTimer an iface.Timer, not a
// *time.Timer; registry.OS().Open an afero.File, not an *os.File. Their
// rewrite compiles only if the result is used through what the interface
// has. resultOK checks every use of the variable the result is assigned to.

// timerMethods are the methods of iface.Timer and iface.Ticker that have
// the signatures of *time.Timer's and *time.Ticker's. The field C becomes
// the method C(), which the fix rewrites.
var timerMethods = map[string]bool{"Stop": true, "Reset": true}

// fileMethods are the methods of afero.File, each with the signature of
// *os.File's method of the same name.
var fileMethods = map[string]bool{
	"Close": true, "Read": true, "ReadAt": true, "Seek": true, "Write": true, "WriteAt": true,
	"Name": true, "Readdir": true, "Readdirnames": true, "Stat": true, "Sync": true,
	"Truncate": true, "WriteString": true,
}

// resultOK reports whether the first result of call may change to an
// interface with the given methods (and, with cField, the field C made a
// method), returning the edits that turn each use of C into C().
func (c *checker) resultOK(call *ast.CallExpr, methods map[string]bool, cField bool) ([]analysis.TextEdit, bool) {
	var id *ast.Ident
	switch p := c.parent(call).(type) {
	case *ast.ExprStmt:
		return nil, true // the result is dropped
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE || len(p.Rhs) != 1 {
			return nil, false
		}
		id, _ = p.Lhs[0].(*ast.Ident)
	case *ast.ValueSpec:
		if p.Type != nil || len(p.Values) != 1 {
			return nil, false
		}
		id = p.Names[0]
	}
	if id == nil {
		return nil, false
	}
	if id.Name == "_" {
		return nil, true
	}
	v, _ := c.pass.TypesInfo.Defs[id].(*types.Var)
	if v == nil {
		return nil, false // := reusing a variable declared before, of the old type
	}
	var edits []analysis.TextEdit
	for _, use := range c.usesOf(v) {
		switch p := c.parent(use).(type) {
		case *ast.SelectorExpr:
			switch {
			case p.X != use:
				return nil, false
			case methods[p.Sel.Name]:
			case cField && p.Sel.Name == "C":
				if _, isAssigned := c.parent(p).(*ast.AssignStmt); isAssigned {
					return nil, false
				}
				edits = append(edits, analysis.TextEdit{Pos: p.End(), End: p.End(), NewText: []byte("()")})
			default:
				return nil, false
			}
		case *ast.CallExpr:
			if !c.argTakes(p, use, methods) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return edits, true
}

// argTakes reports whether arg of call goes to an interface parameter that
// asks only for methods in methods.
func (c *checker) argTakes(call *ast.CallExpr, arg ast.Expr, methods map[string]bool) bool {
	sig, ok := c.pass.TypesInfo.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok {
		return false // a conversion
	}
	for i, a := range call.Args {
		if a != arg {
			continue
		}
		p := c.paramOf(call, i)
		t := sig.Params().At(p).Type()
		if sig.Variadic() && p == sig.Params().Len()-1 && !call.Ellipsis.IsValid() {
			t = t.(*types.Slice).Elem()
		}
		iface, ok := t.Underlying().(*types.Interface)
		if !ok {
			return false
		}
		for m := range iface.Methods() {
			if !methods[m.Name()] {
				return false
			}
		}
		return true
	}
	return false
}

// parent returns n's syntactic parent, past parentheses.
func (c *checker) parent(n ast.Node) ast.Node {
	if c.parents == nil {
		c.parents = map[ast.Node]ast.Node{}
		for _, f := range c.pass.Files {
			var stack []ast.Node
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				if len(stack) > 0 {
					c.parents[n] = stack[len(stack)-1]
				}
				stack = append(stack, n)
				return true
			})
		}
	}
	p := c.parents[n]
	for {
		if pe, ok := p.(*ast.ParenExpr); ok {
			p = c.parents[pe]
			continue
		}
		return p
	}
}

// usesOf returns the identifiers that use v.
func (c *checker) usesOf(v types.Object) []*ast.Ident {
	if c.uses == nil {
		c.uses = map[types.Object][]*ast.Ident{}
		for id, obj := range c.pass.TypesInfo.Uses {
			c.uses[obj] = append(c.uses[obj], id)
		}
	}
	return c.uses[v]
}
