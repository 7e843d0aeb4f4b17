package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
)

// FieldValidation is how the server treats unknown and duplicate fields in a
// write (the fieldValidation query parameter).
type FieldValidation string

// Field validation directives. The empty value sends none: the server's
// default (Warn) applies.
const (
	FieldValidationStrict FieldValidation = "Strict" // refuse with 400 BadRequest
	FieldValidationWarn   FieldValidation = "Warn"   // accept, with a Warning header
	FieldValidationIgnore FieldValidation = "Ignore" // drop silently
)

// ApplyOptions configure a server-side apply (Apply, ApplyPatch).
type ApplyOptions struct {
	// FieldManager names the applier (fieldManager=); required.
	FieldManager string
	// Force takes over the fields other managers own (force=true) instead of
	// failing with a 409 Conflict that lists them.
	Force bool
	// DryRun asks the server to check and answer without storing (dryRun=All).
	DryRun bool
	// FieldValidation is sent as fieldValidation= when not empty.
	FieldValidation FieldValidation
	// Compare reads the object before applying, so that the result tells an
	// apply that changed nothing (ApplyUnchanged) from one that did
	// (ApplyConfigured). Without it, an apply of an existing object is
	// reported as ApplyConfigured.
	Compare bool
}

func (o ApplyOptions) query() url.Values {
	q := WriteOptions{DryRun: o.DryRun, FieldManager: o.FieldManager}.query()
	if o.Force {
		q.Set("force", "true")
	} else {
		q.Set("force", "false")
	}
	if o.FieldValidation != "" {
		q.Set("fieldValidation", string(o.FieldValidation))
	}
	return q
}

// ApplyOutcome says what a server-side apply did, in kubectl's words.
type ApplyOutcome string

// Outcomes of an apply.
const (
	// ApplyCreated: the object did not exist; the server answered 201.
	ApplyCreated ApplyOutcome = "created"
	// ApplyConfigured: the object existed and the apply changed it (or, without
	// ApplyOptions.Compare, may have).
	ApplyConfigured ApplyOutcome = "configured"
	// ApplyUnchanged: the apply changed nothing. Outside a dry run, the
	// object's resourceVersion did not move; in a dry run (where the server
	// keeps the resourceVersion either way) the object answered equals the one
	// read before, apart from the times of its managedFields entries.
	ApplyUnchanged ApplyOutcome = "unchanged"
)

// ApplyResult is the answer of a server-side apply.
type ApplyResult[T meta.Object] struct {
	// Object is the object as the server stored it (or would have, in a dry
	// run).
	Object  T
	Outcome ApplyOutcome
}

// Apply applies obj by server-side apply: obj is the caller's whole intent
// for the fields it manages. The object is created when absent. obj must have
// its apiVersion, kind and name set; its namespace is used when r has none.
// A field owned by another manager with another value fails with a Conflict
// (errors.IsConflict) unless opts.Force is set.
func (r *Resource[T]) Apply(ctx context.Context, obj T, opts ApplyOptions) (ApplyResult[T], error) {
	body, err := json.Marshal(obj)
	if err != nil {
		return ApplyResult[T]{}, fmt.Errorf("client: %s: encode: %w", r.gvr, err)
	}
	if obj.GetName() == "" {
		return ApplyResult[T]{}, fmt.Errorf("client: %s: apply of an object without a name", r.gvr)
	}
	return r.applyIn(ctx, obj.GetNamespace(), obj.GetName(), body, opts)
}

// ApplyPatch applies data, the YAML or JSON of an apply configuration (with
// apiVersion and kind), to the object named name in r's namespace, as Apply
// does.
func (r *Resource[T]) ApplyPatch(ctx context.Context, name string, data []byte, opts ApplyOptions) (ApplyResult[T], error) {
	if name == "" {
		return ApplyResult[T]{}, fmt.Errorf("client: %s: apply of an object without a name", r.gvr)
	}
	return r.applyIn(ctx, "", name, data, opts)
}

func (r *Resource[T]) applyIn(ctx context.Context, objNS, name string, data []byte, opts ApplyOptions) (ApplyResult[T], error) {
	var res ApplyResult[T]
	if opts.FieldManager == "" {
		return res, fmt.Errorf("client: %s: server-side apply needs a field manager", r.gvr)
	}
	ns, err := r.itemNamespace(objNS)
	if err != nil {
		return res, err
	}
	scoped := r.Namespace(ns)
	var before T
	var existed bool
	if opts.Compare {
		before, err = scoped.Get(ctx, name)
		switch {
		case err == nil:
			existed = true
		case apierrors.IsNotFound(err):
		default:
			return res, err
		}
	}
	req := Request{Method: http.MethodPatch, Path: r.path(ns, name), Query: opts.query(), Body: data, ContentType: string(ApplyPatch)}
	resp, err := r.c.Do(ctx, req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	obj := r.newObject()
	raw, err := io.ReadAll(resp.Body)
	if err == nil {
		err = json.Unmarshal(raw, obj)
	}
	if err != nil {
		return res, fmt.Errorf("client: %s %s: decode: %w", req.Method, req.Path, err)
	}
	res.Object = obj
	switch {
	case resp.StatusCode == http.StatusCreated || opts.Compare && !existed:
		res.Outcome = ApplyCreated
	case !opts.Compare:
		res.Outcome = ApplyConfigured
	case opts.DryRun:
		res.Outcome = ApplyConfigured
		if same, err := sameApartFromManagedTimes(before, raw); err == nil && same {
			res.Outcome = ApplyUnchanged
		}
	case before.GetResourceVersion() == obj.GetResourceVersion():
		res.Outcome = ApplyUnchanged
	default:
		res.Outcome = ApplyConfigured
	}
	return res, nil
}

// sameApartFromManagedTimes compares before with the JSON after, ignoring the
// time of each managedFields entry.
func sameApartFromManagedTimes(before any, after []byte) (bool, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return false, err
	}
	x, err := unstructured.DecodeMap(b)
	if err != nil {
		return false, err
	}
	y, err := unstructured.DecodeMap(bytes.TrimSpace(after))
	if err != nil {
		return false, err
	}
	dropManagedTimes(x)
	dropManagedTimes(y)
	return reflect.DeepEqual(x, y), nil
}

func dropManagedTimes(obj map[string]any) {
	for _, e := range unstructured.NestedSlice(obj, "metadata", "managedFields") {
		if m, ok := e.(map[string]any); ok {
			delete(m, "time")
		}
	}
}

// CreateOptions are the options of CreateWithOptions.
type CreateOptions struct {
	WriteOptions
	// FieldValidation is sent as fieldValidation= when not empty.
	FieldValidation FieldValidation
}

// CreateWithOptions creates obj as Create does, with the field validation
// directive of opts (kubectl create sends Strict).
func (r *Resource[T]) CreateWithOptions(ctx context.Context, obj T, opts CreateOptions) (T, error) {
	var zero T
	ns, err := r.itemNamespace(obj.GetNamespace())
	if err != nil {
		return zero, err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return zero, fmt.Errorf("client: %s: encode: %w", r.gvr, err)
	}
	q := opts.WriteOptions.query()
	if opts.FieldValidation != "" {
		q.Set("fieldValidation", string(opts.FieldValidation))
	}
	return r.callObject(ctx, Request{Method: http.MethodPost, Path: r.path(ns, ""), Query: q, Body: body})
}

// IsApplyConflict reports whether err is the Conflict of a server-side apply
// that touched fields other managers own (rather than a stale resourceVersion).
func IsApplyConflict(err error) bool {
	var se *apierrors.StatusError
	if !errors.As(err, &se) || se.Status.Reason != meta.StatusReasonConflict {
		return false
	}
	if d := se.Status.Details; d != nil {
		for _, c := range d.Causes {
			if c.Type == meta.CauseTypeFieldManagerConflict {
				return true
			}
		}
	}
	return false
}
