package informer

import (
	"context"
	"fmt"
	"sync"
	"testing"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/server"
)

// pagingLW sends the informer's lists to storage (resourceVersion "" instead
// of "0", which the watch cache answers whole, ignoring limit) so that they
// come in pages, and records the continue requests.
type pagingLW struct {
	*client.Resource[configMap]
	beforeContinue func() // runs before the first continue request

	mu                 sync.Mutex
	continues, expired int
}

func (p *pagingLW) List(ctx context.Context, opts client.ListOptions) (*client.List[configMap], error) {
	if opts.ResourceVersion == "0" {
		opts.ResourceVersion = ""
	}
	p.mu.Lock()
	if opts.Continue != "" {
		if p.continues == 0 && p.beforeContinue != nil {
			p.beforeContinue()
		}
		p.continues++
	}
	p.mu.Unlock()
	l, err := p.Resource.List(ctx, opts)
	if err != nil && opts.Continue != "" && apierrors.IsResourceExpired(err) {
		p.mu.Lock()
		p.expired++
		p.mu.Unlock()
	}
	return l, err
}

// TestListPages: the reflector follows continue tokens until the list is
// complete, and when a token has expired (its snapshot was compacted) it lists
// again, unpaged, at the latest state.
func TestListPages(t *testing.T) {
	cases := []struct {
		name         string
		compactFirst bool
		wantExpired  int
		wantObjects  int
	}{
		{"follows continue tokens", false, 0, 7},
		{"expired continue lists again at the latest state", true, 1, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, srv := newServerEnv(t, server.Config{})
			for i := range 7 {
				e.create(fmt.Sprintf("cm-%d", i), "v")
			}
			lw := &pagingLW{Resource: e.cms}
			if c.compactFirst {
				lw.beforeContinue = func() {
					// A write after the first page, then a compaction past the
					// page's snapshot: its continue token expires.
					e.create("late", "v")
					if _, err := srv.Compact(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}
			inf := New[configMap](lw, Options[configMap]{PageSize: 2, Backoff: fastBackoff})
			start(t, inf)
			if got := len(inf.Lister().List(nil)); got != c.wantObjects {
				t.Errorf("cache has %d objects, want %d", got, c.wantObjects)
			}
			lw.mu.Lock()
			defer lw.mu.Unlock()
			if lw.continues < 1 || (!c.compactFirst && lw.continues != 3) {
				t.Errorf("%d continue requests (7 objects in pages of 2 need 3)", lw.continues)
			}
			if lw.expired != c.wantExpired {
				t.Errorf("%d expired continue tokens, want %d", lw.expired, c.wantExpired)
			}
			if m := inf.Metrics(); m.Lists != 1 {
				t.Errorf("informer made %d lists, want 1 (pages and the restart are one list)", m.Lists)
			}
		})
	}
}
