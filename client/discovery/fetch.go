package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
)

// acceptDiscovery asks /api and /apis for aggregated discovery, v2 then
// v2beta1 (servers before Kubernetes 1.30), else the legacy documents: the
// header kubectl sends.
const acceptDiscovery = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," +
	"application/json"

// maxParallel bounds the legacy group/version requests in flight at once.
const maxParallel = 8

// gvKey names a group/version; "" group is the core group.
type gvKey struct{ group, version string }

// String is the apiVersion form: "v1", "apps/v1".
func (g gvKey) String() string {
	if g.group == "" {
		return g.version
	}
	return g.group + "/" + g.version
}

// groupInfo is one API group as discovery lists it.
type groupInfo struct {
	name      string
	versions  []string // in the server's order
	preferred string
}

// snapshot is everything discovery said at one time.
type snapshot struct {
	groups    []groupInfo                     // core group first, then the server's order
	order     []gvKey                         // lookup priority: by group, preferred version first
	resources map[gvKey]*meta.APIResourceList // subresources included, as cached on disk
	failed    map[gvKey]error                 // group/versions the server could not describe
}

func newSnapshot(groups []groupInfo) *snapshot {
	s := &snapshot{resources: map[gvKey]*meta.APIResourceList{}, failed: map[gvKey]error{}}
	seen := map[string]bool{}
	for _, g := range groups {
		if seen[g.name] || len(g.versions) == 0 {
			continue
		}
		seen[g.name] = true
		if g.preferred == "" || !slices.Contains(g.versions, g.preferred) {
			g.preferred = g.versions[0]
		}
		s.groups = append(s.groups, g)
	}
	// The core group comes first whatever the order it was read in (kubectl
	// puts core/v1 first).
	slices.SortStableFunc(s.groups, func(a, b groupInfo) int {
		switch {
		case a.name == "" && b.name != "":
			return -1
		case a.name != "" && b.name == "":
			return 1
		}
		return 0
	})
	for _, g := range s.groups {
		s.order = append(s.order, gvKey{g.name, g.preferred})
		for _, v := range g.versions {
			if v != g.preferred {
				s.order = append(s.order, gvKey{g.name, v})
			}
		}
	}
	return s
}

// groupsFromList reads the groups of an APIGroupList.
func groupsFromList(l []meta.APIGroup) []groupInfo {
	out := make([]groupInfo, 0, len(l))
	for _, g := range l {
		gi := groupInfo{name: g.Name, preferred: g.PreferredVersion.Version}
		for _, v := range g.Versions {
			if v.Version != "" && !slices.Contains(gi.versions, v.Version) {
				gi.versions = append(gi.versions, v.Version)
			}
		}
		out = append(out, gi)
	}
	return out
}

// apiGroups returns the groups for servergroups.json: only the group/versions
// whose resources are known, so that a version the server failed to describe is
// not asked for on every run (a miss refetches everything anyway).
func (s *snapshot) apiGroups() []meta.APIGroup {
	out := []meta.APIGroup{}
	for _, g := range s.groups {
		ag := meta.APIGroup{Name: g.name}
		for _, v := range g.versions {
			gv := gvKey{g.name, v}
			if _, ok := s.resources[gv]; !ok {
				continue
			}
			gfd := meta.GroupVersionForDiscovery{GroupVersion: gv.String(), Version: v}
			ag.Versions = append(ag.Versions, gfd)
			if v == g.preferred {
				ag.PreferredVersion = gfd
			}
		}
		if len(ag.Versions) == 0 {
			continue
		}
		if ag.PreferredVersion.Version == "" {
			ag.PreferredVersion = ag.Versions[0]
		}
		out = append(out, ag)
	}
	return out
}

// root is what /api or /apis said: the groups, with their resources when the
// answer was aggregated (nil resources: ask each group/version).
type root struct {
	groups    []groupInfo
	resources map[gvKey]*meta.APIResourceList
	failed    map[gvKey]error
}

// fetch asks the server for everything.
func (c *Cache) fetch(ctx context.Context) (*snapshot, error) {
	core, err := c.fetchRoot(ctx, "/api")
	if err != nil {
		// A server without the legacy core group answers 404: tolerated.
		if apierrors.CodeFor(err) != http.StatusNotFound {
			return nil, err
		}
		core = root{}
	}
	apis, err := c.fetchRoot(ctx, "/apis")
	if err != nil {
		return nil, err
	}
	s := newSnapshot(append(slices.Clone(core.groups), apis.groups...))
	var need []gvKey
	for _, r := range []root{core, apis} {
		if r.resources == nil {
			for _, g := range r.groups {
				for _, v := range g.versions {
					need = append(need, gvKey{g.name, v})
				}
			}
			continue
		}
		for gv, rl := range r.resources {
			s.resources[gv] = rl
		}
		for gv, err := range r.failed {
			s.failed[gv] = err
			c.warn(err)
		}
	}
	if err := c.fetchGroupVersions(ctx, s, need); err != nil {
		return nil, err
	}
	return s, nil
}

// fetchRoot GETs /api or /apis, aggregated if the server can.
func (c *Cache) fetchRoot(ctx context.Context, path string) (root, error) {
	resp, err := c.client.Do(ctx, client.Request{Method: http.MethodGet, Path: path, Accept: acceptDiscovery})
	if err != nil {
		return root{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return root{}, fmt.Errorf("discovery: GET %s: %w", path, err)
	}
	var tm meta.TypeMeta
	_ = json.Unmarshal(body, &tm)
	if isAggregated(resp.Header.Get("Content-Type"), tm) {
		var l meta.APIGroupDiscoveryList
		if err := json.Unmarshal(body, &l); err != nil {
			return root{}, fmt.Errorf("discovery: GET %s: decode: %w", path, err)
		}
		return fromAggregated(l), nil
	}
	if path == "/api" {
		var v meta.APIVersions
		if err := json.Unmarshal(body, &v); err != nil {
			return root{}, fmt.Errorf("discovery: GET %s: decode: %w", path, err)
		}
		return root{groups: []groupInfo{{name: "", versions: v.Versions}}}, nil
	}
	var gl meta.APIGroupList
	if err := json.Unmarshal(body, &gl); err != nil {
		return root{}, fmt.Errorf("discovery: GET %s: decode: %w", path, err)
	}
	return root{groups: groupsFromList(gl.Groups)}, nil
}

// isAggregated tells an aggregated discovery answer: by its Content-Type
// parameters, or by its kind when a proxy dropped them.
func isAggregated(contentType string, tm meta.TypeMeta) bool {
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if params["g"] == meta.AggregatedDiscoveryGroup && params["as"] == meta.AggregatedDiscoveryKind &&
			(params["v"] == "v2" || params["v"] == "v2beta1") {
			return true
		}
	}
	return tm.Kind == meta.AggregatedDiscoveryKind && strings.HasPrefix(tm.APIVersion, meta.AggregatedDiscoveryGroup+"/")
}

// fromAggregated turns an aggregated document into groups and the resource
// lists kubectl caches. Stale versions are failures; resources without a
// response kind are left out, as client-go does.
func fromAggregated(l meta.APIGroupDiscoveryList) root {
	r := root{resources: map[gvKey]*meta.APIResourceList{}, failed: map[gvKey]error{}}
	for _, item := range l.Items {
		g := groupInfo{name: item.Metadata.Name}
		for _, v := range item.Versions {
			if v.Version == "" || slices.Contains(g.versions, v.Version) {
				continue
			}
			g.versions = append(g.versions, v.Version)
			gv := gvKey{g.name, v.Version}
			if v.Freshness == meta.DiscoveryFreshnessStale {
				r.failed[gv] = fmt.Errorf("couldn't get resource list for %s: stale GroupVersion discovery", gv)
				continue
			}
			r.resources[gv] = resourceList(gv, v.Resources)
		}
		if len(g.versions) > 0 {
			g.preferred = g.versions[0] // the first version is the preferred one
			r.groups = append(r.groups, g)
		}
	}
	return r
}

// resourceList converts the resources of one aggregated version to the legacy
// APIResourceList, subresources as "pods/status" entries.
func resourceList(gv gvKey, in []meta.APIResourceDiscovery) *meta.APIResourceList {
	rl := &meta.APIResourceList{
		TypeMeta:     meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: gv.String(),
		APIResources: []meta.APIResource{},
	}
	for _, res := range in {
		if res.Resource == "" || res.ResponseKind == nil {
			continue
		}
		namespaced := res.Scope == meta.ScopeNamespace
		rl.APIResources = append(rl.APIResources, meta.APIResource{
			Name:         res.Resource,
			SingularName: res.SingularResource,
			Namespaced:   namespaced,
			Group:        res.ResponseKind.Group,
			Version:      res.ResponseKind.Version,
			Kind:         res.ResponseKind.Kind,
			Verbs:        res.Verbs,
			ShortNames:   res.ShortNames,
			Categories:   res.Categories,
		})
		for _, sub := range res.Subresources {
			if sub.Subresource == "" || sub.ResponseKind == nil {
				continue
			}
			rl.APIResources = append(rl.APIResources, meta.APIResource{
				Name:         res.Resource + "/" + sub.Subresource,
				SingularName: res.SingularResource,
				Namespaced:   namespaced,
				Group:        sub.ResponseKind.Group,
				Version:      sub.ResponseKind.Version,
				Kind:         sub.ResponseKind.Kind,
				Verbs:        sub.Verbs,
			})
		}
	}
	return rl
}

// fetchGroupVersions GETs the legacy document of each group/version in
// parallel into s. A group/version that fails is recorded and warned about; only
// the end of ctx fails the call.
func (c *Cache) fetchGroupVersions(ctx context.Context, s *snapshot, gvs []gvKey) error {
	if len(gvs) == 0 {
		return nil
	}
	lists := make([]*meta.APIResourceList, len(gvs))
	errs := make([]error, len(gvs))
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for i, gv := range gvs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			lists[i], errs[i] = c.fetchGroupVersion(ctx, gv)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, gv := range gvs {
		if errs[i] != nil {
			err := fmt.Errorf("couldn't get resource list for %s: %w", gv, errs[i])
			s.failed[gv] = err
			c.warn(err)
			continue
		}
		delete(s.failed, gv)
		s.resources[gv] = lists[i]
	}
	return nil
}

func (c *Cache) fetchGroupVersion(ctx context.Context, gv gvKey) (*meta.APIResourceList, error) {
	path := "/apis/" + gv.group + "/" + gv.version
	if gv.group == "" {
		path = "/api/" + gv.version
	}
	var rl meta.APIResourceList
	if err := c.getJSON(ctx, path, &rl); err != nil {
		return nil, err
	}
	if rl.Kind == "" {
		rl.TypeMeta = meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}
	}
	rl.GroupVersion = gv.String()
	if rl.APIResources == nil {
		rl.APIResources = []meta.APIResource{}
	}
	return &rl, nil
}
