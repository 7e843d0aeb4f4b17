package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/printers"
)

// apiResourcesOptions are the flags of `kctl api-resources`.
type apiResourcesOptions struct {
	Output     string
	APIGroup   string
	Namespaced bool
	Verbs      []string
	Categories []string
	SortBy     string
	NoHeaders  bool
	Cached     bool

	namespacedSet bool // --namespaced was given
}

func newCmdAPIResources(f *Factory, streams IOStreams) *cobra.Command {
	o := &apiResourcesOptions{Namespaced: true}
	cmd := &cobra.Command{
		Use:   "api-resources",
		Short: "Print the supported API resources on the server",
		Long:  "Print the supported API resources on the server.",
		Example: `  # Print the supported API resources
  kctl api-resources

  # Print the supported API resources with more information
  kctl api-resources -o wide

  # Print the supported API resources sorted by a column
  kctl api-resources --sort-by=name

  # Print the supported namespaced resources
  kctl api-resources --namespaced=true

  # Print the supported non-namespaced resources
  kctl api-resources --namespaced=false

  # Print the supported API resources with a specific APIGroup
  kctl api-resources --api-group=rbac.authorization.k8s.io`,
		Args: noArgs("unexpected arguments", true),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.namespacedSet = cmd.Flags().Changed("namespaced")
			return o.run(cmd.Context(), f, streams)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Output, "output", "o", "", "Output format. One of: (wide, name).")
	fs.StringVar(&o.APIGroup, "api-group", "", "Limit to resources in the specified API group.")
	fs.BoolVar(&o.Namespaced, "namespaced", o.Namespaced, "If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.")
	fs.StringSliceVar(&o.Verbs, "verbs", nil, "Limit to resources that support the specified verbs.")
	fs.StringSliceVar(&o.Categories, "categories", nil, "Limit to resources that belong to the specified categories.")
	fs.StringVar(&o.SortBy, "sort-by", "", "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.")
	fs.BoolVar(&o.NoHeaders, "no-headers", false, "When using the default or custom-column output format, don't print headers (default print headers).")
	fs.BoolVar(&o.Cached, "cached", false, "Use the cached list of resources if available.")
	return cmd
}

func (o *apiResourcesOptions) run(ctx context.Context, f *Factory, streams IOStreams) error {
	switch o.Output {
	case "", "wide", "name":
	default:
		return fmt.Errorf("--output %s is not available", o.Output)
	}
	switch o.SortBy {
	case "", "name", "kind":
	default:
		return fmt.Errorf("--sort-by accepts only name or kind")
	}
	disco, err := f.Discovery()
	if err != nil {
		return err
	}
	if !o.Cached {
		disco.Invalidate()
	}
	all, err := disco.Resources(ctx)
	if err != nil {
		return err
	}
	resources := o.filter(all)
	apiResourcesSort(resources, o.SortBy)
	if o.Output == "name" {
		return apiResourcesNames(streams.Out, resources)
	}
	return o.printTable(streams.Out, resources)
}

// filter keeps the resources the flags select.
func (o *apiResourcesOptions) filter(all []client.APIResource) []client.APIResource {
	var out []client.APIResource
	for _, r := range all {
		if o.APIGroup != "" && r.Group != o.APIGroup {
			continue
		}
		if o.namespacedSet && r.Namespaced != o.Namespaced {
			continue
		}
		if !apiResourcesHasAll(r.Verbs, o.Verbs) || !apiResourcesHasAll(r.Categories, o.Categories) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func apiResourcesHasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// apiResourcesSort orders resources as kubectl does: by group (the core group
// first), or by the --sort-by field, then by name.
func apiResourcesSort(rs []client.APIResource, by string) {
	key := func(r client.APIResource) string {
		switch by {
		case "name":
			return r.Resource
		case "kind":
			return r.Kind
		}
		return r.Group
	}
	slices.SortStableFunc(rs, func(a, b client.APIResource) int {
		if c := strings.Compare(key(a), key(b)); c != 0 {
			return c
		}
		return strings.Compare(a.Resource, b.Resource)
	})
}

func apiResourcesNames(w io.Writer, rs []client.APIResource) error {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Resource)
		if r.Group != "" {
			b.WriteString("." + r.Group)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printTable prints the resources through the table printer, so that the
// columns are laid out as every kctl table (and as kubectl's).
func (o *apiResourcesOptions) printTable(w io.Writer, rs []client.APIResource) error {
	wide := o.Output == "wide"
	t := &meta.Table{
		TypeMeta: meta.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ColumnDefinitions: []meta.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name"},
			{Name: "ShortNames", Type: "string"},
			{Name: "APIVersion", Type: "string"},
			{Name: "Namespaced", Type: "string"},
			{Name: "Kind", Type: "string"},
		},
	}
	if wide {
		t.ColumnDefinitions = append(t.ColumnDefinitions,
			meta.TableColumnDefinition{Name: "Verbs", Type: "string"},
			meta.TableColumnDefinition{Name: "Categories", Type: "string"})
	}
	for _, r := range rs {
		apiVersion := r.Version
		if r.Group != "" {
			apiVersion = r.Group + "/" + r.Version
		}
		cells := []any{r.Resource, strings.Join(r.ShortNames, ","), apiVersion, fmt.Sprint(r.Namespaced), r.Kind}
		if wide {
			verbs := slices.Clone(r.Verbs)
			slices.Sort(verbs)
			verbs = slices.Compact(verbs)
			cells = append(cells, strings.Join(verbs, ","), strings.Join(r.Categories, ","))
		}
		t.Rows = append(t.Rows, meta.TableRow{Cells: cells})
	}
	popts := printers.Options{NoHeaders: o.NoHeaders, Colour: getColour(w)}
	if len(t.Rows) == 0 && !o.NoHeaders {
		// kubectl prints the header of an empty list; a table printer
		// prints nothing for a table without rows: print the header as
		// the only row.
		header := make([]any, len(t.ColumnDefinitions))
		for i, c := range t.ColumnDefinitions {
			header[i] = strings.ToUpper(c.Name)
		}
		t.Rows = []meta.TableRow{{Cells: header}}
		popts.NoHeaders = true
	}
	p, err := printers.New(popts)
	if err != nil {
		return err
	}
	if len(t.Rows) > 0 {
		if err := p.Print(t); err != nil {
			return err
		}
	}
	return p.Flush(w)
}
