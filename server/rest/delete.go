package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

// deleteOptions reads DeleteOptions from the body (optional) and the query.
func deleteOptions(r *http.Request) (registry.DeleteOptions, error) {
	var opts registry.DeleteOptions
	var do meta.DeleteOptions
	body, err := readBody(r)
	if err != nil {
		return opts, err
	}
	if len(bytes.TrimSpace(body)) > 0 {
		j, err := toJSON(body, mediaType(r))
		if err != nil {
			return opts, err
		}
		if err := json.Unmarshal(j, &do); err != nil {
			return opts, apierrors.NewBadRequest(fmt.Sprintf("the body of the request is not valid DeleteOptions: %v", err))
		}
	}
	q := r.URL.Query()
	if v := q.Get("gracePeriodSeconds"); v != "" {
		var g int64
		if _, err := fmt.Sscan(v, &g); err != nil {
			return opts, apierrors.NewBadRequest(fmt.Sprintf("gracePeriodSeconds: invalid value %q", v))
		}
		do.GracePeriodSeconds = &g
	}
	if v := q.Get("propagationPolicy"); v != "" {
		do.PropagationPolicy = &v
	}
	if p := do.PropagationPolicy; p != nil {
		switch *p {
		case meta.DeletePropagationOrphan, meta.DeletePropagationBackground, meta.DeletePropagationForeground:
		default:
			return opts, apierrors.NewInvalid("meta.k8s.io", "DeleteOptions", "", validation.ErrorList{
				validation.NotSupported("propagationPolicy", *p, []string{"Foreground", "Background", "Orphan"})})
		}
	}
	for _, v := range do.DryRun {
		if v != "All" {
			return opts, apierrors.NewBadRequest(fmt.Sprintf("dryRun: unsupported value %q: supported values: \"All\"", v))
		}
	}
	opts.DryRun = len(do.DryRun) > 0 || len(q["dryRun"]) > 0
	opts.GracePeriodSeconds = do.GracePeriodSeconds
	if pc := do.Preconditions; pc != nil {
		if pc.UID != nil {
			opts.UID = *pc.UID
		}
		if pc.ResourceVersion != nil {
			opts.ResourceVersion = *pc.ResourceVersion
		}
	}
	return opts, nil
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), false)
	if err != nil {
		writeStatus(w, err)
		return
	}
	opts, err := deleteOptions(r)
	if err != nil {
		writeStatus(w, err)
		return
	}
	o, _, err := store.Delete(r.Context(), t.namespace, t.name, opts)
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeObject(w, r, http.StatusOK, out, t.kind, o)
}

func (h *Handler) deleteCollection(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), false)
	if err != nil {
		writeStatus(w, err)
		return
	}
	q := r.URL.Query()
	sel, err := registry.ParseSelection(t.kind, q.Get("labelSelector"), q.Get("fieldSelector"))
	if err != nil {
		writeStatus(w, err)
		return
	}
	opts, err := deleteOptions(r)
	if err != nil {
		writeStatus(w, err)
		return
	}
	items, err := store.DeleteCollection(r.Context(), t.namespace, sel, opts)
	if err != nil {
		writeStatus(w, err)
		return
	}
	var rev int64
	for _, it := range items {
		rev = max(rev, it.Revision)
	}
	writeList(w, r, out, t.kind, &registry.ListResult{Items: items, Revision: rev})
}

func invalidField(field, detail string) validation.ErrorList {
	return validation.ErrorList{validation.Forbidden(field, detail)}
}
