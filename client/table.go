package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"kctl.dev/kctl/api/meta"
)

// TableAccept is the Accept header of a Table request, as kubectl get sends
// it: a meta.k8s.io/v1 Table, else a v1beta1 one, else the plain object.
const TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io," +
	"application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

// The includeObject values of a Table request: the form of each row's
// object. The empty string leaves the choice to the server (Metadata).
const (
	IncludeNone     = "None"
	IncludeMetadata = "Metadata"
	IncludeObject   = "Object"
)

// ErrNotTable is the error (wrapped in a *NotTableError) of a Table request
// the server answered with the plain object or list: a resource it has no
// table for.
var ErrNotTable = errors.New("the server answered without a Table")

// NotTableError carries the plain answer to a Table request. Print it as
// is (a single object), or list again without a Table.
type NotTableError struct {
	// Object is the server's answer: an object, or a list page.
	Object meta.RawJSON
}

func (e *NotTableError) Error() string { return ErrNotTable.Error() }

// Unwrap makes errors.Is(err, ErrNotTable) true.
func (e *NotTableError) Unwrap() error { return ErrNotTable }

func tableQuery(q url.Values, includeObject string) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if includeObject != "" {
		q.Set("includeObject", includeObject)
	}
	return q
}

// GetTable returns the object named name as a one-row Table, its row's
// object in the form includeObject asks (IncludeNone, IncludeMetadata,
// IncludeObject; "" for the server's default).
func (r *Resource[T]) GetTable(ctx context.Context, name, includeObject string) (*meta.Table, error) {
	ns, err := r.itemNamespace("")
	if err != nil {
		return nil, err
	}
	return r.callTable(ctx, Request{Method: http.MethodGet, Path: r.path(ns, name), Query: tableQuery(nil, includeObject)})
}

// ListTable returns the objects opts selects as a Table: one page when
// opts.Limit is set (its Continue gives the next), else all of them.
func (r *Resource[T]) ListTable(ctx context.Context, opts ListOptions, includeObject string) (*meta.Table, error) {
	return r.callTable(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: tableQuery(opts.query(), includeObject)})
}

// ListTablePages lists the objects opts selects as Tables, opts.Limit rows
// at a time (0: one page of everything), following continue tokens, and
// calls fn with each page in order. Pages are pipelined: the next page is
// asked for as soon as the current one has arrived (its continue token is
// read first), and decoded while fn runs, so the server builds a page while
// the caller handles the previous one; at most three pages are held at a
// time. It stops at the first error, fn's included, and returns it.
func (r *Resource[T]) ListTablePages(ctx context.Context, opts ListOptions, includeObject string, fn func(*meta.Table) error) error {
	return pages(ctx, opts,
		func(ctx context.Context, opts ListOptions) ([]byte, error) {
			return r.getBody(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: tableQuery(opts.query(), includeObject), Accept: TableAccept})
		},
		func(body []byte) (*meta.Table, error) {
			t, err := decodeTable(body)
			if err != nil {
				return nil, fmt.Errorf("client: list %s: %w", r.gvr, err)
			}
			return t, nil
		}, fn)
}

// ListPages lists the objects opts selects, opts.Limit at a time (0: one page
// of everything), following continue tokens, and calls fn with each page in
// order, pipelined as ListTablePages. It stops at the first error, fn's
// included, and returns it.
func (r *Resource[T]) ListPages(ctx context.Context, opts ListOptions, fn func(*List[T]) error) error {
	return pages(ctx, opts, r.listBody, func(body []byte) (*List[T], error) {
		var l List[T]
		if err := json.Unmarshal(body, &l); err != nil {
			return nil, fmt.Errorf("client: list %s: decode: %w", r.gvr, err)
		}
		return &l, nil
	}, fn)
}

func (r *Resource[T]) listBody(ctx context.Context, opts ListOptions) ([]byte, error) {
	return r.getBody(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: opts.query()})
}

// getBody sends req and returns the whole body of the answer.
func (r *Resource[T]) getBody(ctx context.Context, req Request) ([]byte, error) {
	resp, err := r.c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", req.Method, req.Path, err)
	}
	return body, nil
}

// pages runs a list page by page. A goroutine fetches the pages' bodies in
// turn, asking for the next one as soon as it has read the continue token
// of the current one; the caller's goroutine decodes each and hands it to
// fn. The channel is unbuffered: a body fetched waits until fn is done with
// the page before it, so no more than three pages live at once (the one fn
// has, the body waiting, the body arriving).
func pages[P any](ctx context.Context, opts ListOptions, fetch func(context.Context, ListOptions) ([]byte, error), decode func([]byte) (P, error), fn func(P) error) error {
	type result struct {
		body []byte
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan result)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(results)
		for {
			body, err := fetch(ctx, opts)
			var cont string
			if err == nil {
				cont, err = continueToken(body)
			}
			select {
			case results <- result{body, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || cont == "" {
				return
			}
			// A continue token carries the snapshot: the server refuses a
			// resourceVersion (or a match rule) alongside it.
			opts.Continue, opts.ResourceVersion, opts.ResourceVersionMatch = cont, "", ""
		}
	}()
	defer func() {
		cancel()
		wg.Wait()
	}()
	for res := range results {
		if res.err != nil {
			return res.err
		}
		page, err := decode(res.body)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// continueToken reads metadata.continue of a list (or Table) without
// decoding the rest: servers write metadata before the items, so this reads
// only the head of the body.
func continueToken(body []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", fmt.Errorf("client: list: the answer is not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("client: list: decode: %w", err)
		}
		if key, _ := tok.(string); key == "metadata" {
			var lm meta.ListMeta
			if err := dec.Decode(&lm); err != nil {
				return "", fmt.Errorf("client: list: decode metadata: %w", err)
			}
			return lm.Continue, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", fmt.Errorf("client: list: decode: %w", err)
		}
	}
	return "", nil
}

// callTable sends a Table request and decodes the answer, keeping numbers as
// json.Number (cells print as the server sent them).
func (r *Resource[T]) callTable(ctx context.Context, req Request) (*meta.Table, error) {
	req.Accept = TableAccept
	body, err := r.getBody(ctx, req)
	if err != nil {
		return nil, err
	}
	t, err := decodeTable(body)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", req.Method, req.Path, err)
	}
	return t, nil
}

// decodeTable decodes a Table, or returns a *NotTableError holding data when
// data is another kind of object.
func decodeTable(data []byte) (*meta.Table, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var t meta.Table
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if t.Kind != "Table" || !strings.HasPrefix(t.APIVersion, "meta.k8s.io/") {
		return nil, &NotTableError{Object: data}
	}
	return &t, nil
}

// WatchTable watches the objects opts selects with each event's object as a
// one-row Table (the first event's Table carries the column definitions,
// later ones may not). A BOOKMARK's Object is a Table without rows whose
// resourceVersion is the bookmark's. Event.ResourceVersion is that of the
// row's object (of the Table when includeObject is IncludeNone). An event
// whose object is not a Table ends the watch with a *NotTableError.
func (r *Resource[T]) WatchTable(ctx context.Context, opts ListOptions, includeObject string) (Watch[*meta.Table], error) {
	q := tableQuery(opts.query(), includeObject)
	q.Set("watch", "true")
	if opts.SendInitialEvents && opts.ResourceVersionMatch == "" {
		q.Set("resourceVersionMatch", "NotOlderThan")
	}
	ctx, cancel := context.WithCancel(ctx)
	resp, err := r.c.Do(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: q, Accept: TableAccept})
	if err != nil {
		cancel()
		return nil, err
	}
	frames := &streamFrames{body: resp.Body, dec: json.NewDecoder(resp.Body)}
	return newWatcher(frames, decodeTableFrame, cancel), nil
}

// objectHead is what a bookmark (or any object) says about itself.
type objectHead struct {
	meta.TypeMeta `json:",inline"`
	Metadata      struct {
		ResourceVersion string            `json:"resourceVersion"`
		Annotations     map[string]string `json:"annotations"`
	} `json:"metadata"`
}

// decodeTableFrame decodes a frame of a Table watch: a Table of one row, or a
// BOOKMARK's object, returned as a Table without rows at its resourceVersion.
func decodeTableFrame(frame meta.WatchEvent) (Event[*meta.Table], error) {
	var ev Event[*meta.Table]
	switch frame.Type {
	case meta.Bookmark:
		var head objectHead
		if err := json.Unmarshal(frame.Object, &head); err != nil {
			return ev, fmt.Errorf("client: watch: decode BOOKMARK event: %w", err)
		}
		ev.ResourceVersion = head.Metadata.ResourceVersion
		ev.InitialEventsEnd = head.Metadata.Annotations[meta.InitialEventsEndAnnotation] == "true"
		ev.Object = &meta.Table{
			TypeMeta: meta.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
			ListMeta: meta.ListMeta{ResourceVersion: ev.ResourceVersion},
		}
		return ev, nil
	}
	t, err := decodeTable(frame.Object)
	if err != nil {
		return ev, fmt.Errorf("client: watch: %s event: %w", frame.Type, err)
	}
	ev.Object = t
	ev.ResourceVersion = t.ResourceVersion
	if len(t.Rows) == 1 && len(t.Rows[0].Object) > 0 {
		var head objectHead
		if json.Unmarshal(t.Rows[0].Object, &head) == nil && head.Metadata.ResourceVersion != "" {
			ev.ResourceVersion = head.Metadata.ResourceVersion
		}
	}
	return ev, nil
}
