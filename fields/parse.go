package fields

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Parse parses a field selector in the syntax of the fieldSelector= query
// parameter and returns it in canonical form. As in the Kubernetes API server,
// the selector is a list of terms separated by commas, each one of
//
//	field=value  field==value  field!=value
//
// where the operator is the first "!=", "==" or "=" in the term and "==" means
// "=". In a value, "\\", "\," and "\=" stand for "\", "," and "="; any other
// backslash sequence, a trailing backslash or an unescaped "=" is an error. The
// field is taken as written (no white space is trimmed and it may be empty);
// Validate checks it against the fields a kind supports. Empty terms are
// skipped, so "" selects everything. A term without an operator is an error.
//
// The error names the offending term or value; it does not repeat that it is
// about a field selector, which the caller says (the server answers "invalid
// field selector: ..." with 400 Bad Request).
func Parse(s string) (Selector, error) {
	var reqs []Requirement
	for _, term := range splitTerms(s) {
		if term == "" {
			continue
		}
		field, op, raw, ok := splitTerm(term)
		if !ok {
			return nil, fmt.Errorf("can't understand %q: expected field=value, field==value or field!=value", term)
		}
		value, err := UnescapeValue(raw)
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", field, err)
		}
		if op == "==" {
			op = Equals
		}
		reqs = append(reqs, Requirement{Field: field, Operator: op, Value: value})
	}
	return newSelector(reqs), nil
}

// splitTerms splits s at the commas that are not escaped by a backslash.
func splitTerms(s string) []string {
	var terms []string
	start, escaped := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case escaped:
			escaped = false
		case s[i] == '\\':
			escaped = true
		case s[i] == ',':
			terms = append(terms, s[start:i])
			start = i + 1
		}
	}
	return append(terms, s[start:])
}

// splitTerm splits a term at its first operator; at any one position "!=" and
// "==" win over "=".
func splitTerm(term string) (field, op, value string, ok bool) {
	for i := 0; i < len(term); i++ {
		for _, op := range [...]string{"!=", "==", "="} {
			if strings.HasPrefix(term[i:], op) {
				return term[:i], op, term[i+len(op):], true
			}
		}
	}
	return "", "", "", false
}

var escaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`)

// EscapeValue escapes "\", "," and "=" in a value with a backslash so that it
// can be written in a field selector.
func EscapeValue(s string) string { return escaper.Replace(s) }

// UnescapeValue undoes EscapeValue. It fails on a backslash sequence other than
// "\\", "\," or "\=", on a trailing backslash and on an unescaped "," or "=".
func UnescapeValue(s string) (string, error) {
	if !strings.ContainsAny(s, `\,=`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", fmt.Errorf(`invalid escape sequence: trailing "\" in %q`, s)
			}
			i++
			switch n := s[i]; n {
			case '\\', ',', '=':
				b.WriteByte(n)
			default:
				_, size := utf8.DecodeRuneInString(s[i:])
				return "", fmt.Errorf("invalid escape sequence %q in %q", s[i-1:i+size], s)
			}
		case ',', '=':
			return "", fmt.Errorf("unescaped %q in %q (write \\%c)", c, s, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
