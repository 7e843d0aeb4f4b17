// Package httpcache holds the HTTP revalidation helpers the server's document
// endpoints (discovery, OpenAPI) share.
package httpcache

import "strings"

// ETagMatches applies If-None-Match: "*" or any listed tag equal to etag under
// the weak comparison (a W/ prefix is ignored).
func ETagMatches(ifNoneMatch []string, etag string) bool {
	for _, v := range ifNoneMatch {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}
