package jsonpath

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Template is a parsed JSONPath template. Execute it with Execute,
// ExecuteJSON or Results; it is safe for concurrent use once parsed, as long as
// AllowMissingKeys is not changed meanwhile.
type Template struct {
	// AllowMissingKeys makes a field or map key that is not there yield
	// nothing instead of the error "NAME is not found". kubectl get allows
	// missing keys unless --allow-missing-template-keys=false.
	AllowMissingKeys bool

	text     string
	segments []segment
}

// segment is one piece of a template at the top level or inside a range:
// literal text, an action, or a range with its body.
type segment struct {
	text    string // literal text when action and rng are nil
	literal bool
	action  []node
	rng     *rangeSegment
	end     bool // a stray {end}: an error when executed
}

type rangeSegment struct {
	over []node
	body []segment
}

// node is one step of an action.
type node interface{ isNode() }

type (
	fieldNode     struct{ name string }
	wildcardNode  struct{}
	recursiveNode struct{}
	arrayNode     struct{ start, end, step bound }
	unionNode     struct{ alternatives [][]node }
	filterNode    struct {
		left, right []node
		op          string // "exists" when there is no comparison
	}
	textNode       struct{ text string }
	intNode        struct{ value int64 }
	floatNode      struct{ value float64 }
	boolNode       struct{ value bool }
	identifierNode struct{ name string }
)

func (fieldNode) isNode()      {}
func (wildcardNode) isNode()   {}
func (recursiveNode) isNode()  {}
func (arrayNode) isNode()      {}
func (unionNode) isNode()      {}
func (filterNode) isNode()     {}
func (textNode) isNode()       {}
func (intNode) isNode()        {}
func (floatNode) isNode()      {}
func (boolNode) isNode()       {}
func (identifierNode) isNode() {}

// bound is one of the three numbers of a slice [start:end:step].
type bound struct {
	value int
	known bool
	// derived marks the end of a single index [i], which is i+1.
	derived bool
}

var (
	sliceRe  = regexp.MustCompile(`^(-?\d*)(:-?\d*)?(:-?\d*)?$`)
	quotedRe = regexp.MustCompile(`^'([^']*)'$`)
	filterRe = regexp.MustCompile(`^([^!<>=]+)([!<>=~]+)(.+?)$`)
)

// Parse parses a template. Its errors are kubectl's parser messages
// ("unclosed action", "invalid array index x", ...).
func Parse(text string) (*Template, error) {
	p := &parser{input: text}
	flat, err := p.template()
	if err != nil {
		return nil, err
	}
	segs, _ := nest(flat, 0)
	return &Template{text: text, segments: segs}, nil
}

// String returns the template's text.
func (t *Template) String() string { return t.text }

// nest turns the flat list of segments into ranges with bodies: a {range X}
// runs to its matching {end}, or to the end of the template when there is
// none (as kubectl does). It returns the segments and how many it consumed.
func nest(flat []segment, depth int) ([]segment, int) {
	var out []segment
	for i := 0; i < len(flat); i++ {
		s := flat[i]
		if id, ok := leadingIdentifier(s.action); ok {
			switch id {
			case "range":
				body, n := nest(flat[i+1:], depth+1)
				out = append(out, segment{rng: &rangeSegment{over: s.action[1:], body: body}})
				i += n
				continue
			case "end":
				if depth > 0 {
					return out, i + 1
				}
				out = append(out, segment{end: true})
				continue
			}
		}
		out = append(out, s)
	}
	return out, len(flat)
}

func leadingIdentifier(action []node) (string, bool) {
	if len(action) == 0 {
		return "", false
	}
	id, ok := action[0].(identifierNode)
	if !ok || (id.name != "range" && id.name != "end") {
		return "", false
	}
	return id.name, true
}

// parser scans a template left to right.
type parser struct {
	input string
	pos   int
}

const eof = -1

func (p *parser) next() rune {
	if p.pos >= len(p.input) {
		return eof
	}
	r, w := utf8.DecodeRuneInString(p.input[p.pos:])
	p.pos += w
	return r
}

func (p *parser) peek() rune {
	if p.pos >= len(p.input) {
		return eof
	}
	r, _ := utf8.DecodeRuneInString(p.input[p.pos:])
	return r
}

func (p *parser) rest() string { return p.input[p.pos:] }

// template reads text and actions up to the end of the input.
func (p *parser) template() ([]segment, error) {
	var segs []segment
	for p.pos < len(p.input) {
		i := strings.IndexByte(p.rest(), '{')
		if i < 0 {
			segs = append(segs, segment{text: p.rest(), literal: true})
			break
		}
		if i > 0 {
			segs = append(segs, segment{text: p.rest()[:i], literal: true})
		}
		p.pos += i + 1
		nodes, err := p.action(true)
		if err != nil {
			return nil, err
		}
		segs = append(segs, segment{action: nodes})
	}
	return segs, nil
}

// action reads the steps of one action. With braced, the action ends at '}'
// (which it consumes) and the end of input is an error; without, it is the
// text of a filter operand or a union member and ends with the input.
func (p *parser) action(braced bool) ([]node, error) {
	var nodes []node
	for {
		rest := p.rest()
		switch {
		case braced && strings.HasPrefix(rest, "}"):
			p.pos++
			return nodes, nil
		case !braced && (rest == "" || strings.HasPrefix(rest, "}")):
			return nodes, nil
		case strings.HasPrefix(rest, "[?("):
			n, err := p.filter()
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, n)
			continue
		case strings.HasPrefix(rest, ".."):
			if len(nodes) > 0 {
				if _, ok := nodes[len(nodes)-1].(recursiveNode); ok {
					return nil, errors.New("invalid multiple recursive descent")
				}
			}
			p.pos += 2
			nodes = append(nodes, recursiveNode{})
			if isAlphaNumeric(p.peek()) {
				nodes = append(nodes, p.field())
			}
			continue
		}
		start := p.pos
		r := p.next()
		switch {
		case r == eof || r == '\r' || r == '\n':
			return nil, errors.New("unclosed action")
		case r == ' ' || r == '@' || r == '$':
			// white space and the current-object markers carry no meaning
		case r == '[':
			ns, err := p.bracket()
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, ns...)
		case r == '"' || r == '\'':
			n, err := p.quoted(start, r)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, n)
		case r == '.':
			nodes = append(nodes, p.field())
		case r == '+' || r == '-' || unicode.IsDigit(r):
			p.pos = start
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, n)
		case isAlphaNumeric(r):
			p.pos = start
			nodes = append(nodes, p.identifier())
		default:
			return nil, fmt.Errorf("unrecognized character in action: %#U", r)
		}
	}
}

// field reads a field name after '.', up to an unescaped terminator; a
// backslash keeps the next character (so \. is a dot inside the name).
func (p *parser) field() node {
	var b strings.Builder
	for {
		r := p.peek()
		if r == '\\' {
			p.next()
			if n := p.next(); n != eof {
				b.WriteRune(n)
			}
			continue
		}
		if isTerminator(r) {
			break
		}
		b.WriteRune(p.next())
	}
	if b.String() == "*" {
		return wildcardNode{}
	}
	return fieldNode{name: b.String()}
}

func (p *parser) identifier() node {
	start := p.pos
	for !isTerminator(p.peek()) {
		p.next()
	}
	name := p.input[start:p.pos]
	switch name {
	case "true":
		return boolNode{value: true}
	case "false":
		return boolNode{value: false}
	}
	return identifierNode{name: name}
}

func (p *parser) number() (node, error) {
	start := p.pos
	if r := p.peek(); r == '+' || r == '-' {
		p.next()
	}
	for r := p.peek(); r == '.' || unicode.IsDigit(r); r = p.peek() {
		p.next()
	}
	text := p.input[start:p.pos]
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return intNode{value: i}, nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return floatNode{value: f}, nil
	}
	return nil, fmt.Errorf("cannot parse number %s", text)
}

// quoted reads a quoted literal whose opening quote is at start.
func (p *parser) quoted(start int, quote rune) (node, error) {
	for {
		r := p.next()
		if r == eof || r == '\n' {
			return nil, errors.New("unterminated quoted string")
		}
		if r == quote && p.input[p.pos-2] != '\\' {
			break
		}
	}
	raw := p.input[start:p.pos]
	s, err := unquote(raw)
	if err != nil {
		return nil, fmt.Errorf("unquote string %s error %v", raw, err)
	}
	return textNode{text: s}, nil
}

// unquote is strconv.Unquote for double- or single-quoted text of any length.
func unquote(s string) (string, error) {
	quote := s[0]
	if len(s) < 2 || s[len(s)-1] != quote {
		return "", strconv.ErrSyntax
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for len(s) > 0 {
		r, multibyte, tail, err := strconv.UnquoteChar(s, quote)
		if err != nil {
			return "", err
		}
		s = tail
		if r < utf8.RuneSelf || !multibyte {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// bracket reads what follows '[' up to the first ']': an index, a slice, *,
// a quoted key, or a comma-separated union of those.
func (p *parser) bracket() ([]node, error) {
	end := strings.IndexAny(p.rest(), "]\n")
	if end < 0 || p.rest()[end] == '\n' {
		return nil, errors.New("unterminated array")
	}
	text := p.rest()[:end]
	p.pos += end + 1
	if text == "*" {
		text = ":"
	}
	if parts := strings.Split(text, ","); len(parts) > 1 {
		var u unionNode
		for _, part := range parts {
			sub := &parser{input: "[" + strings.Trim(part, " ") + "]"}
			alt, err := sub.action(false)
			if err != nil {
				return nil, err
			}
			u.alternatives = append(u.alternatives, alt)
		}
		return []node{u}, nil
	}
	if m := quotedRe.FindStringSubmatch(text); m != nil {
		return []node{fieldNode{name: m[1]}}, nil
	}
	m := sliceRe.FindStringSubmatch(text)
	if m == nil {
		return nil, fmt.Errorf("invalid array index %s", text)
	}
	var b [3]bound
	for i, s := range m[1:] {
		if i > 0 && s != "" {
			s = s[1:] // drop the ':'
			if s == "" {
				continue // [a:] or [a::c]: unknown
			}
		}
		if s == "" {
			if i == 1 && m[2] == "" {
				// a single index [i] selects [i:i+1]
				b[1] = bound{value: b[0].value + 1, known: true, derived: true}
			}
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("array index %s is not a number", s)
		}
		b[i] = bound{value: v, known: true}
	}
	return []node{arrayNode{start: b[0], end: b[1], step: b[2]}}, nil
}

// filter reads [?(LEFT OP RIGHT)] or [?(PATH)].
func (p *parser) filter() (node, error) {
	p.pos += len("[?(")
	start := p.pos
	inQuote, closed := false, false
	var pair rune
	for {
		r := p.next()
		if r == eof || r == '\n' {
			return nil, errors.New("unterminated filter")
		}
		if r == '"' || r == '\'' {
			if !inQuote {
				inQuote, pair = true, r
				continue
			}
			if r == pair && p.input[p.pos-2] != '\\' {
				closed = true
			}
			continue
		}
		if r == ')' && inQuote == closed {
			break
		}
	}
	text := p.input[start : p.pos-1]
	if p.next() != ']' {
		return nil, errors.New("unclosed array expect ]")
	}
	m := filterRe.FindStringSubmatch(text)
	if m == nil {
		left, err := (&parser{input: text}).action(false)
		if err != nil {
			return nil, err
		}
		return filterNode{left: left, op: "exists"}, nil
	}
	left, err := (&parser{input: m[1]}).action(false)
	if err != nil {
		return nil, err
	}
	right, err := (&parser{input: m[3]}).action(false)
	if err != nil {
		return nil, err
	}
	return filterNode{left: left, right: right, op: m[2]}, nil
}

// isTerminator reports whether r ends a field name or an identifier.
func isTerminator(r rune) bool {
	switch r {
	case eof, ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}':
		return true
	}
	return false
}

func isAlphaNumeric(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Relaxed turns the looser path forms kubectl accepts for --sort-by and
// custom columns ("metadata.name", ".metadata.name", "{metadata.name}",
// "{.metadata.name}") into a template ("{.metadata.name}"). An empty path
// stays empty.
func Relaxed(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	m := relaxedRe.FindStringSubmatch(path)
	if m == nil {
		return "", errors.New("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
	}
	field := m[1]
	if field == "" {
		field = m[2]
	}
	return "{." + field + "}", nil
}

var relaxedRe = regexp.MustCompile(`^\{\.?([^{}]+)\}$|^\.?([^{}]+)$`)
