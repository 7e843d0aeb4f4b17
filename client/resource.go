package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"

	"kctl.dev/kctl/api/meta"
)

// GVR names a resource: its group ("" for the core group), version and plural.
type GVR struct{ Group, Version, Resource string }

func (g GVR) String() string {
	if g.Group == "" {
		return g.Version + "/" + g.Resource
	}
	return g.Group + "/" + g.Version + "/" + g.Resource
}

// ListOptions select and page a List, and start a Watch.
type ListOptions struct {
	LabelSelector        string
	FieldSelector        string
	ResourceVersion      string
	ResourceVersionMatch string
	Continue             string
	Limit                int64
	TimeoutSeconds       int64
	AllowWatchBookmarks  bool
	SendInitialEvents    bool
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("labelSelector", o.LabelSelector)
	set("fieldSelector", o.FieldSelector)
	set("resourceVersion", o.ResourceVersion)
	set("resourceVersionMatch", o.ResourceVersionMatch)
	set("continue", o.Continue)
	if o.Limit > 0 {
		q.Set("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.TimeoutSeconds > 0 {
		q.Set("timeoutSeconds", strconv.FormatInt(o.TimeoutSeconds, 10))
	}
	if o.AllowWatchBookmarks {
		q.Set("allowWatchBookmarks", "true")
	}
	if o.SendInitialEvents {
		q.Set("sendInitialEvents", "true")
	}
	return q
}

// List is the answer of a List call.
type List[T any] struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	Items         []T `json:"items"`
}

// WriteOptions apply to Create, Update, UpdateStatus and Patch.
type WriteOptions struct {
	DryRun       bool   // dryRun=All: validate and answer, store nothing
	FieldManager string // fieldManager=; required by ApplyPatch
}

func (o WriteOptions) query() url.Values {
	q := url.Values{}
	if o.DryRun {
		q.Set("dryRun", "All")
	}
	if o.FieldManager != "" {
		q.Set("fieldManager", o.FieldManager)
	}
	return q
}

// PatchType is the format of a patch; its value is the Content-Type sent.
type PatchType string

// Patch formats.
const (
	MergePatch          PatchType = "application/merge-patch+json"
	JSONPatch           PatchType = "application/json-patch+json"
	StrategicMergePatch PatchType = "application/strategic-merge-patch+json"
	ApplyPatch          PatchType = "application/apply-patch+yaml"
)

// Resource is a typed client of one resource. T is a pointer type whose
// element is a struct (or *unstructured.Unstructured): *corev1.Pod,
// *corev1.Node. NewResource finds T's element type by reflection once and
// allocates new objects from it; it panics if T is not a pointer.
//
// A Resource is immutable and safe for concurrent use; Namespace returns a
// copy scoped to another namespace.
type Resource[T meta.Object] struct {
	c          *Client
	gvr        GVR
	namespaced bool
	namespace  string
	elem       reflect.Type // T's element type
}

// NewResource returns a client of gvr. A namespaced resource starts in the
// Config's namespace.
func NewResource[T meta.Object](c *Client, gvr GVR, namespaced bool) *Resource[T] {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Pointer {
		panic(fmt.Sprintf("client.NewResource: %v is not a pointer type", t))
	}
	r := &Resource[T]{c: c, gvr: gvr, namespaced: namespaced, elem: t.Elem()}
	if namespaced {
		r.namespace = c.namespace
	}
	return r
}

// Namespace returns a copy of r in namespace ns; "" means all namespaces (for
// List, Watch and DeleteCollection; other calls then need one). Cluster-scoped
// resources ignore it.
func (r *Resource[T]) Namespace(ns string) *Resource[T] {
	cp := *r
	if r.namespaced {
		cp.namespace = ns
	}
	return &cp
}

// GVR returns the resource r serves.
func (r *Resource[T]) GVR() GVR { return r.gvr }

func (r *Resource[T]) newObject() T { return reflect.New(r.elem).Interface().(T) }

// path builds the URL path; ns "" on a namespaced resource means all namespaces.
func (r *Resource[T]) path(ns, name string, sub ...string) string {
	p := "/apis/" + r.gvr.Group + "/" + r.gvr.Version
	if r.gvr.Group == "" {
		p = "/api/" + r.gvr.Version
	}
	if r.namespaced && ns != "" {
		p += "/namespaces/" + url.PathEscape(ns)
	}
	p += "/" + r.gvr.Resource
	if name != "" {
		p += "/" + url.PathEscape(name)
	}
	for _, s := range sub {
		p += "/" + s
	}
	return p
}

// itemNamespace is the namespace for a call on one object.
func (r *Resource[T]) itemNamespace(objNS string) (string, error) {
	if !r.namespaced {
		return "", nil
	}
	ns := r.namespace
	if ns == "" {
		ns = objNS
	}
	if ns == "" {
		return "", fmt.Errorf("client: %s: a namespace is required", r.gvr)
	}
	return ns, nil
}

// call sends req and decodes the answer into out (unless out is nil).
func (r *Resource[T]) call(ctx context.Context, req Request, out any) error {
	resp, err := r.c.Do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("client: %s %s: decode: %w", req.Method, req.Path, err)
	}
	return nil
}

func (r *Resource[T]) callObject(ctx context.Context, req Request) (T, error) {
	obj := r.newObject()
	if err := r.call(ctx, req, obj); err != nil {
		var zero T
		return zero, err
	}
	return obj, nil
}

// Get returns the object named name.
func (r *Resource[T]) Get(ctx context.Context, name string) (T, error) {
	ns, err := r.itemNamespace("")
	if err != nil {
		var zero T
		return zero, err
	}
	return r.callObject(ctx, Request{Method: http.MethodGet, Path: r.path(ns, name)})
}

// List returns the objects opts selects: one page when opts.Limit is set
// (follow Continue for the next), else all of them.
func (r *Resource[T]) List(ctx context.Context, opts ListOptions) (*List[T], error) {
	var l List[T]
	if err := r.call(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: opts.query()}, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Create creates obj (in r's namespace, else obj's) and returns it as stored.
func (r *Resource[T]) Create(ctx context.Context, obj T, opts WriteOptions) (T, error) {
	return r.write(ctx, http.MethodPost, obj, "", opts)
}

// Update replaces the object; a resourceVersion in obj makes it conditional
// (IsConflict when stale).
func (r *Resource[T]) Update(ctx context.Context, obj T, opts WriteOptions) (T, error) {
	return r.write(ctx, http.MethodPut, obj, obj.GetName(), opts)
}

// UpdateStatus replaces the status subresource of the object.
func (r *Resource[T]) UpdateStatus(ctx context.Context, obj T, opts WriteOptions) (T, error) {
	return r.write(ctx, http.MethodPut, obj, obj.GetName(), opts, "status")
}

func (r *Resource[T]) write(ctx context.Context, method string, obj T, name string, opts WriteOptions, sub ...string) (T, error) {
	var zero T
	ns, err := r.itemNamespace(obj.GetNamespace())
	if err != nil {
		return zero, err
	}
	if method == http.MethodPut && name == "" {
		return zero, fmt.Errorf("client: %s: update of an object without a name", r.gvr)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return zero, fmt.Errorf("client: %s: encode: %w", r.gvr, err)
	}
	return r.callObject(ctx, Request{Method: method, Path: r.path(ns, name, sub...), Query: opts.query(), Body: body})
}

// Patch applies data, in format pt, to the object named name.
func (r *Resource[T]) Patch(ctx context.Context, name string, pt PatchType, data []byte, opts WriteOptions) (T, error) {
	ns, err := r.itemNamespace("")
	if err != nil {
		var zero T
		return zero, err
	}
	return r.callObject(ctx, Request{Method: http.MethodPatch, Path: r.path(ns, name), Query: opts.query(), Body: data, ContentType: string(pt)})
}

// Delete deletes the object named name. With a grace period or finalizers the
// object may still exist for a while.
func (r *Resource[T]) Delete(ctx context.Context, name string, opts meta.DeleteOptions) error {
	ns, err := r.itemNamespace("")
	if err != nil {
		return err
	}
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	return r.call(ctx, Request{Method: http.MethodDelete, Path: r.path(ns, name), Body: body}, nil)
}

// DeleteCollection deletes the objects listOpts selects.
func (r *Resource[T]) DeleteCollection(ctx context.Context, opts meta.DeleteOptions, listOpts ListOptions) error {
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	return r.call(ctx, Request{Method: http.MethodDelete, Path: r.path(r.namespace, ""), Query: listOpts.query(), Body: body}, nil)
}

func deleteBody(opts meta.DeleteOptions) ([]byte, error) {
	if opts.Kind == "" {
		opts.TypeMeta = meta.TypeMeta{Kind: "DeleteOptions", APIVersion: "v1"}
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return nil, fmt.Errorf("client: encode DeleteOptions: %w", err)
	}
	return b, nil
}
