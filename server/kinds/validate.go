package kinds

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/validation"
)

// Name and value rules of Kubernetes that api/validation does not have.

const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?"

var (
	dns1035LabelRe = regexp.MustCompile("^" + dns1035LabelFmt + "$")
	configKeyRe    = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
	portNameRe     = regexp.MustCompile(`^[-a-z0-9]+$`)
	letterRe       = regexp.MustCompile(`[a-z]`)
)

// isDNS1035Label: lower case alphanumerics and '-', starting with a letter, at
// most 63 characters (service names).
func isDNS1035Label(s string) []string {
	var errs []string
	if len(s) > 63 {
		errs = append(errs, "must be no more than 63 characters")
	}
	if !dns1035LabelRe.MatchString(s) {
		errs = append(errs, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '"+dns1035LabelFmt+"')")
	}
	return errs
}

// isPathSegmentName: a name usable as one URL path segment (RBAC names).
func isPathSegmentName(s string) []string {
	switch s {
	case ".":
		return []string{"may not be '.'"}
	case "..":
		return []string{"may not be '..'"}
	}
	var errs []string
	for _, bad := range []string{"/", "%"} {
		if strings.Contains(s, bad) {
			errs = append(errs, fmt.Sprintf("may not contain '%s'", bad))
		}
	}
	return errs
}

// isConfigKey: a key of a config map or secret (a file name in a volume).
func isConfigKey(s string) []string {
	var errs []string
	if len(s) > 253 {
		errs = append(errs, "must be no more than 253 characters")
	}
	if !configKeyRe.MatchString(s) {
		errs = append(errs, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
	}
	switch {
	case s == ".":
		errs = append(errs, "must not be '.'")
	case s == "..":
		errs = append(errs, "must not be '..'")
	case strings.HasPrefix(s, ".."):
		errs = append(errs, "must not start with '..'")
	}
	return errs
}

// isPortName: an IANA service name (a named container or service port).
func isPortName(s string) []string {
	var errs []string
	if len(s) > 15 {
		errs = append(errs, "must be no more than 15 characters")
	}
	if !portNameRe.MatchString(s) {
		errs = append(errs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if strings.Contains(s, "--") {
		errs = append(errs, "must not contain consecutive hyphens")
	}
	if !letterRe.MatchString(s) {
		errs = append(errs, "must contain at least one letter (a-z)")
	}
	if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		errs = append(errs, "must not begin or end with a hyphen")
	}
	return errs
}

const portRangeMsg = "must be between 1 and 65535, inclusive"

func validPort(p int64) bool { return p >= 1 && p <= 65535 }

func isIP(s string) bool { return net.ParseIP(s) != nil }

// checkName appends one Invalid error per complaint of rule about value.
func checkName(errs validation.ErrorList, path, value string, rule func(string) []string) validation.ErrorList {
	for _, m := range rule(value) {
		errs = append(errs, validation.Invalid(path, value, m))
	}
	return errs
}

// checkEnum appends Required for "" or NotSupported for a value outside valid.
func checkEnum(errs validation.ErrorList, path, value string, valid ...string) validation.ErrorList {
	if value == "" {
		return append(errs, validation.Required(path, ""))
	}
	for _, v := range valid {
		if v == value {
			return errs
		}
	}
	return append(errs, validation.NotSupported(path, value, valid))
}

// notFound reports a reference to something that does not exist.
func notFound(path string, value any) *validation.Error {
	return &validation.Error{Type: meta.CauseTypeFieldValueNotFound, Field: path, BadValue: value}
}

// tooLong reports a value over its size limit.
func tooLong(path string, limit int) *validation.Error {
	return &validation.Error{Type: meta.CauseTypeFieldValueTooLong, Field: path,
		Detail: fmt.Sprintf("must have at most %d bytes", limit)}
}
