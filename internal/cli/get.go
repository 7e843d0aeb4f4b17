package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/internal/jsonenc"
	"kctl.dev/kctl/printers"
	"kctl.dev/kctl/printers/jsonpath"
)

// kctl get prints what kubectl get prints, byte for byte (checked against
// the real kubectl by TestGetMatchesKubectl), and reads the server as kubectl
// does: tables are the server's meta.k8s.io/v1 Tables (so every kind has its
// columns), lists come in pages of --chunk-size following continue tokens,
// -o json|yaml of several objects is one v1 List.
//
// Long lists are not held whole where the output allows it:
//
//   - tables: kubectl aligns the columns over every page of a listing, so
//     kctl does too; each page is reduced to its cells (and the namespace and
//     labels of its objects, when printed) as it arrives, and the table is
//     written once complete (47 MiB at peak for 10,000 pods, BenchmarkGetPods).
//   - -o json and -o yaml (unsorted): the List is written item by item as
//     pages arrive, in exactly the bytes of the whole List; JSON items are
//     reformatted from the server's bytes without being decoded.
//   - -o name (unsorted): written page by page.
//   - --sort-by, jsonpath, templates and custom columns need every object
//     at once, as kubectl holds them.
//
// A page is fetched while the previous one is printed (client.ListTablePages).

// getOptions are the flags of `kctl get`.
type getOptions struct {
	Output            string
	AllNamespaces     bool
	Selector          string
	FieldSelector     string
	ChunkSize         int64
	NoHeaders         bool
	ShowLabels        bool
	ShowKind          bool
	ShowManagedFields bool
	SortBy            string
	LabelColumns      []string
	Watch             bool
	WatchOnly         bool
	IgnoreNotFound    bool
	Raw               string
}

func newCmdGet(f *Factory, streams IOStreams) *cobra.Command {
	o := &getOptions{ChunkSize: 500}
	cmd := &cobra.Command{
		Use:                   "get [(-o|--output=)json|yaml|name|wide|custom-columns=...|jsonpath=...] (TYPE[.VERSION][.GROUP] [NAME ...] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
		DisableFlagsInUseLine: true,
		Short:                 "Display one or many resources",
		Long: "Display one or many resources.\n\n" +
			"Prints a table of the most important information about the specified resources,\n" +
			"with the columns the server gives for their kind. Filter the list with a label\n" +
			"selector (-l) or a field selector (--field-selector). Namespaced kinds are listed in\n" +
			"the current namespace unless --all-namespaces is given.\n\n" +
			"Use \"kctl api-resources\" for a complete list of supported resources.",
		Example: `  # List all pods in ps output format
  kctl get pods

  # List pods in every namespace, with more information (such as node name)
  kctl get pods -A -o wide

  # List a single pod in JSON output format
  kctl get -o json pod web-pod-13je7

  # List pods and services together
  kctl get pods,services

  # Return only the phase value of the specified pod
  kctl get pod web-pod-13je7 -o jsonpath='{.status.phase}'

  # List resource information in custom columns
  kctl get pod test-pod -o custom-columns=CONTAINER:.spec.containers[0].name,IMAGE:.spec.containers[0].image

  # Watch pods: the current ones first, then every change
  kctl get pods -w

  # Print the raw answer of an API path
  kctl get --raw /api/v1/nodes/node-1/proxy/metrics`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), f, streams, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Output, "output", "o", "", "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	fs.StringVarP(&o.Selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
	fs.StringVar(&o.FieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
	fs.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Return large lists in chunks rather than all at once. Pass 0 to disable.")
	fs.BoolVar(&o.NoHeaders, "no-headers", false, "When using the default or custom-column output format, don't print headers (default print headers).")
	fs.BoolVar(&o.ShowLabels, "show-labels", false, "When printing, show all labels as the last column (default hide labels column)")
	fs.BoolVar(&o.ShowKind, "show-kind", false, "If present, list the resource type for the requested object(s).")
	fs.BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "If true, keep the managedFields when printing objects in JSON or YAML format.")
	fs.StringVar(&o.SortBy, "sort-by", "", "If non-empty, sort list types using this field specification. The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}').")
	fs.StringSliceVarP(&o.LabelColumns, "label-columns", "L", nil, "Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...")
	fs.BoolVarP(&o.Watch, "watch", "w", false, "After listing/getting the requested object, watch for changes.")
	fs.BoolVar(&o.WatchOnly, "watch-only", false, "Watch for changes to the requested object(s), without listing/getting first.")
	fs.BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "If set to true, suppresses NotFound error for specific objects that do not exist.")
	fs.StringVar(&o.Raw, "raw", "", "Raw URI to request from the server.")
	return cmd
}

// getTarget is one resource to get: a list (no names) or named objects.
type getTarget struct {
	res   client.APIResource
	names []string
}

// getArg is one resource type as typed, with the names that go with it.
type getArg struct {
	typ   string
	names []string
}

func (o *getOptions) run(ctx context.Context, f *Factory, streams IOStreams, args []string) error {
	if o.Raw != "" {
		if len(args) > 0 {
			return errors.New("arguments may not be passed when --raw is specified")
		}
		if _, err := url.ParseRequestURI(o.Raw); err != nil {
			return fmt.Errorf("--raw must be a valid URL path: %w", err)
		}
		c, err := f.Client()
		if err != nil {
			return err
		}
		return c.GetRaw(ctx, o.Raw, streams.Out)
	}
	if len(args) == 0 {
		fmt.Fprint(streams.ErrOut, "You must specify the type of resource to get. Use \"kctl api-resources\" for a complete list of supported resources.\n\n")
		return usagef("Required resource not specified.")
	}
	if o.ChunkSize < 0 {
		return usagef("--chunk-size must be a non-negative integer, got %d", o.ChunkSize)
	}
	watching := o.Watch || o.WatchOnly
	if watching && o.SortBy != "" {
		flag := "--watch"
		if !o.Watch {
			flag = "--watch-only"
		}
		fmt.Fprintf(streams.ErrOut, "warning: %s requested, --sort-by will be ignored for watch events received\n", flag)
	}
	popts := printers.Options{
		Output:            o.Output,
		NoHeaders:         o.NoHeaders,
		ShowLabels:        o.ShowLabels,
		LabelColumns:      o.LabelColumns,
		SortBy:            o.SortBy,
		WithNamespace:     o.AllNamespaces,
		ShowManagedFields: o.ShowManagedFields,
		Colour:            getColour(streams.Out),
	}
	// Check the output format before talking to the server.
	if _, err := printers.New(popts); err != nil {
		return err
	}
	gargs, err := getSplitArgs(args)
	if err != nil {
		return err
	}
	named := len(gargs[0].names) > 0
	if named && (o.Selector != "" || o.FieldSelector != "") {
		return fmt.Errorf("name cannot be provided when a selector is specified")
	}
	if named && o.AllNamespaces {
		return fmt.Errorf("a resource cannot be retrieved by name across all namespaces")
	}
	c, err := f.Client()
	if err != nil {
		return err
	}
	disco, err := f.Discovery()
	if err != nil {
		return err
	}
	targets, err := getResolve(ctx, disco, gargs)
	if err != nil {
		return err
	}
	ns := ""
	if !o.AllNamespaces {
		if ns, err = f.Namespace(); err != nil {
			return err
		}
	}
	g := &getRun{o: o, c: c, streams: streams, ns: ns, popts: popts, targets: targets}
	g.popts.WithKind = o.ShowKind || (len(args) == 1 && args[0] == "all")
	if watching {
		err = g.watch(ctx)
	} else {
		err = g.get(ctx)
	}
	return err
}

// getSplitArgs reads the arguments as kubectl does: TYPE[,TYPE...] [NAME...],
// or TYPE/NAME... (then every argument has that form).
func getSplitArgs(args []string) ([]getArg, error) {
	slashed := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashed++
		}
	}
	if slashed == 0 {
		if err := objCheckNames(args); err != nil {
			return nil, err
		}
		var out []getArg
		for _, typ := range strings.Split(args[0], ",") {
			out = append(out, getArg{typ: typ, names: args[1:]})
		}
		return out, nil
	}
	if slashed != len(args) {
		return nil, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kctl get resource/<resource_name>' instead of 'kctl get resource resource/<resource_name>'")
	}
	var out []getArg
	for _, a := range args {
		typ, name, _ := strings.Cut(a, "/")
		if strings.Contains(name, "/") {
			return nil, errors.New("arguments in resource/name form may not have more than one slash")
		}
		if typ == "" || name == "" {
			return nil, errors.New("arguments in resource/name form must have a single resource and name")
		}
		if n := len(out); n > 0 && out[n-1].typ == typ {
			out[n-1].names = append(out[n-1].names, name)
			continue
		}
		out = append(out, getArg{typ: typ, names: []string{name}})
	}
	return out, nil
}

// getDiscovery is what get needs of discovery.
type getDiscovery interface {
	Resolve(ctx context.Context, arg string) (client.APIResource, error)
	Category(ctx context.Context, name string) ([]client.APIResource, error)
}

// getResolve turns the typed resource types into resources: a category
// ("all") into its resources, anything else through discovery. A resource
// listed twice is listed once; consecutive names of one resource join.
func getResolve(ctx context.Context, disco getDiscovery, args []getArg) ([]getTarget, error) {
	var out []getTarget
	listed := map[client.GVR]bool{}
	for _, a := range args {
		resources, err := disco.Category(ctx, a.typ)
		if err != nil {
			return nil, err
		}
		if len(resources) == 0 {
			r, err := disco.Resolve(ctx, a.typ)
			if err != nil {
				return nil, err
			}
			resources = []client.APIResource{r}
		}
		for _, r := range resources {
			if len(a.names) == 0 {
				if listed[r.GVR()] {
					continue
				}
				listed[r.GVR()] = true
			}
			if n := len(out); n > 0 && len(a.names) > 0 && out[n-1].res.GVR() == r.GVR() && len(out[n-1].names) > 0 {
				out[n-1].names = append(out[n-1].names, a.names...)
				continue
			}
			out = append(out, getTarget{res: r, names: slices.Clone(a.names)})
		}
	}
	return out, nil
}

// getRun is one run of `kctl get`.
type getRun struct {
	o       *getOptions
	c       *client.Client
	streams IOStreams
	ns      string // "" with --all-namespaces
	popts   printers.Options
	targets []getTarget
}

func (g *getRun) resource(res client.APIResource) *client.Resource[*unstructured.Unstructured] {
	return client.Dynamic(g.c, res.GVR(), res.Namespaced).Namespace(g.ns)
}

func (g *getRun) listOptions() client.ListOptions {
	return client.ListOptions{LabelSelector: g.o.Selector, FieldSelector: g.o.FieldSelector, Limit: g.o.ChunkSize}
}

func getGroupKind(res client.APIResource) printers.GroupKind {
	return printers.GroupKind{Group: res.Group, Kind: res.Kind}
}

// get prints what the targets name, once.
func (g *getRun) get(ctx context.Context) error {
	p, err := printers.New(g.popts)
	if err != nil {
		return err
	}
	var errs []error
	if p.WantsTable() {
		errs = g.getTables(ctx, p)
	} else {
		errs = g.getObjects(ctx, p)
	}
	return g.reportErrors(errs)
}

// reportErrors prints every error but the last and returns the last, which
// Main prints: each on its own line, as kubectl prints an aggregate.
func (g *getRun) reportErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs[:len(errs)-1] {
		fmt.Fprintln(g.streams.ErrOut, errorLine(err))
	}
	return errs[len(errs)-1]
}

// listError words a list the server refused as kubectl does: a BadRequest
// or NotFound names the resource and the selectors.
func (g *getRun) listError(res client.APIResource, err error) error {
	var se *apierrors.StatusError
	if !errors.As(err, &se) || !(apierrors.IsBadRequest(err) || apierrors.IsNotFound(err)) {
		return err
	}
	gvr := fmt.Sprintf("%s/%s, Resource=%s", res.Group, res.Version, res.Resource)
	st := se.Status
	if g.o.Selector == "" && g.o.FieldSelector == "" {
		st.Message = fmt.Sprintf("Unable to list %q: %s", gvr, st.Message)
	} else {
		st.Message = fmt.Sprintf("Unable to find %q that match label selector %q, field selector %q: %s", gvr, g.o.Selector, g.o.FieldSelector, st.Message)
	}
	return apierrors.FromStatus(st)
}

// getFetched is what was fetched of one target: its Tables (or, from a
// server without a Table for the resource, plain objects and lists).
type getFetched struct {
	res   client.APIResource
	pages []any
}

// getTables prints the targets as tables, the way kubectl get does by
// default: the server's columns, every page of a list aligned together (so
// the output is kubectl's byte for byte; a page is reduced to its cells and
// the little of its objects the columns need before it is kept), a table per
// kind, "No resources found" on stderr when nothing was printed.
func (g *getRun) getTables(ctx context.Context, p printers.Printer) []error {
	out := &getCountingWriter{w: g.streams.Out}
	include := p.IncludeObject()
	trim := getRowTrimmer(include, g.popts)
	var errs []error
	distinct := map[client.GVR]bool{}
	for _, t := range g.targets {
		distinct[t.res.GVR()] = true
	}
	if len(distinct) == 1 {
		// One resource: stream every page into the printer as it comes.
		for _, t := range g.targets {
			p.SetKind(getGroupKind(t.res), t.res.Namespaced)
			errs = append(errs, g.fetchTables(ctx, t, include, func(page any) error {
				return p.Print(trim(page))
			})...)
		}
	} else {
		// Several resources: kubectl names rows "kind/name" only when more
		// than one of them gave an answer, so fetch everything first.
		var fetched []*getFetched
		for _, t := range g.targets {
			fe := &getFetched{res: t.res}
			n := len(errs)
			errs = append(errs, g.fetchTables(ctx, t, include, func(page any) error {
				fe.pages = append(fe.pages, trim(page))
				return nil
			})...)
			if len(fe.pages) > 0 || len(errs) == n {
				fetched = append(fetched, fe)
			}
		}
		answered := map[client.GVR]bool{}
		for _, fe := range fetched {
			answered[fe.res.GVR()] = true
		}
		if len(answered) > 1 && !g.popts.WithKind {
			g.popts.WithKind = true
			var err error
			if p, err = printers.New(g.popts); err != nil {
				return append(errs, err)
			}
		}
		for _, fe := range fetched {
			p.SetKind(getGroupKind(fe.res), fe.res.Namespaced)
			for _, page := range fe.pages {
				if err := p.Print(page); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if err := p.Flush(out); err != nil {
		errs = append(errs, err)
	}
	if out.n == 0 && len(errs) == 0 && !g.o.IgnoreNotFound {
		allNamespaced := g.ns != ""
		for _, t := range g.targets {
			allNamespaced = allNamespaced && t.res.Namespaced
		}
		if allNamespaced {
			fmt.Fprintf(g.streams.ErrOut, "No resources found in %s namespace.\n", g.ns)
		} else {
			fmt.Fprintln(g.streams.ErrOut, "No resources found")
		}
	}
	return errs
}

// fetchTables gets target's objects as Tables, page by page for a list, and
// hands each to emit. It returns the errors met: a missing named object does
// not stop the others.
func (g *getRun) fetchTables(ctx context.Context, t getTarget, include string, emit func(any) error) []error {
	r := g.resource(t.res)
	if len(t.names) == 0 {
		err := r.ListTablePages(ctx, g.listOptions(), include, func(tab *meta.Table) error { return emit(tab) })
		var nt *client.NotTableError
		if errors.As(err, &nt) {
			// No Table for this resource: print its objects plainly.
			err = r.ListPages(ctx, g.listOptions(), func(l *client.List[*unstructured.Unstructured]) error { return emit(l) })
		}
		if err != nil {
			return []error{g.listError(t.res, err)}
		}
		return nil
	}
	var errs []error
	for _, name := range t.names {
		tab, err := r.GetTable(ctx, name, include)
		var nt *client.NotTableError
		switch {
		case errors.As(err, &nt):
			err = emit(nt.Object)
		case err == nil:
			err = emit(tab)
		}
		if err != nil {
			if g.o.IgnoreNotFound && apierrors.IsNotFound(err) {
				continue
			}
			errs = append(errs, err)
		}
	}
	return errs
}

// getRowTrimmer returns what reduces a Table page to what the printer reads
// of it: the cells, and of each row's object only the namespace (for -A) and
// the labels (for --show-labels and -L). A sorted table needs the whole object.
func getRowTrimmer(include string, o printers.Options) func(any) any {
	if include == client.IncludeObject {
		return func(page any) any { return page }
	}
	labels := o.ShowLabels || len(o.LabelColumns) > 0
	return func(page any) any {
		t, ok := page.(*meta.Table)
		if !ok {
			return page
		}
		for i := range t.Rows {
			row := &t.Rows[i]
			if len(row.Object) == 0 {
				continue
			}
			if !labels && !o.WithNamespace {
				row.Object = nil
				continue
			}
			var head struct {
				Metadata struct {
					Name      string            `json:"name,omitempty"`
					Namespace string            `json:"namespace,omitempty"`
					Labels    map[string]string `json:"labels,omitempty"`
				} `json:"metadata"`
			}
			if json.Unmarshal(row.Object, &head) != nil {
				continue // leave it to the printer to report
			}
			if !labels {
				head.Metadata.Labels = nil
			}
			if b, err := json.Marshal(head); err == nil {
				row.Object = b
			}
		}
		return t
	}
}

// getObjects prints the targets' objects in a format of whole objects (json,
// yaml, name, templates, custom columns): a single named object as itself,
// anything else as one v1 List, as kubectl does. JSON and YAML lists (not
// sorted) are written item by item as pages arrive, and -o name page by
// page, so a long list is never held whole; the other formats need every
// object at once.
func (g *getRun) getObjects(ctx context.Context, p printers.Printer) []error {
	if len(g.targets) == 1 && len(g.targets[0].names) == 1 {
		// One object named: printed as itself, and its error alone.
		t := g.targets[0]
		obj, err := g.resource(t.res).Get(ctx, t.names[0])
		if err != nil {
			if g.o.IgnoreNotFound && apierrors.IsNotFound(err) {
				return nil
			}
			return []error{err}
		}
		p.SetKind(getGroupKind(t.res), t.res.Namespaced)
		if err := p.Print(obj); err != nil {
			return []error{err}
		}
		if err := p.Flush(g.streams.Out); err != nil {
			return []error{err}
		}
		return nil
	}
	format := strings.ToLower(g.o.Output)
	stream := (format == "json" || format == "yaml") && g.o.SortBy == ""
	var emit func(any) error
	var finish func() error
	switch {
	case stream:
		s := newGetListStream(g.streams.Out, format == "yaml", g.o.ShowManagedFields)
		if err := s.begin(); err != nil {
			return []error{err}
		}
		emit = func(v any) error {
			switch v := v.(type) {
			case *client.RawList:
				for _, it := range v.Items {
					if err := s.item(it); err != nil {
						return err
					}
				}
				return nil
			case *unstructured.Unstructured:
				b, err := v.MarshalJSON()
				if err != nil {
					return err
				}
				return s.item(b)
			}
			return fmt.Errorf("cannot print %T", v)
		}
		finish = s.end
	case format == "name" && g.o.SortBy == "":
		emit = func(v any) error {
			if err := p.Print(v); err != nil {
				return err
			}
			return p.Flush(g.streams.Out)
		}
		finish = func() error { return nil }
	default:
		emit = func(v any) error {
			if u, ok := v.(*unstructured.Unstructured); ok {
				// A named object joins the List, even when it is the only
				// one that could be fetched.
				v = map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{u.Object}}
			}
			return p.Print(v)
		}
		finish = func() error { return p.Flush(g.streams.Out) }
	}
	var errs []error
	printed := false
	for _, t := range g.targets {
		p.SetKind(getGroupKind(t.res), t.res.Namespaced)
		r := g.resource(t.res)
		if len(t.names) == 0 {
			var err error
			if stream {
				// The items go out as they are, reformatted: never decoded.
				err = r.ListRawPages(ctx, g.listOptions(), func(l *client.RawList) error {
					printed = true
					return emit(l)
				})
			} else {
				err = r.ListPages(ctx, g.listOptions(), func(l *client.List[*unstructured.Unstructured]) error {
					printed = true
					return emit(l)
				})
			}
			if err != nil {
				errs = append(errs, g.listError(t.res, err))
			}
			continue
		}
		for _, name := range t.names {
			obj, err := r.Get(ctx, name)
			if err == nil {
				printed = true
				err = emit(obj)
			}
			if err != nil && !(g.o.IgnoreNotFound && apierrors.IsNotFound(err)) {
				errs = append(errs, err)
			}
		}
	}
	if !printed && !stream {
		// An empty List: what the formats print for it (a header for
		// custom columns, an empty List for json and yaml).
		if err := p.Print(map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{}}); err != nil {
			errs = append(errs, err)
		}
	}
	if err := finish(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// getListStream writes a v1 List in kubectl's JSON or YAML form one item at
// a time: the same bytes as printing the whole List at once (keys sorted,
// JSON indented by four spaces, managedFields dropped), without holding it.
type getListStream struct {
	w                 io.Writer
	yaml              bool
	showManagedFields bool
	n                 int
	buf               []byte
}

func newGetListStream(w io.Writer, yaml, showManagedFields bool) *getListStream {
	return &getListStream{w: w, yaml: yaml, showManagedFields: showManagedFields}
}

func (s *getListStream) begin() error {
	if s.yaml {
		_, err := io.WriteString(s.w, "apiVersion: v1\nitems:")
		return err
	}
	_, err := io.WriteString(s.w, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [")
	return err
}

// item writes one item, as the server sent it.
func (s *getListStream) item(raw []byte) error {
	var b []byte
	if s.yaml {
		obj, err := unstructured.DecodeMap(raw)
		if err != nil {
			return fmt.Errorf("decode an item: %w", err)
		}
		m, ok := jsonpath.Normalize(obj).(map[string]any)
		if !ok {
			return fmt.Errorf("an item is not an object")
		}
		if !s.showManagedFields {
			if md, ok := m["metadata"].(map[string]any); ok {
				delete(md, "managedFields")
			}
		}
		// Rendered inside a list, at the depth and column it has in the
		// List, so that long lines fold where they would in the whole List.
		y, err := yaml.Marshal(map[string]any{"items": []any{m}})
		if err != nil {
			return err
		}
		b = append([]byte("\n"), strings.TrimSuffix(strings.TrimPrefix(string(y), "items:\n"), "\n")...)
	} else {
		sep := ",\n        "
		if s.n == 0 {
			sep = "\n        "
		}
		s.buf = append(s.buf[:0], sep...)
		var err error
		if s.buf, err = getIndentJSON(s.buf, raw, "        ", !s.showManagedFields); err != nil {
			return err
		}
		b = s.buf
	}
	s.n++
	_, err := s.w.Write(b)
	return err
}

func (s *getListStream) end() error {
	var tail string
	switch {
	case s.yaml && s.n == 0:
		tail = " []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
	case s.yaml:
		tail = "\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
	case s.n == 0:
		tail = "],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	default:
		tail = "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	}
	_, err := io.WriteString(s.w, tail)
	return err
}

// watch is get --watch and --watch-only: the current state (unless
// --watch-only), then every change, until the server ends the stream or the
// command is interrupted.
func (g *getRun) watch(ctx context.Context) error {
	if len(g.targets) != 1 {
		return errors.New("you may only specify a single resource type")
	}
	t := g.targets[0]
	if len(t.names) > 1 {
		return errors.New("you may only watch a single resource or type of resource at a time")
	}
	p, err := printers.New(g.popts)
	if err != nil {
		return err
	}
	p.SetKind(getGroupKind(t.res), t.res.Namespaced)
	if p.WantsTable() {
		return g.watchTables(ctx, p, t)
	}
	return g.watchObjects(ctx, p, t)
}

func (g *getRun) printNow(p printers.Printer, obj any) error {
	if err := p.Print(obj); err != nil {
		return err
	}
	return p.Flush(g.streams.Out)
}

// watchStart returns the options of the watch that follows the first
// state: from the list's resourceVersion, or, for one named object, from
// "0" with a field selector on its name (the server then sends the object
// first, and that event is skipped).
func (g *getRun) watchStart(t getTarget, listRV string) (client.ListOptions, bool) {
	opts := client.ListOptions{LabelSelector: g.o.Selector, FieldSelector: g.o.FieldSelector}
	if len(t.names) == 0 {
		opts.ResourceVersion = listRV
		return opts, false
	}
	opts.FieldSelector = "metadata.name=" + t.names[0]
	opts.ResourceVersion = "0"
	return opts, true
}

func (g *getRun) watchTables(ctx context.Context, p printers.Printer, t getTarget) error {
	r := g.resource(t.res)
	include := p.IncludeObject()
	var rv string
	if len(t.names) == 1 {
		tab, err := r.GetTable(ctx, t.names[0], include)
		if err != nil {
			return err
		}
		if !g.o.WatchOnly {
			if err := g.printNow(p, tab); err != nil {
				return err
			}
		}
	} else {
		first := true
		err := r.ListTablePages(ctx, g.listOptions(), include, func(tab *meta.Table) error {
			if first {
				rv, first = tab.ResourceVersion, false
			}
			if g.o.WatchOnly {
				return nil
			}
			return p.Print(tab)
		})
		if err != nil {
			return err
		}
		if err := p.Flush(g.streams.Out); err != nil {
			return err
		}
	}
	opts, skipFirst := g.watchStart(t, rv)
	w, err := r.WatchTable(ctx, opts, include)
	if err != nil {
		return err
	}
	return g.follow(ctx, w.Stop, skipFirst, func() (string, any, *meta.Status, error) {
		ev, err := w.Next()
		return ev.Type, ev.Object, ev.Status, err
	}, p)
}

func (g *getRun) watchObjects(ctx context.Context, p printers.Printer, t getTarget) error {
	r := g.resource(t.res)
	var rv string
	if len(t.names) == 1 {
		obj, err := r.Get(ctx, t.names[0])
		if err != nil {
			return err
		}
		if !g.o.WatchOnly {
			if err := g.printNow(p, obj); err != nil {
				return err
			}
		}
	} else {
		first := true
		err := r.ListPages(ctx, g.listOptions(), func(l *client.List[*unstructured.Unstructured]) error {
			if first {
				rv, first = l.ResourceVersion, false
			}
			if g.o.WatchOnly {
				return nil
			}
			// Each item of the first list is printed as itself.
			for _, it := range l.Items {
				if err := g.printNow(p, it); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	opts, skipFirst := g.watchStart(t, rv)
	w, err := r.Watch(ctx, opts)
	if err != nil {
		return err
	}
	return g.follow(ctx, w.Stop, skipFirst, func() (string, any, *meta.Status, error) {
		ev, err := w.Next()
		return ev.Type, ev.Object, ev.Status, err
	}, p)
}

// follow prints watch events until the stream ends (quietly, as kubectl),
// the context ends, or the server reports an error.
func (g *getRun) follow(ctx context.Context, stop func(), skipFirst bool, next func() (string, any, *meta.Status, error), p printers.Printer) error {
	defer stop()
	unwatch := context.AfterFunc(ctx, stop)
	defer unwatch()
	for {
		typ, obj, status, err := next()
		if getWatchClosed(err) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		switch typ {
		case meta.Bookmark:
			continue
		case meta.Error:
			if status == nil {
				return errors.New("watch: an ERROR event without a status")
			}
			return apierrors.FromStatus(*status)
		}
		if skipFirst {
			skipFirst = false
			continue
		}
		if err := g.printNow(p, obj); err != nil {
			return err
		}
	}
}

// getWatchClosed reports whether err is the end of the watch stream rather
// than a failure: a normal close, or the connection cut or reset under it (a
// server stopped or killed). kubectl's get --watch ends quietly, exit 0, on
// all of these (client-go's stream watcher takes them as the stream's end).
func getWatchClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

// getCountingWriter counts what is written through it.
type getCountingWriter struct {
	w io.Writer
	n int64
}

func (c *getCountingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// getColour reports whether tables may be coloured: out is a terminal and
// NO_COLOR is not set (https://no-color.org).
func getColour(out io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := out.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// getIndentJSON appends raw, one JSON object as a server sends it, to dst as
// kubectl prints it: what json.MarshalIndent(jsonpath.Normalize(decoded),
// prefix, "    ") gives for the object decoded into maps (keys sorted, a
// repeated key's last value kept, strings re-escaped with HTML escaping,
// numbers as int64 or float64), metadata.managedFields left out when
// dropManagedFields. It reformats the bytes in one pass instead of decoding
// them into maps and encoding those, which is several times faster for
// large lists; TestGetIndentJSON checks it against that path.
func getIndentJSON(dst, raw []byte, prefix string, dropManagedFields bool) ([]byte, error) {
	p := &getJSONParser{src: raw, prefix: prefix, dropManagedFields: dropManagedFields}
	p.space()
	if p.pos >= len(raw) || raw[p.pos] != '{' {
		return nil, errors.New("an item is not a JSON object")
	}
	out, err := p.value(dst, 0, false)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(raw) {
		return nil, fmt.Errorf("unexpected data after an object at offset %d", p.pos)
	}
	return out, nil
}

type getJSONParser struct {
	src               []byte
	pos               int
	prefix            string
	dropManagedFields bool
	scratch           [][]byte // buffers of objects being built, by depth
}

// getJSONMember is a rendered object member.
type getJSONMember struct {
	key        string
	start, end int // of the rendered value in the depth's buffer
}

var errGetJSONSyntax = errors.New("invalid JSON from the server")

func (p *getJSONParser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *getJSONParser) newline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, p.prefix...)
	for range depth {
		dst = append(dst, "    "...)
	}
	return dst
}

// value renders the value at p.pos, at depth (its first line not indented).
// metadata says it is the top-level object's metadata.
func (p *getJSONParser) value(dst []byte, depth int, metadata bool) ([]byte, error) {
	p.space()
	if p.pos >= len(p.src) {
		return nil, errGetJSONSyntax
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(dst, depth, metadata)
	case c == '[':
		return p.array(dst, depth)
	case c == '"':
		tok, plain, err := p.scanStr()
		if err != nil {
			return nil, err
		}
		if plain {
			return jsonenc.AppendQuoted(dst, tok[1:len(tok)-1]), nil
		}
		var s string
		if err := json.Unmarshal(tok, &s); err != nil {
			return nil, errGetJSONSyntax
		}
		return jsonenc.AppendQuoted(dst, s), nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(p.src)-p.pos >= len(lit) && string(p.src[p.pos:p.pos+len(lit)]) == lit {
				p.pos += len(lit)
				return append(dst, lit...), nil
			}
		}
		return nil, errGetJSONSyntax
	default:
		return p.number(dst)
	}
}

func (p *getJSONParser) object(dst []byte, depth int, metadata bool) ([]byte, error) {
	p.pos++ // {
	// Members are rendered into a buffer of their own, sorted, then copied.
	for len(p.scratch) <= depth {
		p.scratch = append(p.scratch, nil)
	}
	buf := p.scratch[depth][:0]
	var members []getJSONMember
	for {
		p.space()
		if p.pos >= len(p.src) {
			return nil, errGetJSONSyntax
		}
		if p.src[p.pos] == '}' && len(members) == 0 {
			p.pos++
			break
		}
		if p.src[p.pos] != '"' {
			return nil, errGetJSONSyntax
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, errGetJSONSyntax
		}
		p.pos++
		if metadata && p.dropManagedFields && key == "managedFields" {
			if err := p.skip(); err != nil {
				return nil, err
			}
		} else {
			start := len(buf)
			// The member's value may use deeper scratch buffers, never this one.
			p.scratch[depth] = buf
			out, err := p.value(buf, depth+1, depth == 0 && key == "metadata")
			if err != nil {
				return nil, err
			}
			buf = out
			members = append(members, getJSONMember{key: key, start: start, end: len(buf)})
		}
		p.space()
		if p.pos >= len(p.src) {
			return nil, errGetJSONSyntax
		}
		if p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.src[p.pos] != '}' {
			return nil, errGetJSONSyntax
		}
		p.pos++
		break
	}
	p.scratch[depth] = buf
	// Sorted by key; of repeated keys the last is kept, as a map keeps it.
	slices.SortStableFunc(members, func(a, b getJSONMember) int { return strings.Compare(a.key, b.key) })
	kept := members[:0]
	for i, m := range members {
		if i+1 < len(members) && members[i+1].key == m.key {
			continue
		}
		kept = append(kept, m)
	}
	if len(kept) == 0 {
		return append(dst, "{}"...), nil
	}
	dst = append(dst, '{')
	for i, m := range kept {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = p.newline(dst, depth+1)
		dst = jsonenc.AppendQuoted(dst, m.key)
		dst = append(dst, ':', ' ')
		dst = append(dst, buf[m.start:m.end]...)
	}
	dst = p.newline(dst, depth)
	return append(dst, '}'), nil
}

func (p *getJSONParser) array(dst []byte, depth int) ([]byte, error) {
	p.pos++ // [
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return append(dst, "[]"...), nil
	}
	dst = append(dst, '[')
	for first := true; ; first = false {
		if !first {
			dst = append(dst, ',')
		}
		dst = p.newline(dst, depth+1)
		var err error
		if dst, err = p.value(dst, depth+1, false); err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.src) {
			return nil, errGetJSONSyntax
		}
		if p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.src[p.pos] != ']' {
			return nil, errGetJSONSyntax
		}
		p.pos++
		break
	}
	dst = p.newline(dst, depth)
	return append(dst, ']'), nil
}

// scanStr passes over a string token and returns it, quotes included, and
// whether it is plain: printable ASCII without escapes, its value as written.
func (p *getJSONParser) scanStr() ([]byte, bool, error) {
	start := p.pos
	p.pos++
	plain := true
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return p.src[start:p.pos], plain, nil
		case c == '\\':
			plain = false
			p.pos += 2
			continue
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = false
		}
		p.pos++
	}
	return nil, false, errGetJSONSyntax
}

// str reads a string token and returns its value, decoded as encoding/json
// decodes it (escapes resolved, invalid UTF-8 replaced).
func (p *getJSONParser) str() (string, error) {
	tok, plain, err := p.scanStr()
	if err != nil {
		return "", err
	}
	if plain {
		return string(tok[1 : len(tok)-1]), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", errGetJSONSyntax
	}
	return s, nil
}

// number renders a number as jsonpath.Normalize and encoding/json print it.
func (p *getJSONParser) number(dst []byte) ([]byte, error) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.pos++
			continue
		}
		break
	}
	tok := string(p.src[start:p.pos])
	if tok == "" {
		return nil, errGetJSONSyntax
	}
	if i, err := strconv.ParseInt(tok, 10, 64); err == nil {
		return strconv.AppendInt(dst, i, 10), nil
	}
	b, err := json.Marshal(jsonpath.Normalize(json.Number(tok)))
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// skip passes over one value.
func (p *getJSONParser) skip() error {
	p.space()
	if p.pos >= len(p.src) {
		return errGetJSONSyntax
	}
	switch p.src[p.pos] {
	case '"':
		_, _, err := p.scanStr()
		return err
	case '{', '[':
		depth := 0
		for p.pos < len(p.src) {
			switch p.src[p.pos] {
			case '"':
				if _, _, err := p.scanStr(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					p.pos++
					return nil
				}
			}
			p.pos++
		}
		return errGetJSONSyntax
	}
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return nil
		}
		p.pos++
	}
	return nil
}
