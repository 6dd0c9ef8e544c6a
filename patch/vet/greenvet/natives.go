package greenvet

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

const registryPkg = "github.com/greenshim/greenshim/registry"

// moduleConsts maps registry's Module constants to module names.
var moduleConsts = map[string]module{
	"OSModule": modOS, "TimeModule": modTime, "SocketModule": modSocket, "DNSModule": modDNS,
}

// readNatives finds the package's registry.DeclareNative calls. The
// package is the component: its bypasses of a declared module are not
// reported (the patch report lists the component as staying blocking, and
// the two agree), and green code elsewhere that calls into it is told the
// component's name. A module argument that is not one of registry's
// constants (registry.Modules()...) declares all four.
func (c *checker) readNatives() {
	c.natives = map[module]string{}
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, _ := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
			if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != registryPkg || fn.Name() != "DeclareNative" || len(call.Args) == 0 {
				return true
			}
			name := "a native component"
			if tv, ok := c.pass.TypesInfo.Types[call.Args[0]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				name = `"` + constant.StringVal(tv.Value) + `"`
			}
			decl := name + " (" + c.where(call.Pos()) + ")"
			var mods []module
			for _, a := range call.Args[1:] {
				m, ok := c.moduleConst(a)
				if !ok || call.Ellipsis.IsValid() {
					mods = []module{modOS, modTime, modSocket, modDNS}
					break
				}
				mods = append(mods, m)
			}
			for _, m := range mods {
				if _, dup := c.natives[m]; !dup {
					c.natives[m] = decl
				}
			}
			return true
		})
	}
}

// moduleConst returns the module a registry Module constant names.
func (c *checker) moduleConst(e ast.Expr) (module, bool) {
	k, ok := c.pass.TypesInfo.Uses[nameIdent(e)].(*types.Const)
	if !ok || k.Pkg() == nil || k.Pkg().Path() != registryPkg {
		return "", false
	}
	m, ok := moduleConsts[strings.TrimSpace(k.Name())]
	return m, ok
}
