// Package discovery serves the Kubernetes discovery endpoints of the kctl server:
// /version, the legacy documents (/api, /api/VERSION, /apis, /apis/GROUP,
// /apis/GROUP/VERSION) and aggregated discovery (apidiscovery.k8s.io/v2) on /api
// and /apis for clients that ask for it in Accept.
//
// Every document is encoded once per registry generation and served from memory
// with a strong ETag (a hash of the body); If-None-Match answers 304. When a kind
// is added to the registry the documents are rebuilt on the next request.
package discovery

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"kctl.dev/kctl/internal/httpcache"

	"kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/registry"
)

const (
	contentTypeJSON = "application/json"

	// cacheControl makes every cache revalidate before reuse: the documents change
	// when kinds are added at run time, and a revalidation costs one 304.
	cacheControl = "no-cache, private"

	// maxHostDocs bounds the per-Host cache of the plain /api document (its
	// serverAddressByClientCIDRs echoes the Host header); documents for further
	// hosts are encoded per request.
	maxHostDocs = 32
)

// Handler serves the discovery paths. Create it with New; it is safe for
// concurrent use.
type Handler struct {
	reg     *registry.Registry
	version *doc

	mu   sync.Mutex // serialises rebuilds
	snap atomic.Pointer[snapshot]
}

// New returns a Handler serving the kinds of reg and info on /version.
func New(reg *registry.Registry, info meta.Info) *Handler {
	h := &Handler{reg: reg}
	h.version = mustDoc(info, contentTypeJSON)
	return h
}

// doc is one encoded response.
type doc struct {
	body        []byte
	etag        string // quoted
	contentType string
}

func newDoc(v any, contentType string) (*doc, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &doc{
		body:        body,
		etag:        `"` + hex.EncodeToString(sum[:]) + `"`,
		contentType: contentType,
	}, nil
}

// mustDoc encodes documents built from plain structs of strings, slices and
// bools, which cannot fail to encode.
func mustDoc(v any, contentType string) *doc {
	d, err := newDoc(v, contentType)
	if err != nil {
		panic("discovery: encoding: " + err.Error())
	}
	return d
}

type groupVersion struct{ group, version string }

// snapshot holds every document of one registry generation.
type snapshot struct {
	gen          uint64
	coreVersions []string
	apisPlain    *doc
	apisAgg      *doc
	apiAgg       *doc
	groups       map[string]*doc       // /apis/GROUP
	resources    map[groupVersion]*doc // /api/V and /apis/G/V

	hostMu   sync.Mutex
	hostDocs map[string]*doc // plain /api by Host
}

// current returns the snapshot for the registry's current generation, building
// it when kinds were added since the last one.
func (h *Handler) current() *snapshot {
	gen := h.reg.Generation()
	if s := h.snap.Load(); s != nil && s.gen == gen {
		return s
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.snap.Load(); s != nil && s.gen == gen {
		return s
	}
	// gen was read before the kinds: a kind added meanwhile bumps the generation
	// again, and the next request rebuilds.
	s := build(gen, h.reg.Kinds())
	h.snap.Store(s)
	return s
}

func build(gen uint64, kinds []*registry.Kind) *snapshot {
	s := &snapshot{
		gen:       gen,
		groups:    map[string]*doc{},
		resources: map[groupVersion]*doc{},
		hostDocs:  map[string]*doc{},
	}

	// Group and version order follow registration order (the first version
	// registered for a group is its preferred one); resources are sorted.
	var groupOrder []string
	versions := map[string][]string{}
	byGV := map[groupVersion][]*registry.Kind{}
	for _, k := range kinds {
		if _, ok := versions[k.Group]; !ok {
			groupOrder = append(groupOrder, k.Group)
			versions[k.Group] = nil
		}
		gv := groupVersion{k.Group, k.Version}
		if _, ok := byGV[gv]; !ok {
			versions[k.Group] = append(versions[k.Group], k.Version)
		}
		byGV[gv] = append(byGV[gv], k)
	}
	for _, l := range byGV {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Resource < l[j].Resource })
	}

	// The core group always offers v1, even before any core kind is registered.
	s.coreVersions = versions[""]
	if len(s.coreVersions) == 0 {
		s.coreVersions = []string{"v1"}
	}
	for _, v := range s.coreVersions {
		gv := groupVersion{"", v}
		s.resources[gv] = mustDoc(resourceList(gv, byGV[gv]), contentTypeJSON)
	}
	s.apiAgg = mustDoc(&meta.APIGroupDiscoveryList{
		TypeMeta: aggregatedTypeMeta(),
		Items:    []meta.APIGroupDiscovery{groupDiscovery("", s.coreVersions, byGV)},
	}, meta.AggregatedDiscoveryContentType)

	groupList := meta.APIGroupList{
		TypeMeta: meta.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"},
		Groups:   []meta.APIGroup{},
	}
	agg := meta.APIGroupDiscoveryList{
		TypeMeta: aggregatedTypeMeta(),
		Items:    []meta.APIGroupDiscovery{},
	}
	for _, g := range groupOrder {
		if g == "" {
			continue
		}
		group := apiGroup(g, versions[g])
		groupList.Groups = append(groupList.Groups, group)
		group.TypeMeta = meta.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
		s.groups[g] = mustDoc(group, contentTypeJSON)
		agg.Items = append(agg.Items, groupDiscovery(g, versions[g], byGV))
		for _, v := range versions[g] {
			gv := groupVersion{g, v}
			s.resources[gv] = mustDoc(resourceList(gv, byGV[gv]), contentTypeJSON)
		}
	}
	s.apisPlain = mustDoc(groupList, contentTypeJSON)
	s.apisAgg = mustDoc(agg, meta.AggregatedDiscoveryContentType)
	return s
}

// apiDoc returns the plain /api document for a Host.
func (s *snapshot) apiDoc(host string) *doc {
	s.hostMu.Lock()
	d, ok := s.hostDocs[host]
	s.hostMu.Unlock()
	if ok {
		return d
	}
	d = mustDoc(&meta.APIVersions{
		TypeMeta: meta.TypeMeta{Kind: "APIVersions"},
		Versions: s.coreVersions,
		ServerAddressByClientCIDRs: []meta.ServerAddressByClientCIDR{
			{ClientCIDR: "0.0.0.0/0", ServerAddress: host},
		},
	}, contentTypeJSON)
	s.hostMu.Lock()
	if len(s.hostDocs) < maxHostDocs {
		s.hostDocs[host] = d
	}
	s.hostMu.Unlock()
	return d
}

func aggregatedTypeMeta() meta.TypeMeta {
	return meta.TypeMeta{
		Kind:       meta.AggregatedDiscoveryKind,
		APIVersion: meta.AggregatedDiscoveryGroup + "/" + meta.AggregatedDiscoveryVersion,
	}
}

func apiGroup(group string, versions []string) meta.APIGroup {
	g := meta.APIGroup{Name: group}
	for _, v := range versions {
		g.Versions = append(g.Versions, meta.GroupVersionForDiscovery{GroupVersion: group + "/" + v, Version: v})
	}
	g.PreferredVersion = g.Versions[0]
	return g
}

func resourceList(gv groupVersion, kinds []*registry.Kind) *meta.APIResourceList {
	name := gv.version
	if gv.group != "" {
		name = gv.group + "/" + gv.version
	}
	l := &meta.APIResourceList{
		TypeMeta:     meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: name,
		APIResources: []meta.APIResource{},
	}
	for _, k := range kinds {
		l.APIResources = append(l.APIResources, meta.APIResource{
			Name:         k.Resource,
			SingularName: k.Singular(),
			Namespaced:   k.Namespaced,
			Kind:         k.Kind,
			Verbs:        k.Verbs(),
			ShortNames:   clone(k.ShortNames),
			Categories:   clone(k.Categories),
		})
		for _, sub := range sortedSubresources(k) {
			l.APIResources = append(l.APIResources, meta.APIResource{
				Name:       k.Resource + "/" + sub.Name,
				Namespaced: k.Namespaced,
				Kind:       subKind(k, sub),
				Verbs:      verbs(sub.Verbs),
			})
		}
	}
	return l
}

func groupDiscovery(group string, versions []string, byGV map[groupVersion][]*registry.Kind) meta.APIGroupDiscovery {
	g := meta.APIGroupDiscovery{Metadata: meta.DiscoveryMeta{Name: group}}
	for _, v := range versions {
		vd := meta.APIVersionDiscovery{Version: v, Freshness: meta.DiscoveryFreshnessCurrent}
		for _, k := range byGV[groupVersion{group, v}] {
			vd.Resources = append(vd.Resources, resourceDiscovery(k))
		}
		g.Versions = append(g.Versions, vd)
	}
	return g
}

func resourceDiscovery(k *registry.Kind) meta.APIResourceDiscovery {
	scope := meta.ScopeCluster
	if k.Namespaced {
		scope = meta.ScopeNamespace
	}
	r := meta.APIResourceDiscovery{
		Resource:         k.Resource,
		ResponseKind:     &meta.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind},
		Scope:            scope,
		SingularResource: k.Singular(),
		Verbs:            k.Verbs(),
		ShortNames:       clone(k.ShortNames),
		Categories:       clone(k.Categories),
	}
	for _, sub := range sortedSubresources(k) {
		r.Subresources = append(r.Subresources, meta.APISubresourceDiscovery{
			Subresource:  sub.Name,
			ResponseKind: &meta.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: subKind(k, sub)},
			Verbs:        verbs(sub.Verbs),
		})
	}
	return r
}

func sortedSubresources(k *registry.Kind) []registry.Subresource {
	subs := append([]registry.Subresource(nil), k.Subresources...)
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].Name < subs[j].Name })
	return subs
}

// subKind is the kind a subresource answers with: its own, or the parent's.
func subKind(k *registry.Kind, sub registry.Subresource) string {
	if sub.Kind != "" {
		return sub.Kind
	}
	return k.Kind
}

func verbs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return clone(v)
}

func clone(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return append([]string(nil), l...)
}

// route is a parsed discovery path.
type route struct {
	kind    routeKind
	group   string
	version string
}

type routeKind int

const (
	routeVersion routeKind = iota + 1
	routeAPI
	routeAPIVersion
	routeAPIs
	routeGroup
	routeGroupVersion
)

func parsePath(path string) (route, bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	if path == "/version" {
		return route{kind: routeVersion}, true
	}
	var segs []string
	switch {
	case path == "/api":
		return route{kind: routeAPI}, true
	case path == "/apis":
		return route{kind: routeAPIs}, true
	case strings.HasPrefix(path, "/api/"):
		segs = strings.Split(path[len("/api/"):], "/")
		if len(segs) == 1 && segs[0] != "" {
			return route{kind: routeAPIVersion, version: segs[0]}, true
		}
	case strings.HasPrefix(path, "/apis/"):
		segs = strings.Split(path[len("/apis/"):], "/")
		for _, s := range segs {
			if s == "" {
				return route{}, false
			}
		}
		switch len(segs) {
		case 1:
			return route{kind: routeGroup, group: segs[0]}, true
		case 2:
			return route{kind: routeGroupVersion, group: segs[0], version: segs[1]}, true
		}
	}
	return route{}, false
}

// Handles reports whether path is a discovery path this handler answers:
// /version, /api, /api/VERSION, /apis, /apis/GROUP and /apis/GROUP/VERSION
// (unknown groups and versions included: they answer 404). Anything deeper, such
// as /api/v1/pods, is the caller's.
func (h *Handler) Handles(path string) bool {
	_, ok := parsePath(path)
	return ok
}

// ServeHTTP answers a discovery request. Paths Handles rejects answer 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := parsePath(r.URL.Path)
	if !ok {
		writeStatus(w, notFound())
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeStatus(w, errors.New(http.StatusMethodNotAllowed, meta.StatusReasonMethodNotAllowed,
			"the server does not allow this method on the requested resource"))
		return
	}

	var d *doc
	switch rt.kind {
	case routeVersion:
		d = h.version
	case routeAPI:
		s := h.current()
		if wantsAggregated(r.Header.Values("Accept")) {
			d = s.apiAgg
		} else {
			d = s.apiDoc(r.Host)
		}
	case routeAPIs:
		s := h.current()
		if wantsAggregated(r.Header.Values("Accept")) {
			d = s.apisAgg
		} else {
			d = s.apisPlain
		}
	case routeAPIVersion:
		d = h.current().resources[groupVersion{"", rt.version}]
	case routeGroup:
		d = h.current().groups[rt.group]
	case routeGroupVersion:
		d = h.current().resources[groupVersion{rt.group, rt.version}]
	}
	if d == nil {
		writeStatus(w, notFound())
		return
	}
	serve(w, r, d)
}

func serve(w http.ResponseWriter, r *http.Request, d *doc) {
	hdr := w.Header()
	hdr.Set("ETag", d.etag)
	hdr.Set("Cache-Control", cacheControl)
	hdr.Set("Vary", "Accept")
	if httpcache.ETagMatches(r.Header.Values("If-None-Match"), d.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", d.contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(d.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(d.body)
	}
}

func notFound() *errors.StatusError {
	e := errors.New(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource")
	e.Status.Details = &meta.StatusDetails{}
	return e
}

func writeStatus(w http.ResponseWriter, e *errors.StatusError) {
	body, err := json.Marshal(&e.Status)
	if err != nil {
		http.Error(w, e.Status.Message, int(e.Status.Code))
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(int(e.Status.Code))
	_, _ = w.Write(body)
}
