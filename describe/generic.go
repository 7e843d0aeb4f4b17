package describe

import (
	"slices"
	"strings"
	"unicode"

	"kctl.dev/kctl/api/unstructured"
)

// genericSkipped are the fields the generic layout does not list again
// (the header shows them) or at all (managedFields).
var genericSkipped = []string{
	".metadata.managedFields", ".metadata.name", ".metadata.namespace",
	".metadata.labels", ".metadata.annotations",
}

// generic writes any object: the header, then every field sorted by key.
func (s *sheet) generic(u *unstructured.Unstructured) {
	s.put(0, "Name:\t%s\n", u.Name())
	s.put(0, "Namespace:\t%s\n", u.Namespace())
	s.labelLines("", "Labels", u.Labels())
	s.annotationLines("", "Annotations", u.Annotations())
	s.fields(0, "", u.Object)
}

// fields writes the fields of m at level; path is m's dotted path.
func (s *sheet) fields(level int, path string, m map[string]any) {
	for _, k := range sortedKeys(m) {
		p := path + "." + k
		if slices.Contains(genericSkipped, p) {
			continue
		}
		switch v := m[k].(type) {
		case map[string]any:
			s.put(level, "%s:\n", fieldLabel(k))
			s.fields(level+1, p, v)
		case []any:
			s.put(level, "%s:\n", fieldLabel(k))
			for _, item := range v {
				if im, ok := item.(map[string]any); ok {
					s.fields(level+1, p, im)
				} else {
					s.put(level+1, "%v\n", printable(item))
				}
			}
		default:
			s.put(level, "%s:\t%v\n", fieldLabel(k), printable(v))
		}
	}
}

// printable is a scalar as %v prints it; null prints as <nil>.
func printable(v any) any {
	if v == nil {
		return "<nil>"
	}
	return v
}

// acronyms are the words fieldLabel writes in capitals.
var acronyms = []string{"API", "URL", "UID", "OSB", "GUID"}

// fieldLabel spells a field name as words: "apiVersion" as "API Version",
// "holderIdentity" as "Holder Identity". Names with characters other than
// letters and '-' are kept as they are.
func fieldLabel(field string) string {
	if strings.IndexFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) >= 0 {
		return field
	}
	var words []string
	for _, w := range camelWords(field) {
		if w == "-" || strings.Trim(w, "-") == "" {
			continue
		}
		if up := strings.ToUpper(w); slices.Contains(acronyms, up) {
			words = append(words, up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words = append(words, string(r))
	}
	return strings.Join(words, " ")
}

// camelWords splits s into runs of lower-case letters, upper-case letters
// and other characters, then moves the last capital of a run of capitals to
// the lower-case run after it: "apiVersion" gives "api", "Version";
// "HTTPServer" gives "HTTP", "Server".
func camelWords(s string) []string {
	class := func(r rune) int {
		switch {
		case unicode.IsLower(r):
			return 1
		case unicode.IsUpper(r):
			return 2
		case unicode.IsDigit(r):
			return 3
		}
		return 4
	}
	var runs [][]rune
	last := 0
	for _, r := range s {
		c := class(r)
		if c == last && len(runs) > 0 {
			runs[len(runs)-1] = append(runs[len(runs)-1], r)
		} else {
			runs = append(runs, []rune{r})
		}
		last = c
	}
	for i := 0; i+1 < len(runs); i++ {
		if class(runs[i][0]) == 2 && class(runs[i+1][0]) == 1 {
			n := len(runs[i])
			runs[i+1] = append([]rune{runs[i][n-1]}, runs[i+1]...)
			runs[i] = runs[i][:n-1]
		}
	}
	var out []string
	for _, r := range runs {
		if len(r) > 0 {
			out = append(out, string(r))
		}
	}
	return out
}
