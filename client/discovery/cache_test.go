package discovery_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client/discovery"
	"kctl.dev/kctl/server/registry"
)

var discoveryRoots = []string{"/api", "/apis"}

func TestCacheLayout(t *testing.T) {
	srv := startServer(t, false)
	dir := t.TempDir()
	c := srv.cache(t, dir)
	if _, err := c.Resolve(t.Context(), "po"); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.url)
	host := strings.ReplaceAll(u.Host, ":", "_")
	if want := filepath.Join(dir, "discovery", host); c.Dir() != want {
		t.Errorf("Dir() = %s, want %s", c.Dir(), want)
	}
	want := []string{
		"apps/v1/serverresources.json",
		"coordination.k8s.io/v1/serverresources.json",
		"rbac.authorization.k8s.io/v1/serverresources.json",
		"servergroups.json",
		"v1/serverresources.json",
	}
	if got := cacheFiles(t, c.Dir()); !slices.Equal(got, want) {
		t.Errorf("cache files %v, want %v", got, want)
	}

	// kubectl's formats: an APIGroupList with the core group first, and
	// APIResourceLists with subresources.
	var gl meta.APIGroupList
	readJSON(t, filepath.Join(c.Dir(), "servergroups.json"), &gl)
	if gl.Kind != "APIGroupList" || gl.APIVersion != "v1" || len(gl.Groups) != 4 {
		t.Fatalf("servergroups.json: %+v", gl)
	}
	if g := gl.Groups[0]; g.Name != "" || g.PreferredVersion.GroupVersion != "v1" || g.Versions[0].Version != "v1" {
		t.Errorf("core group: %+v", g)
	}
	var rl meta.APIResourceList
	readJSON(t, filepath.Join(c.Dir(), "v1", "serverresources.json"), &rl)
	if rl.Kind != "APIResourceList" || rl.GroupVersion != "v1" {
		t.Errorf("v1/serverresources.json: %+v", rl.TypeMeta)
	}
	var names []string
	for _, r := range rl.APIResources {
		names = append(names, r.Name)
		if r.Name == "pods" && (r.SingularName != "pod" || !slices.Equal(r.ShortNames, []string{"po"}) || !slices.Equal(r.Categories, []string{"all"})) {
			t.Errorf("pods: %+v", r)
		}
	}
	if !slices.Contains(names, "pods/status") || !slices.Contains(names, "pods/binding") {
		t.Errorf("subresources missing: %v", names)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(c.Dir(), "servergroups.json"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o660 {
			t.Errorf("file mode %v, want 0660", fi.Mode().Perm())
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestCacheServesFromDisk(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := map[bool]string{false: "aggregated", true: "legacy"}[legacy]
		t.Run(name, func(t *testing.T) {
			srv := startServer(t, legacy)
			dir := t.TempDir()

			c1 := srv.cache(t, dir)
			if _, err := c1.Resolve(t.Context(), "po"); err != nil {
				t.Fatal(err)
			}
			first := srv.rec.take()
			if legacy {
				want := []string{"/api", "/api/v1", "/apis", "/apis/apps/v1", "/apis/coordination.k8s.io/v1", "/apis/rbac.authorization.k8s.io/v1"}
				if !slices.Equal(first, want) {
					t.Errorf("legacy discovery asked %v, want %v", first, want)
				}
			} else if !slices.Equal(first, discoveryRoots) {
				t.Errorf("aggregated discovery asked %v, want %v", first, discoveryRoots)
			}
			if !c1.Fresh() {
				t.Error("discovery fetched by the Cache is not Fresh")
			}

			// The same Cache answers from memory, a new one from disk.
			if _, err := c1.Resolve(t.Context(), "deploy"); err != nil {
				t.Fatal(err)
			}
			c2 := srv.cache(t, dir)
			for _, arg := range []string{"deploy", "po", "clusterroles"} {
				if _, err := c2.Resolve(t.Context(), arg); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c2.ResolveKind(t.Context(), "apps/v1", "Deployment"); err != nil {
				t.Fatal(err)
			}
			if _, err := c2.Resources(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := srv.rec.take(); len(got) != 0 {
				t.Errorf("cached discovery asked the server %v", got)
			}
			if c2.Fresh() {
				t.Error("discovery read from disk is Fresh")
			}
		})
	}
}

func TestCacheTTL(t *testing.T) {
	srv := startServer(t, false)
	dir := t.TempDir()
	if _, err := srv.cache(t, dir).Resolve(t.Context(), "po"); err != nil {
		t.Fatal(err)
	}
	srv.rec.take()

	tests := []struct {
		name string
		ttl  time.Duration
		age  time.Duration
		want []string
	}{
		{"default TTL, young files", 0, 5 * time.Hour, nil},
		{"default TTL, expired files", 0, 6*time.Hour + time.Minute, discoveryRoots},
		{"short TTL, young files", time.Hour, 30 * time.Minute, nil},
		{"short TTL, expired files", time.Hour, 2 * time.Hour, discoveryRoots},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.cache(t, dir)
			c.TTL = tt.ttl
			setMtimes(t, c.Dir(), tt.age)
			if _, err := c.Resolve(t.Context(), "deploy"); err != nil {
				t.Fatal(err)
			}
			if got := srv.rec.take(); !slices.Equal(got, tt.want) {
				t.Errorf("asked %v, want %v", got, tt.want)
			}
			// A refetch rewrote the files: they are young again.
			if tt.want != nil {
				fi, err := os.Stat(filepath.Join(c.Dir(), "servergroups.json"))
				if err != nil {
					t.Fatal(err)
				}
				if time.Since(fi.ModTime()) > time.Minute {
					t.Errorf("servergroups.json not rewritten: %v", fi.ModTime())
				}
			}
		})
	}
}

func TestCacheMissingFiles(t *testing.T) {
	srv := startServer(t, false)
	dir := t.TempDir()
	c := srv.cache(t, dir)
	if _, err := c.Resolve(t.Context(), "po"); err != nil {
		t.Fatal(err)
	}
	srv.rec.take()

	// A group/version file missing or expired: that one is fetched alone.
	if err := os.Remove(filepath.Join(c.Dir(), "apps", "v1", "serverresources.json")); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(c.Dir(), "v1", "serverresources.json")
	old := time.Now().Add(-7 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.cache(t, dir).Resolve(t.Context(), "deploy"); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.rec.take(), []string{"/api/v1", "/apis/apps/v1"}; !slices.Equal(got, want) {
		t.Errorf("asked %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(c.Dir(), "apps", "v1", "serverresources.json")); err != nil {
		t.Errorf("missing file not written back: %v", err)
	}

	// A damaged servergroups.json: everything is fetched again.
	if err := os.WriteFile(filepath.Join(c.Dir(), "servergroups.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.cache(t, dir).Resolve(t.Context(), "deploy"); err != nil {
		t.Fatal(err)
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("asked %v, want %v", got, discoveryRoots)
	}
	// No temporary file is left behind.
	for _, f := range cacheFiles(t, c.Dir()) {
		if strings.Contains(f, ".tmp") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

func TestRefreshOnMiss(t *testing.T) {
	srv := startServer(t, false)
	dir := t.TempDir()
	c1 := srv.cache(t, dir)
	if _, err := c1.Resolve(t.Context(), "po"); err != nil {
		t.Fatal(err)
	}
	srv.rec.take()

	// A kind registered while the server runs.
	srv.add(t, &registry.Kind{Group: "example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Namespaced: true, ShortNames: []string{"wd"}})

	// c1 fetched its discovery itself: a miss does not fetch again.
	if _, err := c1.Resolve(t.Context(), "wd"); !discovery.IsNoMatch(err) {
		t.Errorf("fresh cache found a kind added later: %v", err)
	}
	if got := srv.rec.take(); len(got) != 0 {
		t.Errorf("a miss on fresh discovery asked %v", got)
	}

	// A new Cache reads the disk, misses, fetches once and finds it...
	c2 := srv.cache(t, dir)
	r, err := c2.Resolve(t.Context(), "wd")
	if err != nil {
		t.Fatal(err)
	}
	if gvr(r) != "example.com/v1/widgets" {
		t.Errorf("Resolve(wd) = %s", gvr(r))
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("refresh asked %v, want %v", got, discoveryRoots)
	}
	// ... and a miss after that fetch does not fetch again.
	if _, err := c2.Resolve(t.Context(), "foo"); !discovery.IsNoMatch(err) {
		t.Errorf("Resolve(foo): %v", err)
	}
	if got := srv.rec.take(); len(got) != 0 {
		t.Errorf("second miss asked %v", got)
	}

	// The refreshed discovery was written: a third Cache needs no request.
	if _, err := srv.cache(t, dir).ResolveKind(t.Context(), "example.com/v1", "Widget"); err != nil {
		t.Fatal(err)
	}
	if got := srv.rec.take(); len(got) != 0 {
		t.Errorf("asked %v after the refresh was cached", got)
	}

	// ResolveKind refreshes on a miss too.
	srv.add(t, &registry.Kind{Group: "example.com", Version: "v1", Resource: "gadgets", Kind: "Gadget"})
	r, err = srv.cache(t, dir).ResolveKind(t.Context(), "example.com/v1", "Gadget")
	if err != nil || gvr(r) != "example.com/v1/gadgets" || r.Namespaced {
		t.Errorf("ResolveKind(Gadget) = %+v, %v", r, err)
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("refresh asked %v, want %v", got, discoveryRoots)
	}

	// An unknown name read from disk costs one fetch, then fails.
	if _, err := srv.cache(t, dir).Resolve(t.Context(), "foo"); err == nil || err.Error() != `the server doesn't have a resource type "foo"` {
		t.Errorf("Resolve(foo): %v", err)
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("miss asked %v, want %v", got, discoveryRoots)
	}

	// Invalidate makes c1 fetch again, ignoring the disk.
	c1.Invalidate()
	if c1.Fresh() {
		t.Error("Fresh after Invalidate")
	}
	if _, err := c1.Resolve(t.Context(), "gadgets"); err != nil {
		t.Fatal(err)
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("after Invalidate asked %v, want %v", got, discoveryRoots)
	}
}

func TestMemoryOnly(t *testing.T) {
	srv := startServer(t, false)
	c := srv.cache(t, "")
	if c.Dir() != "" {
		t.Errorf("Dir() = %q", c.Dir())
	}
	for range 3 {
		if _, err := c.Resolve(t.Context(), "po"); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("asked %v, want %v", got, discoveryRoots)
	}
	// In memory, discovery also lasts TTL.
	c.TTL = time.Nanosecond
	time.Sleep(time.Millisecond)
	if _, err := c.Resolve(t.Context(), "po"); err != nil {
		t.Fatal(err)
	}
	if got := srv.rec.take(); !slices.Equal(got, discoveryRoots) {
		t.Errorf("after the TTL asked %v, want %v", got, discoveryRoots)
	}
}

func TestConcurrentResolve(t *testing.T) {
	srv := startServer(t, false)
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 16 {
		c := srv.cache(t, dir)
		wg.Go(func() {
			for _, arg := range []string{"po", "deploy", "cm", "leases"} {
				if _, err := c.Resolve(t.Context(), arg); err != nil {
					t.Errorf("goroutine %d: %v", i, err)
				}
			}
		})
	}
	shared := srv.cache(t, dir)
	for range 16 {
		wg.Go(func() {
			if _, err := shared.Resolve(t.Context(), "svc"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Every file is whole whoever wrote it last.
	var gl meta.APIGroupList
	readJSON(t, filepath.Join(shared.Dir(), "servergroups.json"), &gl)
	if len(gl.Groups) != 4 {
		t.Errorf("servergroups.json: %d groups", len(gl.Groups))
	}
}

func TestServerVersion(t *testing.T) {
	srv := startServer(t, false)
	info, err := srv.cache(t, "").ServerVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.Major != "1" || info.GitVersion == "" {
		t.Errorf("version %+v", info)
	}
}
