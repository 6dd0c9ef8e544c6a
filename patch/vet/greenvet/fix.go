package greenvet

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A suggested fix must compile wherever the code it replaces did. The
// helpers here add the imports a rewrite names (under the file's own name
// for a package it already imports) and give up, offering no fix, where a
// name is taken by something else.

// fileOf returns the file of the package that contains pos.
func (c *checker) fileOf(pos token.Pos) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos < f.FileEnd {
			return f
		}
	}
	return nil
}

// qualifiedName matches a package name at the start of a selector in a
// rewrite's text.
var qualifiedName = regexp.MustCompile(`\b([a-z]+)\.`)

// qualify returns text with each package it names (see importPaths) under
// the name file imports it as, and the edits that add the imports file
// lacks. It reports false if a name cannot be had: another package, or
// something declared in the file's package, already goes by it.
func (c *checker) qualify(file *ast.File, text string) (string, []analysis.TextEdit, bool) {
	var edits []analysis.TextEdit
	rename := map[string]string{}
	for _, m := range qualifiedName.FindAllStringSubmatch(text, -1) {
		name := m[1]
		path, known := importPaths[name]
		if !known {
			continue
		}
		if _, done := rename[name]; done {
			continue
		}
		local, ok := c.importName(file, path)
		if !ok {
			// Not imported: the name must be free at package scope
			// and among the file's imports.
			if c.pass.Pkg.Scope().Lookup(name) != nil || c.fileUsesName(file, name) {
				return "", nil, false
			}
			edits = append(edits, c.addImport(file, path)...)
			local = name
		}
		if local == "_" || local == "." {
			return "", nil, false
		}
		rename[name] = local
	}
	out := qualifiedName.ReplaceAllStringFunc(text, func(s string) string {
		name := strings.TrimSuffix(s, ".")
		if local, ok := rename[name]; ok {
			return local + "."
		}
		return s
	})
	return out, edits, true
}

// importName returns the name under which file imports path.
func (c *checker) importName(file *ast.File, path string) (string, bool) {
	for _, spec := range file.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		if p != path {
			continue
		}
		if spec.Name != nil {
			return spec.Name.Name, true
		}
		if pn, ok := c.pass.TypesInfo.Implicits[spec].(*types.PkgName); ok {
			return pn.Name(), true
		}
		return path[strings.LastIndex(path, "/")+1:], true
	}
	return "", false
}

// fileUsesName reports whether file imports a package under name.
func (c *checker) fileUsesName(file *ast.File, name string) bool {
	for _, spec := range file.Imports {
		if spec.Name != nil && spec.Name.Name == name {
			return true
		}
		if pn, ok := c.pass.TypesInfo.Implicits[spec].(*types.PkgName); ok && pn.Name() == name {
			return true
		}
	}
	return false
}

// addImport returns the edits that add an import of path to file, where
// goimports would put it: a standard-library package into the first group
// of the first import block, any other into its last group, or a group of
// its own after standard-library imports only. gofmt sorts each group.
func (c *checker) addImport(file *ast.File, path string) []analysis.TextEdit {
	q := strconv.Quote(path)
	std := isStd(path)
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			break
		}
		onlyStd := true
		for _, s := range g.Specs {
			p, _ := strconv.Unquote(s.(*ast.ImportSpec).Path.Value)
			onlyStd = onlyStd && isStd(p)
		}
		sep := "\n\t"
		if !std && onlyStd {
			sep = "\n\n\t" // a group of its own
		}
		if g.Lparen.IsValid() {
			if std {
				return []analysis.TextEdit{{Pos: g.Lparen + 1, End: g.Lparen + 1, NewText: []byte("\n\t" + q)}}
			}
			last := g.Specs[len(g.Specs)-1]
			return []analysis.TextEdit{{Pos: last.End(), End: last.End(), NewText: []byte(sep + q)}}
		}
		// import "x": make it a block.
		spec := g.Specs[0]
		return []analysis.TextEdit{
			{Pos: spec.Pos(), End: spec.Pos(), NewText: []byte("(\n\t")},
			{Pos: spec.End(), End: spec.End(), NewText: []byte(sep + q + "\n)")},
		}
	}
	return []analysis.TextEdit{{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport " + q)}}
}

// src returns the source text of n.
func (c *checker) src(n ast.Node) string {
	var b bytes.Buffer
	if err := format.Node(&b, c.pass.Fset, n); err != nil {
		return fmt.Sprintf("%v", n)
	}
	return b.String()
}

// rewriteFix returns the fix that rewrites call as rw says, or nil where
// it would not compile.
func (c *checker) rewriteFix(call *ast.CallExpr, fun ast.Expr, rw *rewrite) *analysis.SuggestedFix {
	file := c.fileOf(call.Pos())
	if file == nil || call.Ellipsis.IsValid() {
		return nil
	}
	var extra []analysis.TextEdit
	switch rw.result {
	case timerResult:
		var ok bool
		if extra, ok = c.resultOK(call, timerMethods, true); !ok {
			return nil
		}
	case fileResult:
		var ok bool
		if extra, ok = c.resultOK(call, fileMethods, false); !ok {
			return nil
		}
	}
	text := rw.fun + "\x00" + rw.prefix + "\x00" + rw.suffix
	text, imports, ok := c.qualify(file, text)
	if !ok {
		return nil
	}
	parts := strings.Split(text, "\x00")
	edits := []analysis.TextEdit{{Pos: fun.Pos(), End: fun.End(), NewText: []byte(parts[0])}}
	if parts[1] != "" {
		edits = append(edits, analysis.TextEdit{Pos: call.Lparen + 1, End: call.Lparen + 1, NewText: []byte(parts[1])})
	}
	if parts[2] != "" {
		edits = append(edits, analysis.TextEdit{Pos: call.Rparen, End: call.Rparen, NewText: []byte(parts[2])})
	}
	edits = append(edits, extra...)
	edits = append(edits, imports...)
	return &analysis.SuggestedFix{Message: "Use " + parts[0], TextEdits: edits}
}
