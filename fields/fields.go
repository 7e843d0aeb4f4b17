package fields

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Fields is read access to the selectable fields of an object, keyed by their
// path, e.g. "metadata.name" or "status.phase".
type Fields interface {
	// Has reports whether the field is present.
	Has(field string) bool
	// Get returns the value of the field, or "" when it is absent.
	Get(field string) string
}

// Set is a map of field paths to values. It implements Fields.
type Set map[string]string

// Has reports whether field is in the set.
func (s Set) Has(field string) bool {
	_, ok := s[field]
	return ok
}

// Get returns the value of field, or "" when it is absent.
func (s Set) Get(field string) string { return s[field] }

// String returns the set as "f1=v1,f2=v2", fields sorted and values escaped,
// the same as SelectorFromSet(s).String().
func (s Set) String() string { return SelectorFromSet(s).String() }

// The operators of a Requirement.
const (
	Equals    = "="
	NotEquals = "!="
)

// Requirement is one term of a field selector: Field compared with Value by
// Operator, which is "=" (Parse turns "==" into it) or "!=".
type Requirement struct {
	Field    string
	Operator string
	Value    string
}

// Matches reports whether the fields satisfy the requirement. As in Kubernetes
// an absent field has the value "", so "f=" matches objects without f and
// "f!=x" matches them too. An unknown operator matches nothing.
func (r Requirement) Matches(f Fields) bool {
	if f == nil {
		f = Set(nil)
	}
	switch r.Operator {
	case Equals, "==":
		return f.Get(r.Field) == r.Value
	case NotEquals:
		return f.Get(r.Field) != r.Value
	}
	return false
}

// String returns the term in selector syntax with the value escaped.
func (r Requirement) String() string {
	op := r.Operator
	if op == "==" {
		op = Equals
	}
	return r.Field + op + EscapeValue(r.Value)
}

// Selector selects objects by their fields.
type Selector interface {
	// Matches reports whether the fields satisfy every requirement.
	Matches(Fields) bool
	// Empty reports whether the selector has no requirements and so selects
	// everything.
	Empty() bool
	// String returns the selector in the syntax Parse accepts, requirements in
	// canonical order; Parse(s.String()) gives an equal selector.
	String() string
	// Requirements returns a copy of the requirements, sorted by field.
	Requirements() []Requirement
	// RequiresExactMatch returns the value field must have for an object to
	// match (from field=value), and whether there is one.
	RequiresExactMatch(field string) (value string, ok bool)
}

// selector is the Selector of all requirements, kept in canonical order.
type selector []Requirement

func (s selector) Matches(f Fields) bool {
	if f == nil {
		f = Set(nil)
	}
	for _, r := range s {
		if !r.Matches(f) {
			return false
		}
	}
	return true
}

func (s selector) Empty() bool { return len(s) == 0 }

func (s selector) String() string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.String())
	}
	return b.String()
}

func (s selector) Requirements() []Requirement {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone([]Requirement(s))
}

func (s selector) RequiresExactMatch(field string) (string, bool) {
	for _, r := range s {
		if r.Field == field && r.Operator == Equals {
			return r.Value, true
		}
	}
	return "", false
}

// newSelector sorts reqs by field, operator and value.
func newSelector(reqs []Requirement) selector {
	slices.SortFunc(reqs, func(a, b Requirement) int {
		return cmp.Or(
			strings.Compare(a.Field, b.Field),
			strings.Compare(a.Operator, b.Operator),
			strings.Compare(a.Value, b.Value),
		)
	})
	return selector(reqs)
}

// Everything returns the selector that matches every object. Its String is "".
func Everything() Selector { return selector(nil) }

// OneTermEqual returns the selector field=value.
func OneTermEqual(field, value string) Selector {
	return selector{{Field: field, Operator: Equals, Value: value}}
}

// SelectorFromSet returns the selector that requires every field of set to
// have its value. A nil or empty set gives Everything.
func SelectorFromSet(set Set) Selector {
	if len(set) == 0 {
		return Everything()
	}
	reqs := make([]Requirement, 0, len(set))
	for f, v := range set {
		reqs = append(reqs, Requirement{Field: f, Operator: Equals, Value: v})
	}
	return newSelector(reqs)
}

// Validate returns an error "field label not supported: F" for the first field
// of sel (in canonical order) that allowed rejects, or nil. The server answers
// that error with 400 Bad Request.
func Validate(sel Selector, allowed func(field string) bool) error {
	if sel == nil {
		return nil
	}
	for _, r := range sel.Requirements() {
		if !allowed(r.Field) {
			return fmt.Errorf("field label not supported: %s", r.Field)
		}
	}
	return nil
}
