package greenvet

import (
	"go/ast"
	"go/token"
	"strings"
)

// Directives are line comments with no space after the slashes, as Go's
// own (//go:build): a tool reads them, gofmt keeps them apart from the doc.
const (
	dirGreen  = "//greenshim:green"
	dirSim    = "//greenshim:sim"
	dirIgnore = "//greenshim:ignore"
	dirPrefix = "//greenshim:"
)

// directive returns the greenshim directive that c is, and its argument
// text, or "" if c is none.
func directive(c *ast.Comment) (name, arg string) {
	if !strings.HasPrefix(c.Text, dirPrefix) {
		return "", ""
	}
	name, arg, _ = strings.Cut(c.Text, " ")
	// A comment after the directive (`//greenshim:ignore // note`) is
	// not its argument.
	arg, _, _ = strings.Cut(arg, "//")
	return name, strings.TrimSpace(arg)
}

// ctxDirective returns the context a comment group marks: green, green and
// sim, or none.
func ctxDirective(g *ast.CommentGroup) ctxBits {
	if g == nil {
		return 0
	}
	var bits ctxBits
	for _, c := range g.List {
		switch name, _ := directive(c); name {
		case dirGreen:
			bits |= ctxGreen
		case dirSim:
			bits |= ctxGreen | ctxSim
		}
	}
	return bits
}

// lineKey names a line of a file.
type lineKey struct {
	file string
	line int
}

// directives reads every greenshim directive of the package: the package
// context (a directive among the comments above a package clause), the
// ignored lines, and the malformed directives, which are reported.
func (c *checker) readDirectives() {
	c.ignored = map[lineKey]bool{}
	for _, f := range c.pass.Files {
		for _, g := range f.Comments {
			if g.Pos() < f.Package {
				c.pkgCtx |= ctxDirective(g)
			}
			for _, cm := range g.List {
				name, arg := directive(cm)
				switch name {
				case "":
				case dirGreen, dirSim:
				case dirIgnore:
					if arg == "" {
						c.pass.Reportf(cm.Pos(), "%s needs a reason: %s <why this is not a bypass>", dirIgnore, dirIgnore)
						continue
					}
					p := c.pass.Fset.Position(cm.Pos())
					// The directive covers its own line (a trailing
					// comment) and the next (a comment line above).
					c.ignored[lineKey{p.Filename, p.Line}] = true
					c.ignored[lineKey{p.Filename, p.Line + 1}] = true
				default:
					c.pass.Reportf(cm.Pos(), "unknown directive %s: greenvet knows %s, %s and %s", name, dirGreen, dirSim, dirIgnore)
				}
			}
		}
	}
}

// isIgnored reports whether a finding at pos is covered by an ignore
// directive.
func (c *checker) isIgnored(pos token.Pos) bool {
	p := c.pass.Fset.Position(pos)
	return c.ignored[lineKey{p.Filename, p.Line}]
}
