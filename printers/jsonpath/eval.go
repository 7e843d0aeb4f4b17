package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
)

// Execute writes the template's output for data: literal text as is, each
// action's results separated by spaces. Nothing is written when it fails.
func (t *Template) Execute(w io.Writer, data any) error {
	results, err := t.Results(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, vs := range results {
		for i, v := range vs {
			if i > 0 {
				buf.WriteByte(' ')
			}
			if err := writeText(&buf, v); err != nil {
				return err
			}
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// ExecuteJSON writes each result set (each action, each literal, each pass of
// a range) as an indented JSON array, as kubectl -o jsonpath-as-json does.
func (t *Template) ExecuteJSON(w io.Writer, data any) error {
	results, err := t.Results(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, vs := range results {
		arr := make([]any, 0, len(vs))
		for _, v := range vs {
			arr = append(arr, Normalize(v))
		}
		b, err := json.MarshalIndent(arr, "", "    ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Results evaluates the template on data and returns one result set per
// literal, action and pass of a range, in order (kubectl's FindResults).
func (t *Template) Results(data any) ([][]any, error) {
	return t.run(t.segments, data, nil)
}

func (t *Template) run(segs []segment, data any, out [][]any) ([][]any, error) {
	for _, s := range segs {
		switch {
		case s.literal:
			out = append(out, []any{s.text})
		case s.end:
			return nil, errors.New("not in range, nothing to end")
		case s.rng != nil:
			items, err := t.eval([]any{data}, s.rng.over)
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				if out, err = t.run(s.rng.body, it, out); err != nil {
					return nil, err
				}
			}
		default:
			vs, err := t.eval([]any{data}, s.action)
			if err != nil {
				return nil, err
			}
			out = append(out, vs)
		}
	}
	return out, nil
}

// eval applies the steps of an action in turn.
func (t *Template) eval(in []any, nodes []node) ([]any, error) {
	cur := in
	for _, n := range nodes {
		var err error
		if cur, err = t.step(cur, n); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

func (t *Template) step(in []any, n node) ([]any, error) {
	switch n := n.(type) {
	case fieldNode:
		return t.field(in, n.name)
	case wildcardNode:
		var out []any
		for _, v := range in {
			out = append(out, children(v)...)
		}
		return out, nil
	case recursiveNode:
		return descend(in), nil
	case arrayNode:
		return slice(in, n)
	case unionNode:
		var out []any
		for _, alt := range n.alternatives {
			vs, err := t.eval(in, alt)
			if err != nil {
				return nil, err
			}
			out = append(out, vs...)
		}
		return out, nil
	case filterNode:
		return t.filter(in, n)
	case textNode:
		return []any{n.text}, nil
	case intNode:
		return repeat(in, n.value), nil
	case floatNode:
		return repeat(in, n.value), nil
	case boolNode:
		return repeat(in, n.value), nil
	case identifierNode:
		return nil, fmt.Errorf("unrecognized identifier %s", n.name)
	}
	return nil, fmt.Errorf("unexpected node %T", n)
}

func repeat(in []any, v any) []any {
	out := make([]any, len(in))
	for i := range out {
		out[i] = v
	}
	return out
}

// field looks name up in every object of in; a missing key is an error
// unless AllowMissingKeys (no input at all is never an error).
func (t *Template) field(in []any, name string) ([]any, error) {
	if len(in) == 0 {
		return nil, nil
	}
	var out []any
	for _, v := range in {
		if m, ok := v.(map[string]any); ok {
			if x, ok := m[name]; ok {
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 && !t.AllowMissingKeys {
		return nil, fmt.Errorf("%s is not found", name)
	}
	return out, nil
}

// children returns the values of an object (in key order) or the elements of
// an array.
func children(v any) []any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = v[k]
		}
		return out
	case []any:
		return v
	}
	return nil
}

// descend returns every object and array under in, each before its
// children; scalars are left out (a field step follows).
func descend(in []any) []any {
	var out []any
	for _, v := range in {
		kids := children(v)
		if len(kids) == 0 {
			continue
		}
		out = append(out, v)
		out = append(out, descend(kids)...)
	}
	return out
}

func slice(in []any, n arrayNode) ([]any, error) {
	var out []any
	for _, v := range in {
		if v == nil {
			continue
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s is not array or slice", goType(v))
		}
		length := len(arr)
		start, end := n.start.value, n.end.value
		if !n.start.known {
			start = 0
		}
		if start < 0 {
			start += length
		}
		if !n.end.known {
			end = length
		}
		if end < 0 || (end == 0 && n.end.derived) {
			end += length
		}
		if start == end {
			continue
		}
		switch {
		case start >= length || start < 0:
			return nil, fmt.Errorf("array index out of bounds: index %d, length %d", start, length)
		case end > length || end < 0:
			return nil, fmt.Errorf("array index out of bounds: index %d, length %d", end-1, length)
		case start > end:
			return nil, fmt.Errorf("starting index %d is greater than ending index %d", start, end)
		}
		step := 1
		if n.step.known {
			if n.step.value <= 0 {
				return nil, errors.New("step must be > 0")
			}
			step = n.step.value
		}
		for i := start; i < end; i += step {
			out = append(out, arr[i])
		}
	}
	return out, nil
}

func (t *Template) filter(in []any, n filterNode) ([]any, error) {
	var out []any
	for _, v := range in {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%v is not array or slice and cannot be filtered", Normalize(v))
		}
		for _, el := range arr {
			lefts, err := t.eval([]any{el}, n.left)
			if n.op == "exists" {
				if err == nil && len(lefts) > 0 {
					out = append(out, el)
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			if len(lefts) == 0 {
				continue
			}
			if len(lefts) > 1 {
				return nil, errors.New("can only compare one element at a time")
			}
			rights, err := t.eval([]any{el}, n.right)
			if err != nil {
				return nil, err
			}
			if len(rights) == 0 {
				continue
			}
			if len(rights) > 1 {
				return nil, errors.New("can only compare one element at a time")
			}
			pass, err := compare(lefts[0], rights[0], n.op)
			if err != nil {
				return nil, err
			}
			if pass {
				out = append(out, el)
			}
		}
	}
	return out, nil
}

var (
	errIncompatible = errors.New("incompatible types for comparison")
	errBadType      = errors.New("invalid type for comparison")
)

// compare applies a filter operator. Strings compare with strings, numbers
// with numbers, booleans only for equality.
func compare(left, right any, op string) (bool, error) {
	if op == "=~" {
		l, lok := left.(string)
		r, rok := right.(string)
		if !lok || !rok {
			return false, fmt.Errorf("regexp search only support string now but getting pattern: %#v, data: %#v", right, left)
		}
		return regexp.MatchString(r, l)
	}
	c, err := order(Normalize(left), Normalize(right), op == "==" || op == "!=")
	if err != nil {
		return false, err
	}
	switch op {
	case "==":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case ">":
		return c > 0, nil
	case "<=":
		return c <= 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unrecognized filter operator %s", op)
}

// order returns -1, 0 or 1; equalityOnly allows booleans.
func order(a, b any, equalityOnly bool) (int, error) {
	switch a := a.(type) {
	case string:
		b, ok := b.(string)
		if !ok {
			return 0, typeError(b)
		}
		switch {
		case a < b:
			return -1, nil
		case a > b:
			return 1, nil
		}
		return 0, nil
	case int64, float64:
		fa, _ := number(a)
		fb, ok := number(b)
		if !ok {
			return 0, typeError(b)
		}
		if ia, ok := a.(int64); ok {
			if ib, ok := b.(int64); ok {
				return cmpInt(ia, ib), nil
			}
		}
		switch {
		case fa < fb:
			return -1, nil
		case fa > fb:
			return 1, nil
		}
		return 0, nil
	case bool:
		b, ok := b.(bool)
		if !ok {
			return 0, typeError(b)
		}
		if !equalityOnly {
			return 0, errBadType
		}
		if a == b {
			return 0, nil
		}
		return 1, nil
	}
	return 0, errBadType
}

func typeError(v any) error {
	switch v.(type) {
	case string, int64, float64, bool:
		return errIncompatible
	}
	return errBadType
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// Normalize returns v with numbers as kubectl holds them after decoding:
// int64 for integers, float64 for the rest. json.Number, int and integral
// float64 values (encoding/json decodes every number as float64) all become
// one of those. Objects and arrays are copied.
func Normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Normalize(e)
		}
		return out
	}
	return v
}

// writeText prints one result: objects and arrays as compact JSON, other
// values as text.
func writeText(buf *bytes.Buffer, v any) error {
	v = Normalize(v)
	switch x := v.(type) {
	case map[string]any, []any:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		buf.Write(b)
	case nil:
		buf.WriteString("null")
	case string:
		buf.WriteString(x)
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case float64:
		buf.WriteString(FormatFloat(x))
	default:
		fmt.Fprint(buf, x)
	}
	return nil
}

// FormatFloat prints f as Go's %v does (kubectl prints numbers that way).
func FormatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Sprint(f)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// goType names v's type as kubectl's error messages do.
func goType(v any) string {
	switch Normalize(v).(type) {
	case map[string]any:
		return "map[string]interface {}"
	case []any:
		return "[]interface {}"
	case string:
		return "string"
	case int64:
		return "int64"
	case float64:
		return "float64"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}
