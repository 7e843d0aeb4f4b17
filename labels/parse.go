package labels

import (
	"fmt"
	"strconv"
	"strings"

	"kctl.dev/kctl/api/validation"
)

// Parse parses a label selector in the syntax of the labelSelector= query
// parameter and returns it in canonical form (requirements sorted by key). The
// grammar is that of the Kubernetes API server:
//
//	selector    = [ requirement { "," requirement } ]
//	requirement = [ "!" ] KEY
//	            | KEY ( "=" | "==" | "!=" ) [ VALUE ]
//	            | KEY ( ">" | "<" ) INTEGER
//	            | KEY ( "in" | "notin" ) "(" [ VALUE ] { "," [ VALUE ] } ")"
//
// Spaces, tabs, CR and LF may surround any token. A missing value is the empty
// value, so "k=" requires k to be present with value "" and "k in (a,)" accepts
// "a" and "" (but, as in Kubernetes, "k in (a,,)" with two commas right before
// ")" is rejected). KEY is a qualified name (an optional DNS subdomain prefix and "/",
// then a name of at most 63 characters) and VALUE a label value; "in" and
// "notin" are keywords only where an operator is expected. The empty string (or
// only white space) selects everything.
//
// The error names the offending token and its byte offset, or the key or value
// that is invalid, e.g. `found "b" at offset 4, expected "," or end of string`;
// it does not repeat that it is about a label selector, which the caller says
// (the server answers "unable to parse requirement: ..." with 400 Bad Request).
func Parse(s string) (Selector, error) {
	p := parser{toks: lex(s)}
	reqs, err := p.parse()
	if err != nil {
		return nil, err
	}
	return newSelector(reqs), nil
}

type tokenKind uint8

const (
	tokEnd tokenKind = iota
	tokIdent
	tokIn    // the word "in"
	tokNotIn // the word "notin"
	tokComma
	tokOpen
	tokClose
	tokNot
	tokEq
	tokDoubleEq
	tokNotEq
	tokGT
	tokLT
)

type token struct {
	kind tokenKind
	text string
	pos  int // byte offset in the selector
}

// word reports whether t can be a key or a value: an identifier or one of the
// keywords, which are only special where an operator is expected.
func (t token) word() bool { return t.kind == tokIdent || t.kind == tokIn || t.kind == tokNotIn }

func (t token) describe() string {
	if t.kind == tokEnd {
		return fmt.Sprintf("end of string at offset %d", t.pos)
	}
	return fmt.Sprintf("%s at offset %d", strconv.Quote(t.text), t.pos)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSymbol(c byte) bool { return strings.IndexByte("=!(),<>", c) >= 0 }

// lex splits s into tokens, ending with tokEnd. Every byte that is neither
// white space nor a symbol belongs to a word; words are validated as keys or
// values by the parser.
func lex(s string) []token {
	var toks []token
	for i := 0; ; {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return append(toks, token{kind: tokEnd, pos: i})
		}
		start := i
		var kind tokenKind
		switch s[i] {
		case '=':
			kind, i = tokEq, i+1
			if i < len(s) && s[i] == '=' {
				kind, i = tokDoubleEq, i+1
			}
		case '!':
			kind, i = tokNot, i+1
			if i < len(s) && s[i] == '=' {
				kind, i = tokNotEq, i+1
			}
		case ',':
			kind, i = tokComma, i+1
		case '(':
			kind, i = tokOpen, i+1
		case ')':
			kind, i = tokClose, i+1
		case '<':
			kind, i = tokLT, i+1
		case '>':
			kind, i = tokGT, i+1
		default:
			for i < len(s) && !isSpace(s[i]) && !isSymbol(s[i]) {
				i++
			}
			switch s[start:i] {
			case "in":
				kind = tokIn
			case "notin":
				kind = tokNotIn
			default:
				kind = tokIdent
			}
		}
		toks = append(toks, token{kind: kind, text: s[start:i], pos: start})
	}
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEnd {
		p.i++
	}
	return t
}

func (p *parser) parse() ([]Requirement, error) {
	if p.peek().kind == tokEnd {
		return nil, nil
	}
	var reqs []Requirement
	for {
		r, err := p.requirement()
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
		switch t := p.next(); t.kind {
		case tokEnd:
			return reqs, nil
		case tokComma:
		default:
			return nil, fmt.Errorf(`found %s, expected "," or end of string`, t.describe())
		}
	}
}

var binaryOps = map[tokenKind]Operator{
	tokEq: Equals, tokDoubleEq: DoubleEquals, tokNotEq: NotEquals,
	tokGT: GreaterThan, tokLT: LessThan, tokIn: In, tokNotIn: NotIn,
}

func (p *parser) requirement() (Requirement, error) {
	t := p.next()
	if t.kind == tokNot {
		k := p.next()
		if !k.word() {
			return Requirement{}, fmt.Errorf(`found %s, expected a label key after "!"`, k.describe())
		}
		return newRequirement(k.text, DoesNotExist, nil)
	}
	if !t.word() {
		return Requirement{}, fmt.Errorf(`found %s, expected "!" or a label key`, t.describe())
	}
	key := t.text
	if msgs := validation.IsQualifiedName(key); len(msgs) > 0 {
		return Requirement{}, fmt.Errorf("invalid label key %q: %s", key, strings.Join(msgs, "; "))
	}
	if k := p.peek().kind; k == tokEnd || k == tokComma {
		return newRequirement(key, Exists, nil)
	}
	opTok := p.next()
	op, ok := binaryOps[opTok.kind]
	if !ok {
		return Requirement{}, fmt.Errorf(`found %s after key %q, expected one of "=", "==", "!=", "in", "notin", ">", "<", "," or end of string`, opTok.describe(), key)
	}
	var vals []string
	var err error
	if op == In || op == NotIn {
		vals, err = p.valueSet()
	} else {
		var v string
		v, err = p.exactValue()
		vals = []string{v}
	}
	if err != nil {
		return Requirement{}, err
	}
	return newRequirement(key, op, vals)
}

// exactValue reads the value after =, ==, !=, > or <; a missing value is "".
func (p *parser) exactValue() (string, error) {
	switch t := p.peek(); {
	case t.kind == tokEnd || t.kind == tokComma:
		return "", nil
	case t.word():
		p.next()
		return t.text, nil
	default:
		return "", fmt.Errorf("found %s, expected a value", t.describe())
	}
}

// valueSet reads "(v1,v2,...)" after in or notin. Empty elements are the empty
// value. It accepts exactly the lists the Kubernetes parser accepts, including
// that parser's quirk of rejecting two commas right before ")" ("(a,,)") while
// accepting one or three.
func (p *parser) valueSet() ([]string, error) {
	if t := p.next(); t.kind != tokOpen {
		return nil, fmt.Errorf(`found %s, expected "("`, t.describe())
	}
	switch t := p.peek(); {
	case t.kind == tokClose:
		p.next()
		return []string{""}, nil
	case t.word() || t.kind == tokComma:
	default:
		return nil, fmt.Errorf(`found %s, expected a value, "," or ")"`, t.describe())
	}
	var vals []string
	for {
		switch t := p.next(); {
		case t.word():
			vals = append(vals, t.text)
			switch n := p.peek(); n.kind {
			case tokComma:
			case tokClose:
				p.next()
				return vals, nil
			default:
				return nil, fmt.Errorf(`found %s, expected "," or ")"`, n.describe())
			}
		case t.kind == tokComma:
			if len(vals) == 0 {
				vals = append(vals, "") // "(,"
			}
			switch p.peek().kind {
			case tokClose: // ",)"
				p.next()
				return append(vals, ""), nil
			case tokComma: // ",,"
				p.next()
				vals = append(vals, "")
			}
		default:
			return nil, fmt.Errorf(`found %s, expected a value or ","`, t.describe())
		}
	}
}
