package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"kctl.dev/kctl/api/meta"
)

// APIResource is one resource the server serves (subresources left out).
type APIResource struct {
	Group      string
	Version    string
	Resource   string // plural, as in URLs
	Kind       string
	Namespaced bool
	ShortNames []string
	Verbs      []string
	// SingularName is the lower-case singular ("pod"); Categories the groups
	// of kinds it belongs to ("all").
	SingularName string
	Categories   []string
}

// GVR returns the resource's group, version and resource.
func (a APIResource) GVR() GVR { return GVR{Group: a.Group, Version: a.Version, Resource: a.Resource} }

// Discover lists the resources of every served group and version from the
// legacy discovery documents: /api and /api/VERSION for the core group, /apis
// and /apis/GROUP/VERSION for the others.
func (c *Client) Discover(ctx context.Context) ([]APIResource, error) {
	var out []APIResource
	var core meta.APIVersions
	if err := c.getJSON(ctx, "/api", &core); err != nil {
		return nil, err
	}
	for _, v := range core.Versions {
		rs, err := c.discoverGroupVersion(ctx, "", v)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	var groups meta.APIGroupList
	if err := c.getJSON(ctx, "/apis", &groups); err != nil {
		return nil, err
	}
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			rs, err := c.discoverGroupVersion(ctx, g.Name, v.Version)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
		}
	}
	return out, nil
}

func (c *Client) discoverGroupVersion(ctx context.Context, group, version string) ([]APIResource, error) {
	path := "/apis/" + group + "/" + version
	if group == "" {
		path = "/api/" + version
	}
	var l meta.APIResourceList
	if err := c.getJSON(ctx, path, &l); err != nil {
		return nil, err
	}
	var out []APIResource
	for _, r := range l.APIResources {
		if strings.Contains(r.Name, "/") {
			continue // a subresource
		}
		out = append(out, APIResource{
			Group: group, Version: version, Resource: r.Name, Kind: r.Kind,
			Namespaced: r.Namespaced, ShortNames: r.ShortNames, Verbs: r.Verbs,
			SingularName: r.SingularName, Categories: r.Categories,
		})
	}
	return out, nil
}

func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("client: GET %s: decode: %w", path, err)
	}
	return nil
}
