package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/fieldmanager"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/watchcache"
)

// Handler serves the resource paths of every registered kind.
type Handler struct {
	reg    *registry.Registry
	stores *registry.Stores
	caches *watchcache.Caches
	log    *slog.Logger
	// lifetime ends when the server shuts down: open watches end with it.
	lifetime context.Context
}

// New returns the handler of reg's kinds: reads and writes go to stores,
// watches and resourceVersion="0" lists to caches. Watches end with lifetime.
func New(lifetime context.Context, reg *registry.Registry, stores *registry.Stores, caches *watchcache.Caches, log *slog.Logger) *Handler {
	return &Handler{reg: reg, stores: stores, caches: caches, log: log, lifetime: lifetime}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, err := resolve(h.reg, r.URL.Path)
	if err != nil {
		writeStatus(w, err)
		return
	}
	q := r.URL.Query()
	if err := checkWriteParams(r); err != nil {
		writeStatus(w, err)
		return
	}
	store := h.stores.For(t.kind)
	switch {
	case r.Method == http.MethodGet && t.name == "":
		if isTrue(q.Get("watch")) {
			h.watch(w, r, t)
			return
		}
		h.list(w, r, store, t)
	case r.Method == http.MethodGet:
		if isTrue(q.Get("watch")) {
			h.watch(w, r, t)
			return
		}
		h.get(w, r, store, t)
	case r.Method == http.MethodPost && t.name == "" && (t.namespace != "" || !t.kind.Namespaced):
		h.create(w, r, store, t)
	case r.Method == http.MethodPost && t.subresource != "" && t.kind.Subresource(t.subresource).Create != nil:
		h.createSubresource(w, r, store, t)
	case r.Method == http.MethodPut && t.name != "" && h.updatable(t):
		h.update(w, r, store, t)
	case r.Method == http.MethodPatch && t.name != "" && h.updatable(t):
		h.patch(w, r, store, t)
	case r.Method == http.MethodDelete && t.name != "" && t.subresource == "":
		h.delete(w, r, store, t)
	case r.Method == http.MethodDelete && t.name == "":
		h.deleteCollection(w, r, store, t)
	default:
		writeStatus(w, apierrors.NewMethodNotSupported(t.kind.Group, t.kind.Resource, verbFor(r.Method)))
	}
}

// readContext is the request's context, ended also by the server's shutdown:
// a read waiting for a resourceVersion the server has not reached (up to a
// few seconds) must not hold the shutdown up. Writes keep the request's
// context, so that a write the server started is finished.
func (h *Handler) readContext(r *http.Request) (context.Context, func()) {
	ctx, cancel := context.WithCancel(r.Context())
	stop := context.AfterFunc(h.lifetime, cancel)
	return ctx, func() { stop(); cancel() }
}

func (h *Handler) updatable(t target) bool {
	return t.subresource == "" || (t.subresource == "status" && t.kind.Status)
}

func verbFor(method string) string {
	switch method {
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	case http.MethodPatch:
		return "patch"
	case http.MethodDelete:
		return "delete"
	}
	return method
}

func isTrue(v string) bool { return v == "true" || v == "1" }

// checkWriteParams validates the query parameters every write shares.
func checkWriteParams(r *http.Request) error {
	q := r.URL.Query()
	for _, v := range q["dryRun"] {
		if v != "All" {
			return apierrors.NewBadRequest(fmt.Sprintf("dryRun: unsupported value %q: supported values: \"All\"", v))
		}
	}
	switch v := q.Get("fieldValidation"); v {
	case "", "Strict", "Warn", "Ignore":
	default:
		return apierrors.NewBadRequest(fmt.Sprintf("fieldValidation: unsupported value %q: supported values: \"Ignore\", \"Warn\", \"Strict\"", v))
	}
	return nil
}

func isDryRun(r *http.Request) bool { return len(r.URL.Query()["dryRun"]) > 0 }

// writeOptions are the registry options of a write to t other than an apply:
// dry run, and the field ownership the write takes (an "Update" by the
// request's field manager).
func (h *Handler) writeOptions(r *http.Request, t target) (registry.WriteOptions, error) {
	if m := r.URL.Query().Get("fieldManager"); m != "" {
		if err := validateManager(m); err != nil {
			return registry.WriteOptions{}, err
		}
	}
	manager := managerName(r)
	req := fieldmanager.Request{Manager: manager, APIVersion: t.kind.GroupVersion(), Subresource: t.subresource,
		Time: time.Now(), ResetFields: t.kind.ResetFieldsOf(t.subresource), Empty: t.kind.Empty}
	s := t.kind.ObjectSchema()
	return registry.WriteOptions{
		DryRun: isDryRun(r),
		Manage: func(old, obj *unstructured.Unstructured) error {
			var before map[string]any
			if old != nil {
				before = old.Object
			}
			updated, err := fieldmanager.Update(before, obj.Object, s, req)
			if err != nil {
				return apierrors.NewInternalError(fmt.Errorf("recording managed fields: %w", err))
			}
			obj.Object = updated
			return nil
		},
	}, nil
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), true)
	if err != nil {
		writeStatus(w, err)
		return
	}
	if t.subresource != "" && t.subresource != "status" {
		writeStatus(w, apierrors.NewMethodNotSupported(t.kind.Group, t.kind.Resource+"/"+t.subresource, "get"))
		return
	}
	ctx, done := h.readContext(r)
	defer done()
	o, err := store.Get(ctx, t.namespace, t.name)
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeObject(w, r, http.StatusOK, out, t.kind, o)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), true)
	if err != nil {
		writeStatus(w, err)
		return
	}
	q := r.URL.Query()
	if q.Get("sendInitialEvents") != "" {
		writeStatus(w, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", invalidField("sendInitialEvents", "sendInitialEvents is forbidden for list")))
		return
	}
	sel, err := registry.ParseSelection(t.kind, q.Get("labelSelector"), q.Get("fieldSelector"))
	if err != nil {
		writeStatus(w, err)
		return
	}
	limit, err := parseInt(q.Get("limit"), "limit")
	if err != nil {
		writeStatus(w, err)
		return
	}
	if q.Get("resourceVersion") == "0" && q.Get("continue") == "" && q.Get("resourceVersionMatch") != "Exact" {
		h.listFromCache(w, r, out, t, sel)
		return
	}
	ctx, done := h.readContext(r)
	defer done()
	res, err := store.List(ctx, t.namespace, registry.ListOptions{
		Selection:            sel,
		Limit:                limit,
		Continue:             q.Get("continue"),
		ResourceVersion:      q.Get("resourceVersion"),
		ResourceVersionMatch: q.Get("resourceVersionMatch"),
	})
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeList(w, r, out, t.kind, res)
}

func parseInt(v, name string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apierrors.NewBadRequest(fmt.Sprintf("%s: invalid value %q: must be a non-negative integer", name, v))
	}
	return n, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), false)
	if err != nil {
		writeStatus(w, err)
		return
	}
	gv, kind := kindOf(t.kind)
	obj, err := decodeObject(w, r, gv, kind, t.kind.ObjectSchema(), newFieldCheck(r, t.kind))
	if err != nil {
		writeStatus(w, err)
		return
	}
	opts, err := h.writeOptions(r, t)
	if err != nil {
		writeStatus(w, err)
		return
	}
	o, err := store.Create(r.Context(), t.namespace, obj, opts)
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeObject(w, r, http.StatusCreated, out, t.kind, o)
}

func (h *Handler) createSubresource(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	sub := t.kind.Subresource(t.subresource)
	version := t.kind.GroupVersion()
	subSchema := sub.Schema
	if subSchema == nil {
		subSchema = schema.FreeForm()
	}
	body, err := decodeObject(w, r, version, sub.Kind, subSchema, newFieldCheck(r, t.kind))
	if err != nil {
		writeStatus(w, err)
		return
	}
	if n := body.Name(); n != "" && n != t.name {
		writeStatus(w, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, t.name)))
		return
	}
	_, _, err = store.GuaranteedUpdate(r.Context(), t.namespace, t.name, registry.UpdateOptions{WriteOptions: registry.WriteOptions{DryRun: isDryRun(r)}, Subresource: t.subresource},
		func(cur *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			if err := sub.Create(cur, body); err != nil {
				return nil, err
			}
			return cur, nil
		})
	if err != nil {
		writeStatus(w, err)
		return
	}
	st := meta.Status{TypeMeta: meta.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: meta.StatusSuccess, Code: http.StatusCreated}
	b, _ := json.Marshal(st)
	writeRaw(w, http.StatusCreated, "application/json", b)
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), false)
	if err != nil {
		writeStatus(w, err)
		return
	}
	gv, kind := kindOf(t.kind)
	obj, err := decodeObject(w, r, gv, kind, t.kind.ObjectSchema(), newFieldCheck(r, t.kind))
	if err != nil {
		writeStatus(w, err)
		return
	}
	if obj.Name() == "" {
		obj.SetName(t.name)
	}
	opts, err := h.writeOptions(r, t)
	if err != nil {
		writeStatus(w, err)
		return
	}
	o, err := store.Update(r.Context(), t.namespace, t.name, obj, registry.UpdateOptions{WriteOptions: opts, Subresource: t.subresource})
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeObject(w, r, http.StatusOK, out, t.kind, o)
}
