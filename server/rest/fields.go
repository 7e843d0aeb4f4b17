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
	problems  []string // `unknown field "spec.x"`, `duplicate field "metadata.name"`
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
		c.problems = append(c.problems, "duplicate field "+strconv.Quote(p))
	}
}

// unknown drops the fields of obj that s does not declare and records them.
func (c *fieldCheck) unknown(s *schema.Schema, obj map[string]any) {
	for _, p := range schema.Unknown(s, obj, true) {
		if c.directive != validateIgnore {
			c.problems = append(c.problems, "unknown field "+strconv.Quote(p))
		}
	}
}

// result is the outcome once the body has been checked: under Strict any
// problem is a 400 BadRequest naming them all, as kube-apiserver words it;
// under Warn each becomes a Warning header of w.
func (c *fieldCheck) result(w http.ResponseWriter) error {
	if len(c.problems) == 0 {
		return nil
	}
	if c.directive == validateStrict {
		gv, kind := kindOf(c.kind)
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: strict decoding error: %s",
			kind, gv, kind, strings.Join(c.problems, ", ")))
	}
	for _, p := range c.problems {
		w.Header().Add("Warning", "299 - "+strconv.Quote(p))
	}
	return nil
}
