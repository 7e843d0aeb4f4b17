package describe

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/printers"
)

// Layout of kubectl describe: text/tabwriter with no minimum width, a padding
// of two spaces, and two spaces of indentation per level.
const (
	tabPadding = 2
	indentUnit = "  "
)

// maxAnnotationWidth bounds "key: value" on one line; longer annotation
// values (or values with line breaks) print on lines of their own, each cut
// to this width less the indentation.
const maxAnnotationWidth = 140

// skippedAnnotations are left out of the Annotations section.
var skippedAnnotations = []string{"kubectl.kubernetes.io/last-applied-configuration"}

// sheet collects the tab-separated lines of one description.
type sheet struct {
	buf bytes.Buffer
	now time.Time
	loc *time.Location
	// blankBeforeEvents separates the Events section from a last section
	// that would otherwise be aligned with it.
	blankBeforeEvents bool
}

// put writes format at the indentation of level (0 for the top level).
func (s *sheet) put(level int, format string, args ...any) {
	s.buf.WriteString(strings.Repeat(indentUnit, level))
	fmt.Fprintf(&s.buf, format, args...)
}

// raw writes text as is.
func (s *sheet) raw(text string) { s.buf.WriteString(text) }

// flush lays the lines out into w.
func (s *sheet) flush(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, tabPadding, ' ', 0)
	if _, err := tw.Write(s.buf.Bytes()); err != nil {
		return err
	}
	return tw.Flush()
}

// when formats t for a timestamp line, "<unset>" when zero.
func (s *sheet) when(t time.Time) string {
	if t.IsZero() {
		return "<unset>"
	}
	return t.In(s.loc).Format(time.RFC1123Z)
}

// since is the age of t, "<unknown>" when zero.
func (s *sheet) since(t time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return printers.HumanDuration(s.now.Sub(t))
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// labelLines writes "title:\tk=v" then one "\tk=v" line per further label
// (<none> when there are none). prefix starts every line.
func (s *sheet) labelLines(prefix, title string, labels map[string]string) {
	s.raw(prefix + title + ":\t")
	if len(labels) == 0 {
		s.raw("<none>\n")
		return
	}
	for i, k := range sortedKeys(labels) {
		if i > 0 {
			s.raw(prefix + "\t")
		}
		s.raw(k + "=" + labels[k] + "\n")
	}
}

// annotationLines writes the annotations as "key: value", a long or
// multi-line value on lines of its own below its key.
func (s *sheet) annotationLines(prefix, title string, annotations map[string]string) {
	s.raw(prefix + title + ":\t")
	var keys []string
	for _, k := range sortedKeys(annotations) {
		if !slices.Contains(skippedAnnotations, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		s.raw("<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			s.raw(prefix + "\t")
		}
		v := strings.TrimSuffix(annotations[k], "\n")
		if len(k)+len(v)+2 <= maxAnnotationWidth && !strings.Contains(v, "\n") {
			s.raw(k + ": " + v + "\n")
			continue
		}
		s.raw(k + ":\n")
		for _, part := range strings.Split(v, "\n") {
			s.raw(prefix + "\t  " + cut(part, maxAnnotationWidth-2) + "\n")
		}
	}
}

// cut shortens s to n bytes followed by "...".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// header writes Name, Namespace (when namespaced is true), Labels and
// Annotations.
func (s *sheet) header(m *meta.ObjectMeta, namespaced bool) {
	s.put(0, "Name:\t%s\n", m.Name)
	if namespaced {
		s.put(0, "Namespace:\t%s\n", m.Namespace)
	}
	s.labelLines("", "Labels", m.Labels)
	s.annotationLines("", "Annotations", m.Annotations)
}

// orNone returns s, or "<none>" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// boolWord prints a bool as kubectl does in status lines: True or False.
func boolWord(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// controllerOf returns "Kind/Name" of the owner that is the object's
// controller, "" when none is.
func controllerOf(m *meta.ObjectMeta) string {
	for _, o := range m.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			return o.Kind + "/" + o.Name
		}
	}
	return ""
}
