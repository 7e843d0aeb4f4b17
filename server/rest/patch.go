package rest

import (
	"encoding/json"
	"fmt"
	"net/http"

	jsonpatch "github.com/evanphx/json-patch/v5"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/registry"
)

// Patch media types.
const (
	mergePatch     = "application/merge-patch+json"
	jsonPatch      = "application/json-patch+json"
	strategicPatch = "application/strategic-merge-patch+json"
	applyPatch     = "application/apply-patch+yaml"
)

// applyPatchTo returns current with the patch applied.
type patcher func(current []byte) ([]byte, error)

func newPatcher(mt string, body []byte) (patcher, error) {
	switch mt {
	case mergePatch:
		if !json.Valid(body) {
			return nil, apierrors.NewBadRequest("the merge patch is not valid JSON")
		}
		return func(cur []byte) ([]byte, error) {
			out, err := jsonpatch.MergePatch(cur, body)
			if err != nil {
				return nil, apierrors.NewBadRequest(fmt.Sprintf("applying the merge patch: %v", err))
			}
			return out, nil
		}, nil
	case jsonPatch:
		p, err := jsonpatch.DecodePatch(body)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the JSON patch is not valid: %v", err))
		}
		return func(cur []byte) ([]byte, error) {
			out, err := p.Apply(cur)
			if err != nil {
				return nil, apierrors.New(http.StatusUnprocessableEntity, "Invalid", fmt.Sprintf("the JSON patch could not be applied: %v", err))
			}
			return out, nil
		}, nil
	case strategicPatch, applyPatch:
		return nil, apierrors.NewUnsupportedMediaType(mt + " (not served yet: use application/merge-patch+json or application/json-patch+json)")
	}
	return nil, apierrors.NewUnsupportedMediaType(mt)
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
	apply, err := newPatcher(mediaType(r), body)
	if err != nil {
		writeStatus(w, err)
		return
	}
	gv, kind := kindOf(t.kind)
	o, _, err := store.GuaranteedUpdate(r.Context(), t.namespace, t.name,
		registry.UpdateOptions{WriteOptions: writeOptions(r), Subresource: t.subresource},
		func(cur *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			curJSON, err := json.Marshal(cur.Object)
			if err != nil {
				return nil, apierrors.NewInternalError(err)
			}
			patched, err := apply(curJSON)
			if err != nil {
				return nil, err
			}
			u, err := unstructured.Decode(patched)
			if err != nil {
				return nil, apierrors.NewBadRequest(fmt.Sprintf("the patched object is not valid: %v", err))
			}
			if err := checkTypeMeta(u, gv, kind); err != nil {
				return nil, err
			}
			return u, nil
		})
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeObject(w, r, http.StatusOK, out, t.kind, o)
}
