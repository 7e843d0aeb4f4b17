package server

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/watchcache"
)

// serveMetrics answers GET /metrics in the Prometheus text format: the watch
// caches' counters per resource, and the storage revisions.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	type row struct {
		resource string
		m        *watchcache.Metrics
	}
	var rows []row
	s.caches.Each(func(k *registry.Kind, c *watchcache.Cache) {
		rows = append(rows, row{k.GroupResource(), &c.Metrics})
	})
	sort.Slice(rows, func(i, j int) bool { return rows[i].resource < rows[j].resource })
	var b strings.Builder
	metric := func(name, typ, help string, value func(*watchcache.Metrics) int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		for _, r := range rows {
			fmt.Fprintf(&b, "%s{resource=%q} %d\n", name, r.resource, value(r.m))
		}
	}
	metric("kctl_watch_cache_events_total", "counter", "Storage events applied by the watch cache.",
		func(m *watchcache.Metrics) int64 { return m.Events.Load() })
	metric("kctl_watch_cache_watchers", "gauge", "Watches open on the watch cache.",
		func(m *watchcache.Metrics) int64 { return m.Watchers.Load() })
	metric("kctl_watch_cache_slow_watchers_closed_total", "counter", "Watchers closed because they fell behind.",
		func(m *watchcache.Metrics) int64 { return m.SlowWatchersClosed.Load() })
	metric("kctl_watch_cache_expired_total", "counter", "Watches refused with 410 Expired (resourceVersion older than the cache's history).",
		func(m *watchcache.Metrics) int64 { return m.Expired.Load() })
	if rev, err := s.cfg.Storage.Revision(r.Context()); err == nil {
		fmt.Fprintf(&b, "# HELP kctl_storage_revision The storage's current revision.\n# TYPE kctl_storage_revision gauge\nkctl_storage_revision %d\n", rev)
	}
	if rev, err := s.cfg.Storage.CompactedRevision(r.Context()); err == nil {
		fmt.Fprintf(&b, "# HELP kctl_storage_compacted_revision The revision of the last compaction.\n# TYPE kctl_storage_compacted_revision gauge\nkctl_storage_compacted_revision %d\n", rev)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}
