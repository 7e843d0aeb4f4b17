// Package discovery tells what a server serves and resolves what users type
// ("po", "deploy.apps", "Deployment", an apiVersion and kind from a manifest)
// to the resource to call, as kubectl does, with discovery cached on disk.
//
// # Fetching
//
// A Cache asks GET /api and GET /apis for aggregated discovery
// (apidiscovery.k8s.io/v2, or v2beta1 from older servers): two requests describe
// every group, version and resource. A root answered with the plain legacy
// documents (APIVersions, APIGroupList) is completed with one request per
// group/version (GET /api/v1, GET /apis/GROUP/VERSION), made in parallel. A
// group/version the server cannot describe (an aggregated API server that is
// down, a version marked Stale) is left out and reported to Cache.Warn; the
// rest of discovery still works, as with kubectl. A 404 on /api is tolerated;
// any other error on /api or /apis fails the call.
//
// # The disk cache
//
// With a cache directory, discovery is stored in kubectl's layout and format,
// so kubectl and kctl can share ~/.kube/cache:
//
//	DIR/discovery/HOST_PORT/servergroups.json                  APIGroupList, core group first
//	DIR/discovery/HOST_PORT/v1/serverresources.json            APIResourceList of the core group
//	DIR/discovery/HOST_PORT/GROUP/VERSION/serverresources.json APIResourceList of a named group
//
// HOST_PORT is the server URL without its scheme, every character other than
// letters, digits, '_', '.', '/', '(' and ')' replaced by '_'
// ("http://127.0.0.1:8080" becomes "127.0.0.1_8080"). Files are written
// atomically (a temporary file renamed over the old one) and trusted for
// Cache.TTL (default six hours, kubectl's) from their modification time. A
// group/version file that is missing or expired while servergroups.json is still
// valid is fetched alone.
//
// When a name or kind is not found in discovery read from disk, the Cache
// fetches discovery again from the server, once, before failing: a kind added to
// the server since the cache was written is then found. Discovery this Cache
// fetched itself is not fetched again on a miss (see Fresh and Invalidate).
//
// # Resolving names
//
// Resolve accepts what follows `kubectl get`: a plural ("pods"), a singular
// ("pod"), a short name ("po"), a kind in any case ("Pod", "POD"), each
// optionally qualified by a group ("deployments.apps", "deploy.apps", or a
// prefix of the group, "deploy.app") or by a version and group
// ("deployments.v1.apps", "pods.v1." for the core group). Plural and singular
// names win over short names, and both over kinds. When several groups serve the
// name, the core group wins, then the groups in the server's discovery order,
// each at its preferred version first. An unknown name fails with a *NoMatchError
// worded as kubectl's: the server doesn't have a resource type "foo".
//
// ResolveKind maps a manifest's apiVersion and kind to its resource, Resources
// lists what `kctl api-resources` prints, and Category expands a category such
// as "all".
package discovery
