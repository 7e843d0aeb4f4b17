// Package fields parses and matches Kubernetes field selectors.
//
// Parse accepts the fieldSelector= query parameter exactly as the Kubernetes API
// server does: comma-separated terms that must all hold, each field=value,
// field==value or field!=value, with "\", "," and "=" in values escaped by a
// backslash. The server uses the resulting Selector to filter lists and watches
// (after Validate has rejected fields the kind does not support); the client uses
// the same Selector in its cache listers.
package fields
