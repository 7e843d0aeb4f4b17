// Package validation holds field errors and the name and label rules of Kubernetes,
// shared by the server's kind registrations and by clients that validate before
// sending. A list of field errors becomes a 422 Invalid Status (see api/errors).
package validation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"kctl.dev/kctl/api/meta"
)

// Error is one invalid field.
type Error struct {
	Type     meta.CauseType
	Field    string
	BadValue any
	Detail   string
}

// Error renders the error as Kubernetes does: `field: Invalid value: "v": detail`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.ErrorBody())
	return b.String()
}

// ErrorBody is the message without the field path.
func (e *Error) ErrorBody() string {
	var s string
	switch e.Type {
	case meta.CauseTypeFieldValueRequired, meta.CauseTypeFieldValueForbidden, meta.CauseTypeFieldValueTooLong:
		s = typeText(e.Type)
	default:
		s = fmt.Sprintf("%s: %s", typeText(e.Type), valueText(e.BadValue))
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func typeText(t meta.CauseType) string {
	switch t {
	case meta.CauseTypeFieldValueNotFound:
		return "Not found"
	case meta.CauseTypeFieldValueRequired:
		return "Required value"
	case meta.CauseTypeFieldValueDuplicate:
		return "Duplicate value"
	case meta.CauseTypeFieldValueInvalid:
		return "Invalid value"
	case meta.CauseTypeFieldValueNotSupported:
		return "Unsupported value"
	case meta.CauseTypeFieldValueForbidden:
		return "Forbidden"
	case meta.CauseTypeFieldValueTooLong:
		return "Too long"
	}
	return string(t)
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case fmt.Stringer:
		return strconv.Quote(x.String())
	default:
		return fmt.Sprintf("%v", x)
	}
}

// ErrorList is a list of field errors.
type ErrorList []*Error

// Causes turns the list into Status causes.
func (l ErrorList) Causes() []meta.StatusCause {
	out := make([]meta.StatusCause, 0, len(l))
	for _, e := range l {
		out = append(out, meta.StatusCause{Type: e.Type, Message: e.ErrorBody(), Field: e.Field})
	}
	return out
}

// Error joins the errors as Kubernetes does: one alone, or "[a, b]".
func (l ErrorList) Error() string {
	if len(l) == 1 {
		return l[0].Error()
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Required reports a missing field.
func Required(field, detail string) *Error {
	return &Error{Type: meta.CauseTypeFieldValueRequired, Field: field, Detail: detail}
}

// Invalid reports a field whose value breaks a rule.
func Invalid(field string, value any, detail string) *Error {
	return &Error{Type: meta.CauseTypeFieldValueInvalid, Field: field, BadValue: value, Detail: detail}
}

// Forbidden reports a field that may not be set or changed.
func Forbidden(field, detail string) *Error {
	return &Error{Type: meta.CauseTypeFieldValueForbidden, Field: field, Detail: detail}
}

// Duplicate reports a value that must be unique.
func Duplicate(field string, value any) *Error {
	return &Error{Type: meta.CauseTypeFieldValueDuplicate, Field: field, BadValue: value}
}

// NotSupported reports a value outside an enumeration.
func NotSupported(field string, value any, valid []string) *Error {
	q := make([]string, len(valid))
	for i, v := range valid {
		q[i] = strconv.Quote(v)
	}
	return &Error{Type: meta.CauseTypeFieldValueNotSupported, Field: field, BadValue: value,
		Detail: "supported values: " + strings.Join(q, ", ")}
}

// Index appends [i] to a field path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Key appends [k] to a field path.
func Key(path, k string) string { return path + "[" + k + "]" }

const (
	dns1123LabelFmt     = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dns1123SubdomainFmt = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
)

var (
	dns1123LabelRe     = regexp.MustCompile("^" + dns1123LabelFmt + "$")
	dns1123SubdomainRe = regexp.MustCompile("^" + dns1123SubdomainFmt + "$")
	qualifiedNameRe    = regexp.MustCompile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
	labelValueRe       = regexp.MustCompile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
)

// IsDNS1123Label returns why s is not a lower-case RFC 1123 label (at most 63
// characters), or nothing.
func IsDNS1123Label(s string) []string {
	var errs []string
	if len(s) > 63 {
		errs = append(errs, "must be no more than 63 characters")
	}
	if !dns1123LabelRe.MatchString(s) {
		errs = append(errs, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '"+dns1123LabelFmt+"')")
	}
	return errs
}

// IsDNS1123Subdomain returns why s is not a lower-case RFC 1123 subdomain (at most
// 253 characters), or nothing.
func IsDNS1123Subdomain(s string) []string {
	var errs []string
	if len(s) > 253 {
		errs = append(errs, "must be no more than 253 characters")
	}
	if !dns1123SubdomainRe.MatchString(s) {
		errs = append(errs, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"+dns1123SubdomainFmt+"')")
	}
	return errs
}

// IsQualifiedName validates a label or annotation key: an optional DNS subdomain
// prefix and '/', then a name of at most 63 characters.
func IsQualifiedName(s string) []string {
	var errs []string
	name := s
	if i := strings.LastIndex(s, "/"); i >= 0 {
		prefix := s[:i]
		name = s[i+1:]
		if prefix == "" {
			errs = append(errs, "prefix part must be non-empty")
		} else {
			for _, m := range IsDNS1123Subdomain(prefix) {
				errs = append(errs, "prefix part "+m)
			}
		}
	}
	switch {
	case name == "":
		errs = append(errs, "name part must be non-empty")
	case len(name) > 63:
		errs = append(errs, "name part must be no more than 63 characters")
	case !qualifiedNameRe.MatchString(name):
		errs = append(errs, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")
	}
	return errs
}

// IsLabelValue validates a label value: empty, or at most 63 characters of
// alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric.
func IsLabelValue(s string) []string {
	var errs []string
	if len(s) > 63 {
		errs = append(errs, "must be no more than 63 characters")
	}
	if !labelValueRe.MatchString(s) {
		errs = append(errs, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")
	}
	return errs
}

// NameFunc validates an object's name and returns why it is not valid.
type NameFunc func(name string) []string

// ValidateLabels checks label keys and values under path.
func ValidateLabels(labels map[string]string, path string) ErrorList {
	var errs ErrorList
	for k, v := range labels {
		for _, m := range IsQualifiedName(k) {
			errs = append(errs, Invalid(path, k, m))
		}
		for _, m := range IsLabelValue(v) {
			errs = append(errs, Invalid(path, v, m))
		}
	}
	return errs
}

// ValidateAnnotations checks annotation keys and the total size (256 KiB).
func ValidateAnnotations(annotations map[string]string, path string) ErrorList {
	var errs ErrorList
	total := 0
	for k, v := range annotations {
		for _, m := range IsQualifiedName(strings.ToLower(k)) {
			errs = append(errs, Invalid(path, k, m))
		}
		total += len(k) + len(v)
	}
	if total > 256*1024 {
		errs = append(errs, &Error{Type: meta.CauseTypeFieldValueTooLong, Field: path, Detail: "may not be more than 262144 bytes"})
	}
	return errs
}
