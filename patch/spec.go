package patch

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/greenshim/greenshim/registry"
)

// EnvVar and FlagName are the environment variable and the flag that choose
// a patch without a code change; both take the syntax of ParseSpec.
const (
	EnvVar   = "GREENSHIM"
	FlagName = "greenshim"
)

// Spec is a patch chosen by a string: the value of the -greenshim flag or of
// the GREENSHIM variable. Its zero value patches nothing. *Spec is a
// flag.Value.
type Spec struct {
	// Patch is false for a spec that patches nothing ("" or "blocking").
	Patch bool
	// Options are those PatchAll is called with when Patch is true.
	Options Options
	// Sim is true for a spec with the token "sim": Apply patches as for
	// "green", but the socket, dns and os modules are those of the
	// simulated world SimWorld returns (package green/sim).
	Sim bool

	text string
}

// validTokens lists every token ParseSpec accepts, for its errors.
var validTokens = func() string {
	toks := []string{"green", "sim", "blocking"}
	for _, m := range registry.Modules() {
		toks = append(toks, m.String())
	}
	for _, m := range registry.Modules() {
		toks = append(toks, "-"+m.String())
	}
	return strings.Join(toks, ", ")
}()

// ParseSpec parses a comma-separated list of tokens:
//
//   - green: patch every module with its cooperative implementation;
//   - sim: as green, but socket, dns and os are those of the simulated
//     world (package green/sim): socket and dns the calling greenlet's
//     host's, whatever its world, and for any other caller SimWorld's; os
//     SimWorld's (the disk and commands of the caller's host in it, or of
//     its host "sim"); every conn, lookup, file and command stays in memory;
//   - blocking: patch nothing (the same as the empty string); it cannot be
//     combined with other tokens;
//   - os, time, socket, dns: patch only the modules named this way;
//   - -os, -time, -socket, -dns: opt the module out.
//
// A list of opt-outs alone means green with those opt-outs: "-dns" is
// "green,-dns". An unknown token is an error that names it and lists the
// valid ones; so are an empty token, a token given twice and a module both
// named and opted out. A spec comes from a flag or the environment and may
// be of any length: errors quote at most 40 bytes of it, or of a token, and
// give the full length of what they cut.
func ParseSpec(s string) (Spec, error) {
	spec := Spec{text: s}
	if strings.TrimSpace(s) == "" {
		return spec, nil
	}
	var green, blocking, simulated bool
	var only, out [4]bool
	var anyOnly bool
	seen := map[string]bool{}
	for _, tok := range strings.Split(s, ",") {
		tok = strings.TrimSpace(tok)
		if tok != "" && seen[tok] {
			return Spec{}, fmt.Errorf("patch: token %s appears twice in %s", quoteCut(tok), quoteCut(s))
		}
		seen[tok] = true
		switch {
		case tok == "green":
			green = true
		case tok == "sim":
			green, simulated = true, true
		case tok == "blocking":
			blocking = true
		case tok == "":
			return Spec{}, fmt.Errorf("patch: empty token in %s; valid tokens: %s", quoteCut(s), validTokens)
		default:
			name, neg := strings.CutPrefix(tok, "-")
			m, err := registry.ParseModule(name)
			if err != nil {
				return Spec{}, fmt.Errorf("patch: unknown token %s in %s; valid tokens: %s", quoteCut(tok), quoteCut(s), validTokens)
			}
			if neg {
				out[m] = true
			} else {
				only[m], anyOnly = true, true
			}
			if out[m] && only[m] {
				return Spec{}, fmt.Errorf("patch: %s both names and opts out %s", quoteCut(s), m)
			}
		}
	}
	if blocking {
		if green || anyOnly || out != [4]bool{} {
			return Spec{}, fmt.Errorf("patch: %s: blocking patches nothing and cannot be combined with other tokens", quoteCut(s))
		}
		return spec, nil
	}
	spec.Patch = true
	spec.Sim = simulated
	for _, m := range registry.Modules() {
		spec.Options.setSkip(m, out[m] || (anyOnly && !green && !only[m]))
	}
	return spec, nil
}

// maxQuoted bounds how many bytes of a spec, or of one of its tokens, an
// error quotes.
const maxQuoted = 40

// quoteCut quotes s, cut to maxQuoted bytes (at a rune boundary) with its
// full length if it is longer.
func quoteCut(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	i := maxQuoted
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return fmt.Sprintf("%q... (%d bytes)", s[:i], len(s))
}

// String returns the text the spec was parsed from.
func (s *Spec) String() string { return s.text }

// Set parses v into s, for package flag.
func (s *Spec) Set(v string) error {
	p, err := ParseSpec(v)
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// Apply calls PatchAll with the spec's options if it patches anything; for a
// spec that patches nothing it returns a nil report and no error.
func (s Spec) Apply() (*Report, error) {
	if !s.Patch {
		return nil, nil
	}
	opts := s.Options
	if s.Sim {
		w := SimWorld()
		if opts.Impl.Socket == nil {
			opts.Impl.Socket = simSocket{w}
		}
		if opts.Impl.DNS == nil {
			opts.Impl.DNS = simDNS{w}
		}
		if opts.Impl.OS == nil {
			opts.Impl.OS = w.OS()
		}
	}
	return PatchAll(opts)
}

// RegisterFlag defines the -greenshim flag on fs and returns the spec it
// sets.
func RegisterFlag(fs *flag.FlagSet) *Spec {
	s := new(Spec)
	fs.Var(s, FlagName, "what greenshim patches: comma-separated tokens, "+validTokens+
		" (e.g. green,-dns); overrides $"+EnvVar)
	return s
}

// SpecFromEnv parses the GREENSHIM variable; unset or empty, it patches
// nothing.
func SpecFromEnv() (Spec, error) {
	s, err := ParseSpec(os.Getenv(EnvVar))
	if err != nil {
		return Spec{}, fmt.Errorf("$%s: %w", EnvVar, err)
	}
	return s, nil
}
