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
	w := unknownWalker{prune: prune, path: make([]unknownStep, 0, 8)}
	w.object(s, obj)
	sort.Strings(w.found)
	return w.found
}

// unknownWalker walks an object keeping the path to the value it is at as
// steps; a path is spelled out only for an unknown field.
type unknownWalker struct {
	prune bool
	path  []unknownStep
	found []string
}

// unknownStep is a field (name) or, for index >= 0, an array element.
type unknownStep struct {
	name  string
	index int
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
				if container(e) {
					w.path = append(w.path, unknownStep{name: k, index: -1})
					w.value(s.Items, e)
					w.pop()
				}
			}
		}
	case Array:
		if l, ok := v.([]any); ok {
			for i, e := range l {
				if container(e) {
					w.path = append(w.path, unknownStep{index: i})
					w.value(s.Items, e)
					w.pop()
				}
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
		if !ok {
			w.found = append(w.found, w.pathTo(k))
			if w.prune {
				delete(m, k)
			}
			continue
		}
		switch v.(type) {
		case map[string]any, []any: // only these have fields below
			w.path = append(w.path, unknownStep{name: k, index: -1})
			w.value(p, v)
			w.pop()
		}
	}
}

// container reports whether v is an object or a list: scalars have no fields.
func container(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func (w *unknownWalker) pop() { w.path = w.path[:len(w.path)-1] }

// pathTo spells the path of field name of the value the walker is at:
// "spec.containers[0].name".
func (w *unknownWalker) pathTo(name string) string {
	var b strings.Builder
	for i, st := range w.path {
		if st.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(st.index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.name)
	}
	if len(w.path) > 0 {
		b.WriteByte('.')
	}
	b.WriteString(name)
	return b.String()
}
