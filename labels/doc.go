// Package labels parses and matches Kubernetes label selectors.
//
// Parse accepts the labelSelector= query parameter exactly as the Kubernetes API
// server does: comma-separated requirements that must all hold, each one of
//
//	key=value  key==value  key!=value
//	key in (v1,v2)  key notin (v1,v2)
//	key  !key
//	key>5  key<5
//
// with keys and values checked against the label syntax. The server uses the
// resulting Selector to filter lists and watches; the client uses the same
// Selector in its cache listers, so both sides agree on what a selector means.
// FromLabelSelector turns the structured meta.LabelSelector found in object specs
// into a Selector.
package labels
