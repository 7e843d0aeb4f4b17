package rest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/server/registry"
)

// Field validation directives (the fieldValidation query parameter).
const (
	validateStrict = "Strict" // unknown or duplicate fields are a 400
	validateWarn   = "Warn"   // they are dropped, each answered with a Warning header
	validateIgnore = "Ignore" // they are dropped silently
)

// fieldValidation returns the request's directive; Warn when unset, as
// kube-apiserver does.
func fieldValidation(r *http.Request) string {
	if v := r.URL.Query().Get("fieldValidation"); v != "" {
		return v
	}
	return validateWarn
}

// fieldCheck is the field validation of one request: the problems found in a
// body, kept until the request is answered.
type fieldCheck struct {
	directive string
	kind      *registry.Kind
	// Problems found: `duplicate field "metadata.name"` in the body and
	// `unknown field "spec.x"` in the object (found anew on each attempt of a
	// patch).
	dups, unknowns []string
}

func newFieldCheck(r *http.Request, k *registry.Kind) *fieldCheck {
	return &fieldCheck{directive: fieldValidation(r), kind: k}
}

// duplicates records the duplicate fields of the JSON document body. Under
// Ignore nothing is scanned.
func (c *fieldCheck) duplicates(body []byte) {
	if c.directive == validateIgnore {
		return
	}
	for _, p := range duplicateFields(body) {
		c.dups = append(c.dups, "duplicate field "+strconv.Quote(p))
	}
}

// unknown drops the fields of obj that s does not declare and records them.
func (c *fieldCheck) unknown(s *schema.Schema, obj map[string]any) {
	c.unknowns = c.unknowns[:0]
	for _, p := range schema.Unknown(s, obj, true) {
		if c.directive != validateIgnore {
			c.unknowns = append(c.unknowns, "unknown field "+strconv.Quote(p))
		}
	}
}

// result is strict, then warn: the outcome of a body checked in one go.
func (c *fieldCheck) result(w http.ResponseWriter) error {
	if err := c.strict(); err != nil {
		return err
	}
	c.warn(w)
	return nil
}

// strict is, under Strict, a 400 BadRequest naming every problem, as
// kube-apiserver words it; nil otherwise.
func (c *fieldCheck) strict() error {
	if c.directive != validateStrict || len(c.dups)+len(c.unknowns) == 0 {
		return nil
	}
	gv, kind := kindOf(c.kind)
	problems := append(append([]string(nil), c.dups...), c.unknowns...)
	return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: strict decoding error: %s",
		kind, gv, kind, strings.Join(problems, ", ")))
}

// warn adds, under Warn, one Warning header per problem to w.
func (c *fieldCheck) warn(w http.ResponseWriter) {
	if c.directive != validateWarn {
		return
	}
	for _, p := range append(append([]string(nil), c.dups...), c.unknowns...) {
		w.Header().Add("Warning", "299 - "+strconv.Quote(p))
	}
}
