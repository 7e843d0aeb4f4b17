// Package openapi serves the OpenAPI documents of the registered kinds:
// /openapi/v3 (the index), /openapi/v3/api/v1 and /openapi/v3/apis/GROUP/VERSION
// (OpenAPI 3.0, one per group/version) and /openapi/v2 (Swagger 2.0, JSON only).
// kubectl needs them for create/apply with validation and for explain.
//
// Schemas are rendered from the kinds' registered schemas (api/schema), list and
// patch markers included. Documents are built once per
// registry generation and served encoded, with ETags and content hashes.
package openapi

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"sync"

	"kctl.dev/kctl/internal/httpcache"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/registry"
)

// Handler serves the OpenAPI documents of a registry.
type Handler struct {
	reg *registry.Registry

	mu    sync.Mutex
	built bool
	gen   uint64
	docs  *docs
}

// docs is one generation's encoded documents.
type docs struct {
	index *document            // /openapi/v3
	v3    map[string]*document // "api/v1", "apis/apps/v1"
	v2    *document            // /openapi/v2
}

// document is an encoded document and its hash.
type document struct {
	body []byte
	hash string // upper-case hex SHA-512 of body
}

func newDocument(v any) *document {
	b, err := json.Marshal(v)
	if err != nil {
		panic("openapi: encoding a document: " + err.Error()) // maps of plain values only
	}
	sum := sha512.Sum512(b)
	return &document{body: b, hash: strings.ToUpper(hex.EncodeToString(sum[:]))}
}

func (d *document) etag() string { return `"` + d.hash + `"` }

// New returns a handler for the kinds of reg; a kind without a schema gets an
// open one.
func New(reg *registry.Registry) *Handler {
	return &Handler{reg: reg}
}

// Handles reports whether path is one the handler serves.
func (h *Handler) Handles(path string) bool {
	return path == "/openapi/v2" || path == "/openapi/v3" || strings.HasPrefix(path, "/openapi/v3/")
}

// current returns the documents of the registry's current generation.
func (h *Handler) current() *docs {
	h.mu.Lock()
	defer h.mu.Unlock()
	gen := h.reg.Generation()
	if !h.built || gen != h.gen {
		h.docs = build(h.reg)
		h.gen, h.built = gen, true
	}
	return h.docs
}

// gvPath is the index key of a group/version: "api/v1" or "apis/apps/v1".
func gvPath(group, version string) string {
	if group == "" {
		return "api/" + version
	}
	return "apis/" + group + "/" + version
}

func build(reg *registry.Registry) *docs {
	d := &docs{v3: map[string]*document{}}
	kinds := reg.Kinds()
	type gv struct{ group, version string }
	var gvs []gv
	seen := map[gv]bool{}
	for _, k := range kinds {
		g := gv{k.Group, k.Version}
		if !seen[g] {
			seen[g] = true
			gvs = append(gvs, g)
		}
	}
	index := object{}
	for _, g := range gvs {
		doc := newDocument(buildSpec(reg.Resources(g.group, g.version), "#/components/schemas/").v3())
		p := gvPath(g.group, g.version)
		d.v3[p] = doc
		index[p] = object{"serverRelativeURL": "/openapi/v3/" + p + "?hash=" + doc.hash}
	}
	d.index = newDocument(object{"paths": index})
	d.v2 = newDocument(buildSpec(kinds, "#/definitions/").v2())
	return d
}

// ServeHTTP serves the index, the group/version documents and /openapi/v2.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.Handles(r.URL.Path) {
		writeStatus(w, http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeStatus(w, http.StatusMethodNotAllowed, meta.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource")
		return
	}
	if !acceptsJSON(r.Header.Values("Accept")) {
		writeStatus(w, http.StatusNotAcceptable, meta.StatusReasonNotAcceptable,
			"only the following media types are accepted: application/json")
		return
	}
	d := h.current()
	switch {
	case r.URL.Path == "/openapi/v2":
		serve(w, r, d.v2, false)
	case r.URL.Path == "/openapi/v3":
		serve(w, r, d.index, false)
	default:
		p := strings.TrimPrefix(r.URL.Path, "/openapi/v3/")
		doc, ok := d.v3[p]
		if !ok {
			writeStatus(w, http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource")
			return
		}
		hash := r.URL.Query().Get("hash")
		if hash != "" && hash != doc.hash {
			// A stale link: send the client to the current document, as
			// Kubernetes does.
			w.Header().Set("Cache-Control", "no-cache, private")
			http.Redirect(w, r, "/openapi/v3/"+p+"?hash="+doc.hash, http.StatusMovedPermanently)
			return
		}
		serve(w, r, doc, hash != "")
	}
}

// serve writes doc, or 304 when the client's copy is current.
func serve(w http.ResponseWriter, r *http.Request, doc *document, immutable bool) {
	hdr := w.Header()
	hdr.Set("ETag", doc.etag())
	hdr.Set("Vary", "Accept")
	if immutable {
		hdr.Set("Cache-Control", "public, immutable")
		hdr.Set("Expires", "Fri, 31 Dec 9999 23:59:59 GMT")
	} else {
		hdr.Set("Cache-Control", "no-cache, private")
	}
	if httpcache.ETagMatches(r.Header.Values("If-None-Match"), doc.etag()) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", "application/json")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = w.Write(doc.body)
}

// acceptsJSON reports whether an Accept header allows a JSON answer. No header
// accepts anything; a header naming only protobuf does not.
func acceptsJSON(values []string) bool {
	if len(values) == 0 {
		return true
	}
	named := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			named = true
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			if params["q"] == "0" || params["q"] == "0.0" {
				continue
			}
			switch mt {
			case "*/*", "application/*", "application/json":
				return true
			}
		}
	}
	return !named
}

func writeStatus(w http.ResponseWriter, code int, reason meta.StatusReason, msg string) {
	st := meta.Status{
		TypeMeta: meta.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   meta.StatusFailure,
		Message:  msg,
		Reason:   reason,
		Code:     int32(code),
	}
	b, _ := json.Marshal(st)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
