package labels

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/validation"
)

// Operator is the relation a Requirement demands between a label and its values.
type Operator string

// The operators of the label selector syntax. DoubleEquals behaves as Equals,
// and NotEquals and NotIn also match objects that lack the key, as in Kubernetes.
const (
	Equals       Operator = "="
	DoubleEquals Operator = "=="
	NotEquals    Operator = "!="
	In           Operator = "in"
	NotIn        Operator = "notin"
	Exists       Operator = "exists"
	DoesNotExist Operator = "!"
	GreaterThan  Operator = "gt"
	LessThan     Operator = "lt"
)

// Requirement is one condition of a selector: Key related to Values by Operator.
// Equals, DoubleEquals, NotEquals, GreaterThan and LessThan have exactly one
// value, In and NotIn at least one, Exists and DoesNotExist none. Requirements
// built by this package have their In and NotIn values sorted and deduplicated.
type Requirement struct {
	Key      string
	Operator Operator
	Values   []string
}

// Matches reports whether the labels satisfy the requirement. GreaterThan and
// LessThan compare as 64-bit integers and never match a label whose value is not
// an integer. An unknown operator matches nothing.
func (r Requirement) Matches(ls Labels) bool {
	if ls == nil {
		ls = Set(nil)
	}
	switch r.Operator {
	case Equals, DoubleEquals, In:
		return ls.Has(r.Key) && slices.Contains(r.Values, ls.Get(r.Key))
	case NotEquals, NotIn:
		return !ls.Has(r.Key) || !slices.Contains(r.Values, ls.Get(r.Key))
	case Exists:
		return ls.Has(r.Key)
	case DoesNotExist:
		return !ls.Has(r.Key)
	case GreaterThan, LessThan:
		if len(r.Values) != 1 || !ls.Has(r.Key) {
			return false
		}
		have, err := strconv.ParseInt(ls.Get(r.Key), 10, 64)
		if err != nil {
			return false
		}
		want, err := strconv.ParseInt(r.Values[0], 10, 64)
		if err != nil {
			return false
		}
		if r.Operator == GreaterThan {
			return have > want
		}
		return have < want
	}
	return false
}

// String returns the requirement in selector syntax, e.g. "env in (dev,prod)",
// "!canary" or "tier=web". In and NotIn values are written sorted.
func (r Requirement) String() string {
	var b strings.Builder
	switch r.Operator {
	case Exists:
		return r.Key
	case DoesNotExist:
		return "!" + r.Key
	case In, NotIn:
		vals := slices.Clone(r.Values)
		slices.Sort(vals)
		b.WriteString(r.Key)
		b.WriteByte(' ')
		b.WriteString(string(r.Operator))
		b.WriteString(" (")
		b.WriteString(strings.Join(vals, ","))
		b.WriteByte(')')
		return b.String()
	}
	b.WriteString(r.Key)
	switch r.Operator {
	case GreaterThan:
		b.WriteByte('>')
	case LessThan:
		b.WriteByte('<')
	default: // =, ==, != and anything unknown
		b.WriteString(string(r.Operator))
	}
	b.WriteString(strings.Join(r.Values, ","))
	return b.String()
}

// Selector selects objects by their labels.
type Selector interface {
	// Matches reports whether the labels satisfy every requirement.
	Matches(Labels) bool
	// Empty reports whether the selector has no requirements and so selects
	// everything.
	Empty() bool
	// String returns the selector in the syntax Parse accepts, requirements
	// sorted by key; Parse(s.String()) gives an equal selector.
	String() string
	// Requirements returns a copy of the requirements, sorted by key.
	Requirements() []Requirement
	// RequiresExactMatch returns the value key must have for a label set to
	// match (from key=v, key==v or key in (v)), and whether there is one.
	RequiresExactMatch(key string) (value string, ok bool)
}

// selector is the Selector of all requirements, kept in canonical order.
type selector []Requirement

func (s selector) Matches(ls Labels) bool {
	if ls == nil {
		ls = Set(nil)
	}
	for _, r := range s {
		if !r.Matches(ls) {
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
	out := make([]Requirement, len(s))
	for i, r := range s {
		out[i] = Requirement{Key: r.Key, Operator: r.Operator, Values: slices.Clone(r.Values)}
	}
	return out
}

func (s selector) RequiresExactMatch(key string) (string, bool) {
	for _, r := range s {
		if r.Key != key || len(r.Values) != 1 {
			continue
		}
		switch r.Operator {
		case Equals, DoubleEquals, In:
			return r.Values[0], true
		}
	}
	return "", false
}

// newSelector sorts reqs into the canonical order: by key, then by the
// requirement's own string so that equal selectors print equally.
func newSelector(reqs []Requirement) selector {
	slices.SortStableFunc(reqs, func(a, b Requirement) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
	return selector(reqs)
}

// nothing is the Selector that matches no object.
type nothing struct{}

func (nothing) Matches(Labels) bool                      { return false }
func (nothing) Empty() bool                              { return false }
func (nothing) String() string                           { return "" }
func (nothing) Requirements() []Requirement              { return nil }
func (nothing) RequiresExactMatch(string) (string, bool) { return "", false }

// Everything returns the selector that matches every object. Its String is "".
func Everything() Selector { return selector(nil) }

// Nothing returns the selector that matches no object. As in Kubernetes there
// is no selector syntax for it: its String is "", the same as Everything's, so
// a caller about to send a selector must check for it (Empty is false, String
// is "") rather than send the string.
func Nothing() Selector { return nothing{} }

// SelectorFromSet returns the selector that requires every key of set to have
// its value (key=value for each). A nil or empty set gives Everything. Keys and
// values are not validated, so the String of a set holding invalid labels may
// not parse.
func SelectorFromSet(set Set) Selector {
	if len(set) == 0 {
		return Everything()
	}
	reqs := make([]Requirement, 0, len(set))
	for k, v := range set {
		reqs = append(reqs, Requirement{Key: k, Operator: Equals, Values: []string{v}})
	}
	return newSelector(reqs)
}

// FromLabelSelector converts the structured selector of object specs
// (matchLabels and matchExpressions with operators In, NotIn, Exists and
// DoesNotExist) into a Selector. As in Kubernetes, a nil selector selects
// nothing and an empty one selects everything. Keys, values and operators are
// validated.
func FromLabelSelector(ls *meta.LabelSelector) (Selector, error) {
	if ls == nil {
		return Nothing(), nil
	}
	if len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return Everything(), nil
	}
	reqs := make([]Requirement, 0, len(ls.MatchLabels)+len(ls.MatchExpressions))
	for k, v := range ls.MatchLabels {
		r, err := newRequirement(k, Equals, []string{v})
		if err != nil {
			return nil, fmt.Errorf("matchLabels: %w", err)
		}
		reqs = append(reqs, r)
	}
	for i, e := range ls.MatchExpressions {
		var op Operator
		switch e.Operator {
		case "In":
			op = In
		case "NotIn":
			op = NotIn
		case "Exists":
			op = Exists
		case "DoesNotExist":
			op = DoesNotExist
		default:
			return nil, fmt.Errorf("matchExpressions[%d]: unsupported operator %q (want In, NotIn, Exists or DoesNotExist)", i, e.Operator)
		}
		r, err := newRequirement(e.Key, op, e.Values)
		if err != nil {
			return nil, fmt.Errorf("matchExpressions[%d]: %w", i, err)
		}
		reqs = append(reqs, r)
	}
	return newSelector(reqs), nil
}

// newRequirement validates key and values for op and returns the requirement,
// with In and NotIn values sorted and deduplicated. It never keeps vals.
func newRequirement(key string, op Operator, vals []string) (Requirement, error) {
	if msgs := validation.IsQualifiedName(key); len(msgs) > 0 {
		return Requirement{}, fmt.Errorf("invalid label key %q: %s", key, strings.Join(msgs, "; "))
	}
	switch op {
	case In, NotIn:
		if len(vals) == 0 {
			return Requirement{}, fmt.Errorf("key %q: operator %q needs at least one value", key, opSymbol(op))
		}
	case Equals, DoubleEquals, NotEquals:
		if len(vals) != 1 {
			return Requirement{}, fmt.Errorf("key %q: operator %q needs exactly one value, got %d", key, opSymbol(op), len(vals))
		}
	case GreaterThan, LessThan:
		if len(vals) != 1 {
			return Requirement{}, fmt.Errorf("key %q: operator %q needs exactly one value, got %d", key, opSymbol(op), len(vals))
		}
		if _, err := strconv.ParseInt(vals[0], 10, 64); err != nil {
			return Requirement{}, fmt.Errorf("key %q: operator %q needs an integer value, got %q", key, opSymbol(op), vals[0])
		}
	case Exists, DoesNotExist:
		if len(vals) != 0 {
			return Requirement{}, fmt.Errorf("key %q: operator %q takes no values, got %d", key, opSymbol(op), len(vals))
		}
		return Requirement{Key: key, Operator: op}, nil
	default:
		return Requirement{}, fmt.Errorf("key %q: unknown operator %q", key, opSymbol(op))
	}
	for _, v := range vals {
		if msgs := validation.IsLabelValue(v); len(msgs) > 0 {
			return Requirement{}, fmt.Errorf("invalid label value %q for key %q: %s", v, key, strings.Join(msgs, "; "))
		}
	}
	vals = slices.Clone(vals)
	if op == In || op == NotIn {
		slices.Sort(vals)
		vals = slices.Compact(vals)
	}
	return Requirement{Key: key, Operator: op, Values: vals}, nil
}

// opSymbol is how op is written in a selector, for error messages.
func opSymbol(op Operator) string {
	switch op {
	case GreaterThan:
		return ">"
	case LessThan:
		return "<"
	}
	return string(op)
}
