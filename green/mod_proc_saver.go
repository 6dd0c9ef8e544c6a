package green

import "strconv"

// prefixSuffixSaver keeps the first and the last N bytes written to it:
// the standard error that Output puts in an *exec.ExitError's Stderr, cut
// in the middle as package os/exec cuts it when it is long.
type prefixSuffixSaver struct {
	N       int
	prefix  []byte
	suffix  []byte // the last bytes past the prefix; trimmed to N when 2N long
	skipped int64  // bytes trimmed from the suffix's front
}

func (w *prefixSuffixSaver) Write(p []byte) (int, error) {
	n := len(p)
	if room := w.N - len(w.prefix); room > 0 {
		k := min(room, len(p))
		w.prefix = append(w.prefix, p[:k]...)
		p = p[k:]
	}
	w.suffix = append(w.suffix, p...)
	if len(w.suffix) > 2*w.N {
		cut := len(w.suffix) - w.N
		w.skipped += int64(cut)
		w.suffix = append(w.suffix[:0], w.suffix[cut:]...)
	}
	return n, nil
}

// Bytes returns the prefix and suffix, with a line saying how many bytes
// were left out between them, if any.
func (w *prefixSuffixSaver) Bytes() []byte {
	suffix, skipped := w.suffix, w.skipped
	if extra := len(suffix) - w.N; extra > 0 {
		suffix, skipped = suffix[extra:], skipped+int64(extra)
	}
	out := append([]byte(nil), w.prefix...)
	if skipped > 0 {
		out = append(out, "\n... omitting "...)
		out = strconv.AppendInt(out, skipped, 10)
		out = append(out, " bytes ...\n"...)
	}
	return append(out, suffix...)
}
