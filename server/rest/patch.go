package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"sigs.k8s.io/yaml"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/internal/jsonenc"
	"kctl.dev/kctl/server/fieldmanager"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/strategicpatch"
)

// Patch media types.
const (
	mergePatch     = "application/merge-patch+json"
	jsonPatch      = "application/json-patch+json"
	strategicPatch = "application/strategic-merge-patch+json"
	applyPatch     = "application/apply-patch+yaml"
)

// patcher returns current with a patch applied.
type patcher func(current map[string]any) (map[string]any, error)

// newPatcher parses a patch body of media type mt; s describes the kind.
func newPatcher(mt string, body []byte, s *schema.Schema) (patcher, error) {
	switch mt {
	case mergePatch:
		if !json.Valid(body) {
			return nil, apierrors.NewBadRequest("the merge patch is not valid JSON")
		}
		return bytesPatcher(func(cur []byte) ([]byte, error) {
			out, err := jsonpatch.MergePatch(cur, body)
			if err != nil {
				return nil, apierrors.NewBadRequest(fmt.Sprintf("applying the merge patch: %v", err))
			}
			return out, nil
		}), nil
	case jsonPatch:
		p, err := jsonpatch.DecodePatch(body)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the JSON patch is not valid: %v", err))
		}
		return bytesPatcher(func(cur []byte) ([]byte, error) {
			out, err := p.Apply(cur)
			if err != nil {
				return nil, apierrors.New(http.StatusUnprocessableEntity, meta.StatusReasonInvalid, fmt.Sprintf("the JSON patch could not be applied: %v", err))
			}
			return out, nil
		}), nil
	case strategicPatch:
		p, err := unstructured.DecodeMap(body)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the strategic merge patch is not a valid JSON object: %v", err))
		}
		return func(cur map[string]any) (map[string]any, error) {
			out, err := strategicpatch.Apply(cur, p, s)
			if err != nil {
				return nil, apierrors.NewBadRequest(fmt.Sprintf("the strategic merge patch could not be applied: %v", err))
			}
			return out, nil
		}, nil
	}
	return nil, apierrors.NewUnsupportedMediaType(mt)
}

// bytesPatcher adapts a patch over JSON documents.
func bytesPatcher(apply func([]byte) ([]byte, error)) patcher {
	return func(cur map[string]any) (map[string]any, error) {
		b, err := jsonenc.Marshal(cur)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		patched, err := apply(b)
		if err != nil {
			return nil, err
		}
		out, err := unstructured.DecodeMap(patched)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the patched object is not a valid JSON object: %v", err))
		}
		return out, nil
	}
}

func (h *Handler) patch(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), false)
	if err != nil {
		writeStatus(w, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeStatus(w, err)
		return
	}
	mt := mediaType(r)
	if mt == applyPatch {
		h.apply(w, r, store, t, out, body)
		return
	}
	if r.URL.Query().Get("force") != "" {
		writeStatus(w, invalidPatchOptions(validation.Forbidden("force", "may not be specified for non-apply patch")))
		return
	}
	s := t.kind.ObjectSchema()
	apply, err := newPatcher(mt, body, s)
	if err != nil {
		writeStatus(w, err)
		return
	}
	check := newFieldCheck(r, t.kind)
	if mt != jsonPatch {
		check.duplicates(body)
	}
	opts, err := h.writeOptions(r, t)
	if err != nil {
		writeStatus(w, err)
		return
	}
	gv, kind := kindOf(t.kind)
	o, _, err := store.GuaranteedUpdate(r.Context(), t.namespace, t.name,
		registry.UpdateOptions{WriteOptions: opts, Subresource: t.subresource},
		func(cur *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			patched, err := apply(cur.Object)
			if err != nil {
				return nil, err
			}
			u := &unstructured.Unstructured{Object: patched}
			if err := checkTypeMeta(u, gv, kind); err != nil {
				return nil, err
			}
			check.unknown(s, u.Object)
			if err := check.strict(); err != nil {
				return nil, err
			}
			return u, nil
		})
	if err != nil {
		writeStatus(w, err)
		return
	}
	check.warn(w)
	writeObject(w, r, http.StatusOK, out, t.kind, o)
}

// apply serves server-side apply: the body is the caller's whole intent for
// the fields it manages, merged into the object (created when absent) with
// ownership recorded per field manager.
func (h *Handler) apply(w http.ResponseWriter, r *http.Request, store *registry.Store, t target, out output, body []byte) {
	q := r.URL.Query()
	manager := q.Get("fieldManager")
	if manager == "" {
		writeStatus(w, invalidPatchOptions(validation.Required("fieldManager", "is required for apply patch")))
		return
	}
	if err := validateManager(manager); err != nil {
		writeStatus(w, err)
		return
	}
	var force bool
	switch v := q.Get("force"); v {
	case "", "false", "0":
	case "true", "1":
		force = true
	default:
		writeStatus(w, apierrors.NewBadRequest(fmt.Sprintf("force: invalid value %q: must be true or false", v)))
		return
	}
	j, err := yaml.YAMLToJSON(body)
	if err != nil {
		writeStatus(w, apierrors.NewBadRequest(fmt.Sprintf("the apply patch is not valid YAML: %v", err)))
		return
	}
	applied, err := unstructured.DecodeMap(j)
	if err != nil {
		writeStatus(w, apierrors.NewBadRequest(fmt.Sprintf("the apply patch is not a YAML or JSON object: %v", err)))
		return
	}
	gv, kind := kindOf(t.kind)
	cfg := &unstructured.Unstructured{Object: applied}
	if cfg.APIVersion() != gv || cfg.Kind() != kind {
		writeStatus(w, apierrors.NewBadRequest(fmt.Sprintf("the apply patch must have apiVersion %q and kind %q, not %q and %q", gv, kind, cfg.APIVersion(), cfg.Kind())))
		return
	}
	if md, ok := applied["metadata"]; ok && md != nil {
		if _, ok := md.(map[string]any); !ok {
			writeStatus(w, apierrors.NewBadRequest("metadata must be a JSON object"))
			return
		}
	}
	if n := cfg.Name(); n != t.name {
		writeStatus(w, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, t.name)))
		return
	}
	s := t.kind.ObjectSchema()
	check := newFieldCheck(r, t.kind)
	check.duplicates(j)
	check.unknown(s, applied)
	if err := check.strict(); err != nil {
		writeStatus(w, err)
		return
	}
	req := fieldmanager.Request{Manager: manager, APIVersion: gv, Kind: kind, Subresource: t.subresource,
		Time: time.Now(), ResetFields: t.kind.ResetFieldsOf(t.subresource), Empty: t.kind.Empty}
	opts := registry.WriteOptions{DryRun: isDryRun(r)}
	merge := func(cur map[string]any) (*unstructured.Unstructured, error) {
		merged, err := fieldmanager.Apply(cur, applied, s, req, force)
		if err != nil {
			return nil, applyError(err)
		}
		return &unstructured.Unstructured{Object: merged}, nil
	}
	for {
		o, _, err := store.GuaranteedUpdate(r.Context(), t.namespace, t.name,
			registry.UpdateOptions{WriteOptions: opts, Subresource: t.subresource},
			func(cur *unstructured.Unstructured) (*unstructured.Unstructured, error) { return merge(cur.Object) })
		if err == nil {
			check.warn(w)
			writeObject(w, r, http.StatusOK, out, t.kind, o)
			return
		}
		if !apierrors.IsNotFound(err) || t.subresource != "" {
			writeStatus(w, err)
			return
		}
		// Absent: the apply creates the object.
		obj, err := merge(nil)
		if err != nil {
			writeStatus(w, err)
			return
		}
		o, err = store.Create(r.Context(), t.namespace, obj, opts)
		if apierrors.IsAlreadyExists(err) {
			continue // created meanwhile: apply to it
		}
		if err != nil {
			writeStatus(w, err)
			return
		}
		check.warn(w)
		writeObject(w, r, http.StatusCreated, out, t.kind, o)
		return
	}
}

// applyError turns a field manager error into a Status: conflicts are 409
// Conflict with one cause per field, anything else a 400.
func applyError(err error) error {
	var c *fieldmanager.Conflicts
	if errors.As(err, &c) {
		se := apierrors.New(http.StatusConflict, meta.StatusReasonConflict, c.Error())
		se.Status.Details = &meta.StatusDetails{}
		for _, it := range c.Items {
			se.Status.Details.Causes = append(se.Status.Details.Causes, meta.StatusCause{
				Type: "FieldManagerConflict", Message: fmt.Sprintf("conflict with %q", it.Manager), Field: it.Field,
			})
		}
		return se
	}
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return se
	}
	return apierrors.NewBadRequest(err.Error())
}

func invalidPatchOptions(errs ...*validation.Error) error {
	return apierrors.NewInvalid("meta.k8s.io", "PatchOptions", "", validation.ErrorList(errs))
}

// validateManager checks a fieldManager parameter as kube-apiserver does:
// at most 128 bytes, printable characters only. A name taken from the
// User-Agent is never checked: managerName makes it valid.
func validateManager(m string) error {
	if len(m) > maxManagerLen {
		return invalidPatchOptions(validation.Invalid("fieldManager", m, "must be no more than 128 characters"))
	}
	for _, c := range m {
		if !unicode.IsPrint(c) {
			return invalidPatchOptions(validation.Invalid("fieldManager", m, "must only contain printable characters"))
		}
	}
	return nil
}

// maxManagerLen is the longest field manager name, in bytes.
const maxManagerLen = 128

// managerName is the field manager of a write that is not an apply: the
// fieldManager parameter, else the client's name from its User-Agent
// ("kubectl/v1.32.0 (linux/amd64) ..." -> "kubectl"), as kube-apiserver names
// it: what precedes the first '/', without its unprintable characters, cut to
// 128 bytes at a character boundary.
func managerName(r *http.Request) string {
	if m := r.URL.Query().Get("fieldManager"); m != "" {
		return m
	}
	ua, _, _ := strings.Cut(r.Header.Get("User-Agent"), "/")
	var b strings.Builder
	for _, c := range ua {
		if !unicode.IsPrint(c) {
			continue
		}
		if b.Len()+utf8.RuneLen(c) > maxManagerLen {
			break
		}
		b.WriteRune(c)
	}
	return b.String()
}
