package strategicpatch

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Error is a strategic merge patch that is malformed, or that does not fit the
// object it is applied to. The server answers it with a 4xx Status.
type Error struct {
	// Path is the field of the patch the problem is at, as
	// "spec.containers[1]" or "metadata.labels[app]"; empty for the whole patch.
	Path string
	// Message says what is wrong.
	Message string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

func errorf(p *path, format string, args ...any) *Error {
	return &Error{Path: p.String(), Message: fmt.Sprintf(format, args...)}
}

// badDirective is the error for an unknown value d of $patch in the object at p.
func badDirective(p *path, d any) *Error {
	v := describe(d)
	if s, ok := d.(string); ok {
		v = strconv.Quote(s)
	}
	return errorf(p, "unknown %s value %s: want %q, %q or %q", patchKey, v, replaceDirective, deleteDirective, mergeDirective)
}

// path is where the merge is, built as it descends and rendered only for an
// error. The nil path is the whole object.
type path struct {
	parent *path
	name   string // a field name or map key
	index  int    // a list index, when isIndex
	// isIndex marks a list element; inMap marks a key of a map (rendered
	// "labels[app]" rather than "labels.app").
	isIndex, inMap bool
}

func (p *path) field(name string, inMap bool) *path {
	return &path{parent: p, name: name, inMap: inMap}
}

func (p *path) elem(i int) *path { return &path{parent: p, index: i, isIndex: true} }

func (p *path) String() string {
	if p == nil {
		return ""
	}
	parent := p.parent.String()
	switch {
	case p.isIndex:
		return parent + "[" + strconv.Itoa(p.index) + "]"
	case p.inMap:
		return parent + "[" + p.name + "]"
	case parent == "":
		return p.name
	}
	return parent + "." + p.name
}

// describe names the JSON type of v for a message.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return "a boolean"
	case json.Number, float64, float32, int, int64, int32:
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
