package schema

import (
	"sort"
	"strconv"
	"strings"
)

// Unknown returns the paths of the fields of obj (a decoded JSON object of the
// kind s describes) that s does not declare, sorted, in the form field
// validation reports them: "spec.containers[0].imagePullPolicyy". Free-form
// parts (Any) declare every field. With prune, the unknown fields are also
// removed from obj.
func Unknown(s *Schema, obj map[string]any, prune bool) []string {
	w := unknownWalker{prune: prune}
	w.object(s, obj)
	sort.Strings(w.found)
	return w.found
}

type unknownWalker struct {
	prune bool
	path  []string // segments: "spec", ".containers", "[0]"
	found []string
}

func (w *unknownWalker) value(s *Schema, v any) {
	switch s.Type {
	case Object:
		if m, ok := v.(map[string]any); ok {
			w.object(s, m)
		}
	case Map:
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				w.push(k)
				w.value(s.Items, e)
				w.pop()
			}
		}
	case Array:
		if l, ok := v.([]any); ok {
			for i, e := range l {
				w.path = append(w.path, "["+strconv.Itoa(i)+"]")
				w.value(s.Items, e)
				w.pop()
			}
		}
	}
}

func (w *unknownWalker) object(s *Schema, m map[string]any) {
	if s.Type == Any {
		return
	}
	for k, v := range m {
		p, ok := s.Properties[k]
		w.push(k)
		if !ok {
			w.found = append(w.found, strings.Join(w.path, ""))
			if w.prune {
				delete(m, k)
			}
		} else {
			w.value(p, v)
		}
		w.pop()
	}
}

func (w *unknownWalker) push(field string) {
	if len(w.path) > 0 {
		field = "." + field
	}
	w.path = append(w.path, field)
}

func (w *unknownWalker) pop() { w.path = w.path[:len(w.path)-1] }
