package informer

import (
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
)

// The client satisfies ListerWatcher.
var _ ListerWatcher[*meta.PartialObjectMetadata] = (*client.Resource[*meta.PartialObjectMetadata])(nil)
