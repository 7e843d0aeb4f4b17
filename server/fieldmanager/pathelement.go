package fieldmanager

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"kctl.dev/kctl/internal/jsonenc"
)

// elemKind is the type of a path element, as its FieldsV1 prefix names it.
type elemKind uint8

const (
	fieldElem elemKind = iota // f:<name>: a field of a struct, a key of a map
	keyElem                   // k:{...}: the element of a list map with these key values
	valueElem                 // v:<json>: the member of a set with this value
	indexElem                 // i:<n>: an element of a list by position (read, never written)
)

var elemPrefixes = [...]string{fieldElem: "f:", keyElem: "k:", valueElem: "v:", indexElem: "i:"}

// pathElement is one step of a field path. text is the field name, the
// canonical JSON of the key object (fields sorted by name) or of the set
// member, or the decimal index. Two elements are the same when kind and text
// are, so pathElement is a map key.
type pathElement struct {
	kind elemKind
	text string
}

func field(name string) pathElement { return pathElement{fieldElem, name} }

// encode is the element as a FieldsV1 object key.
func (pe pathElement) encode() string { return elemPrefixes[pe.kind] + pe.text }

// String is the element as Kubernetes prints paths: .name, [name="x"],
// [containerPort=80,protocol="TCP"], [="value"], [0].
func (pe pathElement) String() string {
	switch pe.kind {
	case fieldElem:
		return "." + pe.text
	case keyElem:
		fields, err := parseKey(pe.text)
		if err != nil {
			return "[" + pe.text + "]"
		}
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = f.name + "=" + displayValue(f.value)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case valueElem:
		v, err := parseJSON(pe.text)
		if err != nil {
			return "[=" + pe.text + "]"
		}
		return "[=" + displayValue(v) + "]"
	default:
		return "[" + pe.text + "]"
	}
}

// pathString prints a path as Kubernetes does: .spec.containers[name="nginx"].image.
func pathString(path []pathElement) string {
	var b strings.Builder
	for _, pe := range path {
		b.WriteString(pe.String())
	}
	return b.String()
}

// errUnknownElement is a FieldsV1 key of a type this version does not know;
// Kubernetes skips those.
var errUnknownElement = errors.New("unknown path element type")

// parseElement reads a FieldsV1 object key.
func parseElement(s string) (pathElement, error) {
	if len(s) < 2 {
		return pathElement{}, fmt.Errorf("key must be 2 characters long: %q", s)
	}
	if s[1] != ':' {
		return pathElement{}, fmt.Errorf("missing colon: %q", s)
	}
	body := s[2:]
	switch s[0] {
	case 'f':
		return field(body), nil
	case 'k':
		if canonicalKey(body) {
			return pathElement{keyElem, body}, nil
		}
		fields, err := parseKey(body)
		if err != nil {
			return pathElement{}, fmt.Errorf("invalid key %q: %v", body, err)
		}
		return pathElement{keyElem, encodeKey(fields)}, nil
	case 'v':
		if n := plainValue(body); n > 0 && n == len(body) {
			return pathElement{valueElem, body}, nil
		}
		v, err := parseJSON(body)
		if err != nil {
			return pathElement{}, fmt.Errorf("invalid value %q: %v", body, err)
		}
		return pathElement{valueElem, string(appendJSON(nil, v))}, nil
	case 'i':
		i, err := strconv.Atoi(body)
		if err != nil {
			return pathElement{}, fmt.Errorf("invalid index %q", body)
		}
		return pathElement{indexElem, strconv.Itoa(i)}, nil
	}
	return pathElement{}, errUnknownElement
}

// canonicalKey reports whether the text of a key element is already in
// canonical form, as Kubernetes writes it: an object of plain strings,
// integers and booleans, names in order. Most are; the others are parsed.
func canonicalKey(text string) bool {
	if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
		return false
	}
	rest := text[1 : len(text)-1]
	prev := ""
	for first := true; ; first = false {
		if !first {
			if rest == "" {
				return true
			}
			if rest[0] != ',' {
				return false
			}
			rest = rest[1:]
		}
		n := plainString(rest)
		if n == 0 || n >= len(rest) || rest[n] != ':' {
			return false
		}
		name := rest[1 : n-1]
		if !first && name <= prev {
			return false
		}
		prev = name
		rest = rest[n+1:]
		m := plainValue(rest)
		if m == 0 {
			return false
		}
		rest = rest[m:]
	}
}

// plainValue returns the length of the canonical plain scalar s starts with
// (a string without escapes, an integer, true or false), 0 when it does not
// start with one.
func plainValue(s string) int {
	switch {
	case s == "":
		return 0
	case s[0] == '"':
		return plainString(s)
	case strings.HasPrefix(s, "true"):
		return 4
	case strings.HasPrefix(s, "false"):
		return 5
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	digits := i - start
	if digits == 0 || digits > 18 || (s[start] == '0' && digits > 1) || (s[0] == '-' && s[start] == '0') {
		return 0
	}
	if i < len(s) && (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
		return 0
	}
	return i
}

// plainString returns the length of the quoted string s starts with when it
// needs no escaping, 0 otherwise.
func plainString(s string) int {
	if s == "" || s[0] != '"' {
		return 0
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1
		case c < 0x20 || c >= utf8.RuneSelf || c == '\\' || c == '<' || c == '>' || c == '&':
			return 0
		}
	}
	return 0
}

// keyField is one field of a list-map key.
type keyField struct {
	name  string
	value any
}

// encodeKey is the canonical text of a key: a JSON object with the fields
// sorted by name.
func encodeKey(fields []keyField) string {
	switch {
	case len(fields) == 2:
		if fields[1].name < fields[0].name {
			fields[0], fields[1] = fields[1], fields[0]
		}
	case len(fields) > 2:
		sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	}
	var buf [64]byte
	b := append(buf[:0], '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendQuoted(b, f.name)
		b = append(b, ':')
		b = appendJSON(b, f.value)
	}
	b = append(b, '}')
	return string(b)
}

// parseKey reads the text of a key element: a JSON object.
func parseKey(text string) ([]keyField, error) {
	p := jsonParser{s: text}
	p.skipSpace()
	if !p.consume('{') {
		return nil, errors.New("expected an object")
	}
	var fields []keyField
	p.skipSpace()
	if !p.consume('}') {
		for {
			p.skipSpace()
			name, err := p.str()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if !p.consume(':') {
				return nil, errors.New("expected ':'")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			fields = append(fields, keyField{name, v})
			p.skipSpace()
			if p.consume(',') {
				continue
			}
			if p.consume('}') {
				break
			}
			return nil, errors.New("expected ',' or '}'")
		}
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, errors.New("unexpected data after the key")
	}
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	return fields, nil
}

// compareElements orders path elements as structured-merge-diff does: fields
// (by name) before keys before values before indexes.
func compareElements(a, b pathElement) int {
	if a.kind != b.kind {
		if a.kind < b.kind {
			return -1
		}
		return 1
	}
	if a.text == b.text {
		return 0
	}
	switch a.kind {
	case fieldElem:
		return strings.Compare(a.text, b.text)
	case keyElem:
		ka, errA := parseKey(a.text)
		kb, errB := parseKey(b.text)
		if errA != nil || errB != nil {
			return strings.Compare(a.text, b.text)
		}
		for i := 0; i < len(ka) && i < len(kb); i++ {
			if c := strings.Compare(ka[i].name, kb[i].name); c != 0 {
				return c
			}
			if c := compareValues(ka[i].value, kb[i].value); c != 0 {
				return c
			}
		}
		return compareInts(len(ka), len(kb))
	case valueElem:
		va, errA := parseJSON(a.text)
		vb, errB := parseJSON(b.text)
		if errA != nil || errB != nil {
			return strings.Compare(a.text, b.text)
		}
		return compareValues(va, vb)
	default:
		ia, _ := strconv.Atoi(a.text)
		ib, _ := strconv.Atoi(b.text)
		return compareInts(ia, ib)
	}
}

func compareInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// valueRank orders values of different types: numbers, strings, booleans,
// lists, maps, null.
func valueRank(v any) int {
	switch v.(type) {
	case json.Number, float64, int64, int:
		return 0
	case string:
		return 1
	case bool:
		return 2
	case []any:
		return 3
	case map[string]any:
		return 4
	}
	return 5
}

// compareValues is structured-merge-diff's total order of values.
func compareValues(a, b any) int {
	ra, rb := valueRank(a), valueRank(b)
	if ra != rb {
		return compareInts(ra, rb)
	}
	switch a := a.(type) {
	case string:
		return strings.Compare(a, b.(string))
	case bool:
		switch bb := b.(bool); {
		case a == bb:
			return 0
		case !a:
			return -1
		}
		return 1
	case []any:
		bl := b.([]any)
		for i := 0; i < len(a) && i < len(bl); i++ {
			if c := compareValues(a[i], bl[i]); c != 0 {
				return c
			}
		}
		return compareInts(len(a), len(bl))
	case map[string]any:
		return compareMaps(a, b.(map[string]any))
	case nil:
		return 0
	}
	fa, fb := toFloat(a), toFloat(b)
	switch {
	case fa < fb:
		return -1
	case fa > fb:
		return 1
	}
	return 0
}

func compareMaps(a, b map[string]any) int {
	ka, kb := sortedKeys(a), sortedKeys(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if c := strings.Compare(ka[i], kb[i]); c != 0 {
			return c
		}
		if c := compareValues(a[ka[i]], b[kb[i]]); c != 0 {
			return c
		}
	}
	return compareInts(len(ka), len(kb))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}

// displayValue prints a value inside a path: strings quoted, numbers and
// booleans as they are.
func displayValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case json.Number:
		return canonicalNumber(v)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = displayValue(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		var b strings.Builder
		for _, k := range sortedKeys(v) {
			b.WriteString(k + "=" + displayValue(v[k]))
		}
		return b.String()
	}
	return fmt.Sprint(v)
}

// canonicalNumber writes a number as structured-merge-diff does: integers as
// integers (80, also for 80.0), other numbers in the shortest form.
func canonicalNumber(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return strconv.FormatInt(int64(f), 10)
	}
	b, _ := json.Marshal(f)
	return string(b)
}

// appendJSON appends the canonical JSON of a decoded value: map keys sorted,
// strings escaped as encoding/json escapes them, numbers canonical.
func appendJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return jsonenc.AppendQuoted(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case json.Number:
		return append(b, canonicalNumber(v)...)
	case float64:
		return append(b, canonicalNumber(json.Number(strconv.FormatFloat(v, 'g', -1, 64)))...)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.AppendQuoted(b, k)
			b = append(b, ':')
			b = appendJSON(b, v[k])
		}
		return append(b, '}')
	}
	j, _ := json.Marshal(v)
	return append(b, j...)
}

// jsonParser reads the small JSON documents of path elements.
type jsonParser struct {
	s string
	i int
}

// parseJSON reads one JSON value, numbers as json.Number.
func parseJSON(s string) (any, error) {
	p := jsonParser{s: s}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, errors.New("unexpected data after the value")
	}
	return v, nil
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) consume(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) value() (any, error) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return nil, errors.New("unexpected end of JSON")
	}
	switch c := p.s[p.i]; {
	case c == '"':
		return p.str()
	case c == '{':
		p.i++
		m := map[string]any{}
		p.skipSpace()
		if p.consume('}') {
			return m, nil
		}
		for {
			p.skipSpace()
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if !p.consume(':') {
				return nil, errors.New("expected ':'")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			m[k] = v
			p.skipSpace()
			if p.consume(',') {
				continue
			}
			if p.consume('}') {
				return m, nil
			}
			return nil, errors.New("expected ',' or '}'")
		}
	case c == '[':
		p.i++
		l := []any{}
		p.skipSpace()
		if p.consume(']') {
			return l, nil
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			l = append(l, v)
			p.skipSpace()
			if p.consume(',') {
				continue
			}
			if p.consume(']') {
				return l, nil
			}
			return nil, errors.New("expected ',' or ']'")
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		for p.i < len(p.s) && strings.IndexByte("+-.eE0123456789", p.s[p.i]) >= 0 {
			p.i++
		}
		n := json.Number(p.s[start:p.i])
		if _, err := n.Float64(); err != nil {
			return nil, fmt.Errorf("invalid number %q", string(n))
		}
		return n, nil
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return false, nil
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return nil, nil
	}
	return nil, fmt.Errorf("invalid character %q", p.s[p.i])
}

// str reads a JSON string; the plain ones without escapes cost no copy.
func (p *jsonParser) str() (string, error) {
	if !p.consume('"') {
		return "", errors.New("expected a string")
	}
	start := p.i
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '"':
			s := p.s[start:p.i]
			p.i++
			return s, nil
		case '\\':
			// Escapes: let encoding/json decode the whole string.
			end := start
			for end < len(p.s) {
				if p.s[end] == '\\' {
					end += 2
					continue
				}
				if p.s[end] == '"' {
					break
				}
				end++
			}
			if end >= len(p.s) {
				return "", errors.New("unterminated string")
			}
			var s string
			if err := json.Unmarshal([]byte(p.s[start-1:end+1]), &s); err != nil {
				return "", err
			}
			p.i = end + 1
			return s, nil
		}
		p.i++
	}
	return "", errors.New("unterminated string")
}
