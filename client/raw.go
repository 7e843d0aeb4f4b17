package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"kctl.dev/kctl/api/meta"
)

// GetRaw sends GET uri, a path with an optional query
// ("/api/v1/nodes/n1/proxy/metrics?format=text", as kubectl get --raw takes
// it), and copies the answer's body to w as it arrives. An answer that is not
// 2xx is a *errors.StatusError, as from Do.
func (c *Client) GetRaw(ctx context.Context, uri string, w io.Writer) error {
	req, err := rawRequest(uri)
	if err != nil {
		return err
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("client: GET %s: %w", req.Path, err)
	}
	return nil
}

// rawRequest splits uri into the path and query of a GET.
func rawRequest(uri string) (Request, error) {
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return Request{}, fmt.Errorf("client: raw path %q: %w", uri, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Request{}, fmt.Errorf("client: raw path %q: query: %w", uri, err)
	}
	return Request{Method: http.MethodGet, Path: u.Path, Query: q, Accept: "application/json, */*"}, nil
}

// RawList is one page of a list whose items are kept as the server sent
// them, undecoded: for a caller that only copies or reformats them.
type RawList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	Items         []json.RawMessage `json:"items"`
}

// ListRaw returns the objects opts selects with their JSON left as is: one
// page when opts.Limit is set (its Continue gives the next), else all of them.
func (r *Resource[T]) ListRaw(ctx context.Context, opts ListOptions) (*RawList, error) {
	var l RawList
	if err := r.call(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: opts.query()}, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// ListRawPages is ListPages with the items left as JSON (see ListRaw).
func (r *Resource[T]) ListRawPages(ctx context.Context, opts ListOptions, fn func(*RawList) error) error {
	return pages(ctx, opts, r.listBody, func(body []byte) (*RawList, error) {
		var l RawList
		if err := json.Unmarshal(body, &l); err != nil {
			return nil, fmt.Errorf("client: list %s: decode: %w", r.gvr, err)
		}
		return &l, nil
	}, fn)
}
