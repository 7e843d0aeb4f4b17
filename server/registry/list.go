package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/fields"
	"kctl.dev/kctl/labels"
	"kctl.dev/kctl/server/storage"
)

// Selection picks objects by labels and fields. Nil selectors select everything.
type Selection struct {
	Labels labels.Selector
	Fields fields.Selector
}

// Empty reports that the selection selects everything.
func (sel Selection) Empty() bool {
	return (sel.Labels == nil || sel.Labels.Empty()) && (sel.Fields == nil || sel.Fields.Empty())
}

// ParseSelection parses labelSelector and fieldSelector query values for k and
// checks the fields are selectable; errors are 400 BadRequest.
func ParseSelection(k *Kind, labelSelector, fieldSelector string) (Selection, error) {
	var sel Selection
	ls, err := labels.Parse(labelSelector)
	if err != nil {
		return sel, apierrors.NewBadRequest(fmt.Sprintf("unable to parse requirement: %v", err))
	}
	fs, err := fields.Parse(fieldSelector)
	if err != nil {
		return sel, apierrors.NewBadRequest(fmt.Sprintf("invalid field selector: %v", err))
	}
	if err := fields.Validate(fs, func(f string) bool { return selectable(k, f) }); err != nil {
		return sel, apierrors.NewBadRequest(err.Error())
	}
	return Selection{Labels: ls, Fields: fs}, nil
}

func selectable(k *Kind, field string) bool {
	if field == "metadata.name" || (field == "metadata.namespace" && k.Namespaced) {
		return true
	}
	_, ok := k.Fields[field]
	return ok
}

// objectFields reads the selectable fields of obj.
type objectFields struct {
	k   *Kind
	obj *unstructured.Unstructured
}

func (f objectFields) Has(field string) bool { return selectable(f.k, field) }

func (f objectFields) Get(field string) string {
	switch field {
	case "metadata.name":
		return f.obj.Name()
	case "metadata.namespace":
		return f.obj.Namespace()
	}
	if fn, ok := f.k.Fields[field]; ok {
		return fn(f.obj)
	}
	return ""
}

// Attributes are what selections look at: an object's labels and selectable
// fields. Caches keep these instead of decoded objects.
type Attributes struct {
	Labels labels.Set
	Fields fields.Set
}

// AttributesOf reads the labels and every selectable field of obj.
func AttributesOf(k *Kind, obj *unstructured.Unstructured) Attributes {
	f := fields.Set{"metadata.name": obj.Name()}
	if k.Namespaced {
		f["metadata.namespace"] = obj.Namespace()
	}
	for name, fn := range k.Fields {
		f[name] = fn(obj)
	}
	return Attributes{Labels: labels.Set(obj.Labels()), Fields: f}
}

// MatchesAttributes reports whether an object with attributes a is selected.
func (sel Selection) MatchesAttributes(a Attributes) bool {
	if sel.Labels != nil && !sel.Labels.Empty() && !sel.Labels.Matches(a.Labels) {
		return false
	}
	if sel.Fields != nil && !sel.Fields.Empty() && !sel.Fields.Matches(a.Fields) {
		return false
	}
	return true
}

// Matches reports whether obj, an object of k, is selected.
func (sel Selection) Matches(k *Kind, obj *unstructured.Unstructured) bool {
	if sel.Labels != nil && !sel.Labels.Empty() && !sel.Labels.Matches(labels.Set(obj.Labels())) {
		return false
	}
	if sel.Fields != nil && !sel.Fields.Empty() && !sel.Fields.Matches(objectFields{k, obj}) {
		return false
	}
	return true
}

// ListOptions shape a List, as the query parameters of the same names.
type ListOptions struct {
	Selection
	Limit                int64
	Continue             string
	ResourceVersion      string
	ResourceVersionMatch string
}

// ListResult is one page of a list.
type ListResult struct {
	Items []*Object
	// Revision is the revision of the snapshot the page was read from.
	Revision int64
	// Continue is set when more items remain.
	Continue string
	// Remaining counts the items after this page when it is known (no selector).
	Remaining *int64
}

type continueToken struct {
	Rev   int64  `json:"rv"`
	Start string `json:"start"`
}

func encodeContinue(rev int64, startKey string) string {
	b, _ := json.Marshal(continueToken{Rev: rev, Start: startKey})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeContinue(s string) (continueToken, error) {
	var t continueToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Rev <= 0 {
		return t, apierrors.NewBadRequest("continue key is not valid: the token is malformed")
	}
	return t, nil
}

// tooLargeWait is how long a read waits for a resourceVersion newer than the store's.
var tooLargeWait = 3 * time.Second

// List returns the objects of ns (all namespaces when "") selected by opts, one
// consistent snapshot across pages.
func (s *Store) List(ctx context.Context, ns string, opts ListOptions) (*ListResult, error) {
	prefix := s.Prefix(ns)
	sopts := storage.ListOptions{}
	match := opts.ResourceVersionMatch
	switch {
	case match != "" && opts.Continue != "":
		return nil, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", invalidMatch("resourceVersionMatch is forbidden when continue is provided"))
	case match != "" && opts.ResourceVersion == "":
		return nil, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", invalidMatch("resourceVersionMatch is forbidden unless resourceVersion is provided"))
	case match != "" && match != "Exact" && match != "NotOlderThan":
		return nil, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", invalidMatch(fmt.Sprintf("unsupported value %q: supported values: \"Exact\", \"NotOlderThan\"", match)))
	case opts.Continue != "" && opts.ResourceVersion != "" && opts.ResourceVersion != "0":
		return nil, apierrors.NewBadRequest("specifying resource version is not allowed when using continue")
	}
	if opts.Continue != "" {
		tok, err := decodeContinue(opts.Continue)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(tok.Start, prefix) {
			return nil, apierrors.NewBadRequest("continue key is not valid: it does not belong to this list")
		}
		sopts.Revision, sopts.StartKey = tok.Rev, tok.Start
	} else if opts.ResourceVersion != "" && opts.ResourceVersion != "0" {
		rv, err := strconv.ParseInt(opts.ResourceVersion, 10, 64)
		if err != nil || rv < 0 {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version %q", opts.ResourceVersion))
		}
		if match == "Exact" {
			sopts.Revision = rv
		} else if err := s.waitForRevision(ctx, rv); err != nil {
			return nil, err
		}
	}
	return s.list(ctx, prefix, sopts, opts)
}

func invalidMatch(detail string) validation.ErrorList {
	return validation.ErrorList{validation.Forbidden("resourceVersionMatch", detail)}
}

// waitForRevision waits until the store has reached rev, up to tooLargeWait,
// then answers 504 with a ResourceVersionTooLarge cause.
func (s *Store) waitForRevision(ctx context.Context, rev int64) error {
	deadline := time.Now().Add(tooLargeWait)
	tick := 10 * time.Millisecond
	for {
		cur, err := s.kv.Revision(ctx)
		if err != nil {
			return s.internal(err)
		}
		if cur >= rev {
			return nil
		}
		if time.Now().After(deadline) {
			e := apierrors.NewTimeout(fmt.Sprintf("Too large resource version: %d, current: %d", rev, cur), 1)
			e.Status.Details.Causes = []meta.StatusCause{{Type: meta.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}}
			return e
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(tick):
		}
	}
}

func (s *Store) list(ctx context.Context, prefix string, sopts storage.ListOptions, opts ListOptions) (*ListResult, error) {
	filter := !opts.Selection.Empty()
	res := &ListResult{}
	want := opts.Limit
	for {
		if want > 0 {
			sopts.Limit = want - int64(len(res.Items))
			if filter && sopts.Limit < 64 {
				sopts.Limit = 64 // read ahead: many keys may not match
			}
		}
		page, err := s.kv.List(ctx, prefix, sopts)
		if errors.Is(err, storage.ErrCompacted) {
			if opts.Continue != "" {
				return nil, s.expiredContinue(ctx, prefix, sopts.StartKey)
			}
			return nil, apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %d", sopts.Revision))
		}
		if errors.Is(err, storage.ErrFutureRevision) {
			return nil, apierrors.NewTimeout(fmt.Sprintf("Too large resource version: %d", sopts.Revision), 1)
		}
		if err != nil {
			return nil, s.internal(err)
		}
		res.Revision = page.Revision
		sopts.Revision = page.Revision
		for i, kv := range page.KVs {
			o := newObject(kv.Value, kv.ModRevision)
			if filter {
				u, err := o.Unstructured()
				if err != nil {
					return nil, s.internal(err)
				}
				if !opts.Selection.Matches(s.kind, u) {
					continue
				}
			}
			res.Items = append(res.Items, o)
			if want > 0 && int64(len(res.Items)) == want {
				more := page.More || i < len(page.KVs)-1
				if more {
					res.Continue = encodeContinue(page.Revision, kv.Key+"\x00")
					if !filter {
						rem := page.Remaining + int64(len(page.KVs)-1-i)
						res.Remaining = &rem
					}
				}
				return res, nil
			}
		}
		if !page.More || len(page.KVs) == 0 {
			return res, nil
		}
		sopts.StartKey = page.KVs[len(page.KVs)-1].Key + "\x00"
	}
}

// expiredContinue answers a continue whose snapshot was compacted: 410 Expired,
// with a token that continues from the same key at the latest revision for
// clients that accept an inconsistent list.
func (s *Store) expiredContinue(ctx context.Context, prefix, startKey string) error {
	e := apierrors.NewResourceExpired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
	if rev, err := s.kv.Revision(ctx); err == nil {
		e.Status.ListMeta.Continue = encodeContinue(rev, startKey)
	}
	return e
}
