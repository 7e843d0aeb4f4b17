package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/internal/atomicfile"
)

// DefaultTTL is how long discovery is trusted when Cache.TTL is not set:
// kubectl's six hours.
const DefaultTTL = 6 * time.Hour

// Names of the cache files, as kubectl writes them.
const (
	groupsFile    = "servergroups.json"
	resourcesFile = "serverresources.json"
)

// Cache answers discovery questions about one server, from memory, from the
// disk cache, or from the server. Create it with New; it is safe for concurrent
// use, and a command should make one and share it.
type Cache struct {
	// TTL is how long discovery is trusted after it was fetched, on disk (from
	// the files' modification times) and in memory. Zero or negative means
	// DefaultTTL. Set it before the first call.
	TTL time.Duration

	// Warn, when set, receives the problems that do not fail a call: a
	// group/version the server could not describe (it is left out), a cache
	// file that could not be written. kubectl prints such problems as
	// warnings. It is called with the Cache locked: it must not call the Cache.
	Warn func(error)

	client *client.Client
	dir    string // DIR/discovery/HOST_PORT, "" without a disk cache

	mu          sync.Mutex
	snap        *snapshot
	snapAt      time.Time // when snap was fetched, or its files written
	fresh       bool      // snap came from the server through this Cache
	invalidated bool      // ignore the disk until the next fetch
}

// New returns a Cache of the server c talks to. server is that server's URL
// as configured (the kubeconfig's cluster.server, or the first of
// client.Config.Servers): it names the cache directory. cacheDir is the
// directory that holds the "discovery" directory, kubectl's --cache-dir
// (~/.kube/cache by default); empty means no disk cache: discovery is then
// kept in memory only.
func New(c *client.Client, server, cacheDir string) *Cache {
	d := &Cache{client: c}
	if cacheDir != "" {
		d.dir = hostDir(filepath.Join(cacheDir, "discovery"), server)
	}
	return d
}

// Dir returns the directory holding this server's discovery files, "" when
// the Cache has no disk cache.
func (c *Cache) Dir() string { return c.dir }

// Fresh reports whether the discovery in memory was fetched from the server
// by this Cache (rather than read from disk): a miss then fails without
// fetching again. It is false before the first call.
func (c *Cache) Fresh() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap != nil && c.fresh
}

// Invalidate forgets what the Cache knows: the next call fetches discovery
// from the server again, ignoring the files on disk (which it then rewrites).
// A long-running program calls it when it expects new kinds.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap = nil
	c.fresh = false
	c.invalidated = true
}

// ServerVersion returns the server's /version document. It is not cached.
func (c *Cache) ServerVersion(ctx context.Context) (*meta.Info, error) {
	var info meta.Info
	if err := c.getJSON(ctx, "/version", &info); err != nil {
		return nil, err
	}
	return &info, nil
}

func (c *Cache) ttl() time.Duration {
	if c.TTL <= 0 {
		return DefaultTTL
	}
	return c.TTL
}

func (c *Cache) warn(err error) {
	if c.Warn != nil {
		c.Warn(err)
	}
}

// load returns discovery: from memory while it is valid, else from the disk
// cache, else from the server.
func (c *Cache) load(ctx context.Context) (*snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil && time.Since(c.snapAt) < c.ttl() {
		return c.snap, nil
	}
	if c.dir != "" && !c.invalidated {
		s, written, err := c.loadDisk(ctx)
		if err != nil {
			return nil, err
		}
		if s != nil {
			// It stays valid in memory as long as on disk.
			c.snap, c.snapAt, c.fresh = s, written, false
			return s, nil
		}
	}
	return c.fetchLocked(ctx)
}

// refresh fetches discovery again after a miss, unless what is in memory was
// already fetched by this Cache. It reports whether it fetched.
func (c *Cache) refresh(ctx context.Context) (*snapshot, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil && c.fresh {
		return c.snap, false, nil
	}
	s, err := c.fetchLocked(ctx)
	return s, err == nil, err
}

// fetchLocked fetches discovery from the server, keeps it and writes it to
// disk. c.mu is held.
func (c *Cache) fetchLocked(ctx context.Context) (*snapshot, error) {
	s, err := c.fetch(ctx)
	if err != nil {
		return nil, err
	}
	c.snap, c.snapAt, c.fresh, c.invalidated = s, time.Now(), true, false
	if c.dir != "" {
		c.writeDisk(s, nil)
	}
	return s, nil
}

// loadDisk reads discovery from the disk cache, and returns it with the time
// servergroups.json was written. It returns nil when servergroups.json is
// missing, expired or unreadable; group/versions whose files are missing or
// expired are fetched from the server and written back.
func (c *Cache) loadDisk(ctx context.Context) (*snapshot, time.Time, error) {
	data, written, err := c.readValid(filepath.Join(c.dir, groupsFile))
	if err != nil {
		return nil, time.Time{}, nil
	}
	var gl meta.APIGroupList
	if err := json.Unmarshal(data, &gl); err != nil || gl.Kind != "APIGroupList" {
		return nil, time.Time{}, nil
	}
	s := newSnapshot(groupsFromList(gl.Groups))
	var missing []gvKey
	for _, gv := range s.order {
		data, _, err := c.readValid(c.resourcesPath(gv))
		var rl meta.APIResourceList
		if err == nil {
			err = json.Unmarshal(data, &rl)
		}
		if err != nil || rl.GroupVersion != gv.String() {
			missing = append(missing, gv)
			continue
		}
		s.resources[gv] = &rl
	}
	if len(missing) > 0 {
		if err := c.fetchGroupVersions(ctx, s, missing); err != nil {
			return nil, time.Time{}, err
		}
		c.writeDisk(s, missing)
	}
	return s, written, nil
}

// readValid reads a cache file still within the TTL, and returns its
// modification time.
func (c *Cache) readValid(path string) ([]byte, time.Time, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, time.Time{}, fmt.Errorf("%s is not a regular file", path)
	}
	if time.Since(fi.ModTime()) >= c.ttl() {
		return nil, time.Time{}, fmt.Errorf("%s expired", path)
	}
	data, err := os.ReadFile(path)
	return data, fi.ModTime(), err
}

// writeDisk writes servergroups.json (unless only is set) and the resource
// files of the group/versions in only (every one the snapshot has when only is
// nil). Failures are warnings: the cache is an optimisation.
func (c *Cache) writeDisk(s *snapshot, only []gvKey) {
	if only == nil {
		gl := meta.APIGroupList{TypeMeta: meta.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: s.apiGroups()}
		if err := writeJSON(filepath.Join(c.dir, groupsFile), gl); err != nil {
			c.warn(fmt.Errorf("discovery: writing the cache: %w", err))
			return
		}
		only = s.order
	}
	for _, gv := range only {
		rl, ok := s.resources[gv]
		if !ok {
			continue // failed: fetched again next time
		}
		if err := writeJSON(c.resourcesPath(gv), rl); err != nil {
			c.warn(fmt.Errorf("discovery: writing the cache: %w", err))
			return
		}
	}
}

func (c *Cache) resourcesPath(gv gvKey) string {
	return filepath.Join(c.dir, filepath.FromSlash(gv.String()), resourcesFile)
}

// writeJSON writes v to path atomically: readers see the old file or the new
// one, never a part. Directories are made 0750 and files 0660, as kubectl does.
func writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o660)
}

// unsafeFileChars matches what kubectl replaces in a host to name its cache
// directory: anything but word characters, '.', '/', '(' and ')'.
var unsafeFileChars = regexp.MustCompile(`[^\w/.()]`)

// hostDir returns the cache directory of server under parent: kubectl's name
// for it (the URL without its scheme, unsafe characters replaced by '_'), kept
// inside parent whatever the URL holds.
func hostDir(parent, server string) string {
	host := server
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host = rest
	}
	safe := unsafeFileChars.ReplaceAllString(host, "_")
	dir := filepath.Join(parent, filepath.FromSlash(safe))
	if rel, err := filepath.Rel(parent, dir); err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// A path that climbs out of parent ("h/../..") or is empty: flatten it.
		safe = strings.NewReplacer("/", "_", ".", "_").Replace(safe)
		dir = filepath.Join(parent, "_"+safe)
	}
	return dir
}

// getJSON GETs path and decodes the JSON answer into out.
func (c *Cache) getJSON(ctx context.Context, path string, out any) error {
	resp, err := c.client.Do(ctx, client.Request{Method: http.MethodGet, Path: path})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("discovery: GET %s: decode: %w", path, err)
	}
	return nil
}
