package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/informer"
	"kctl.dev/kctl/printers"
)

// watchOptions are the flags of `kctl watch`.
type watchOptions struct {
	AllNamespaces bool
	Selector      string
	FieldSelector string
	NoHeaders     bool
	Output        string
}

// watchTimeFormat is the format of the TIME column: when kctl saw the event.
const watchTimeFormat = "15:04:05"

func newCmdWatch(f *Factory, streams IOStreams) *cobra.Command {
	o := &watchOptions{}
	cmd := &cobra.Command{
		Use:   "watch TYPE[.VERSION][.GROUP] [flags]",
		Short: "Follow the changes to resources, one line per change",
		Long: "Follow the changes to the resources of one type, live: one line per change, with\n" +
			"the change (ADDED, MODIFIED, DELETED), the object's columns as `kctl get` prints\n" +
			"them, and the time it was seen. The objects present at the start are printed as\n" +
			"ADDED first.\n\n" +
			"The watch survives server restarts and lost connections: it resumes where it\n" +
			"stopped or, when the server no longer has that history, lists again and prints\n" +
			"only what changed meanwhile, so no change is missed or printed twice. It says so\n" +
			"on stderr when the connection is lost and when it is back.",
		Example: `  # Follow the pods of the current namespace
  kctl watch pods

  # Follow the deployments of every namespace labelled app=web
  kctl watch deployments -A -l app=web`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("exactly one resource type is required, got %d arguments", len(args))
			}
			return o.run(cmd.Context(), f, streams, args[0])
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, watch the resources of every namespace.")
	fs.StringVarP(&o.Selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2).")
	fs.StringVar(&o.FieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2).")
	fs.BoolVar(&o.NoHeaders, "no-headers", false, "Don't print the header.")
	fs.StringVarP(&o.Output, "output", "o", "", "Output format: wide adds the server's extra columns.")
	return cmd
}

func (o *watchOptions) run(ctx context.Context, f *Factory, streams IOStreams, arg string) error {
	if o.Output != "" && o.Output != "wide" {
		return usagef("--output must be wide, got %q", o.Output)
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	// The informer retries with its own backoff and says so: the client's
	// retries would only hide a lost connection for a while.
	wcfg := *cfg
	wcfg.MaxRetries = -1
	c, err := client.New(&wcfg)
	if err != nil {
		return err
	}
	defer c.Close()
	disco, err := f.Discovery()
	if err != nil {
		return err
	}
	res, err := disco.Resolve(ctx, arg)
	if err != nil {
		return err
	}
	ns := ""
	if !o.AllNamespaces {
		if ns, err = f.Namespace(); err != nil {
			return err
		}
	}
	p, err := printers.New(printers.Options{Output: o.Output, NoHeaders: o.NoHeaders, Colour: getColour(streams.Out)})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lw := &watchRows{r: client.Dynamic(c, res.GVR(), res.Namespaced).Namespace(ns), errOut: streams.ErrOut}
	inf := informer.New[*unstructured.Unstructured](lw, informer.Options[*unstructured.Unstructured]{
		LabelSelector: o.Selector,
		FieldSelector: o.FieldSelector,
		OnWatchError: func(err error) {
			if !lw.listed.Load() && watchFatal(err) {
				// The first list is refused (a bad selector, no such
				// resource): no point in retrying.
				cancel(err)
				return
			}
			lw.lost(err)
		},
	})
	pr := &watchPrinter{p: p, out: streams.Out, rows: lw, withNamespace: o.AllNamespaces && res.Namespaced, now: time.Now}
	if _, err := inf.AddEventHandler(informer.HandlerFuncs[*unstructured.Unstructured]{
		AddFunc:    func(obj *unstructured.Unstructured, _ bool) { pr.print(meta.Added, obj) },
		UpdateFunc: func(_, obj *unstructured.Unstructured) { pr.print(meta.Modified, obj) },
		DeleteFunc: func(obj *unstructured.Unstructured, _ *cache.Tombstone[*unstructured.Unstructured]) {
			pr.print(meta.Deleted, obj)
		},
	}); err != nil {
		return err
	}
	inf.Run(ctx)
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return pr.err()
}

// watchFatal reports an error the server gave for a request it will refuse
// again (4xx other than 410 and 429).
func watchFatal(err error) bool {
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		return false
	}
	code := apierrors.CodeFor(err)
	return code >= 400 && code < 500 && code != http.StatusGone && code != http.StatusTooManyRequests
}

// watchCellsKey holds, in each cached object, the cells of its Table row.
const watchCellsKey = "kctl.dev/cells"

// watchRows lists and watches one resource as Tables and hands the informer
// each row as an object: the row's object (its metadata, which is what the
// informer needs: name, namespace, uid, resourceVersion) carrying the row's
// cells. The informer's cache and relist diff thus work on rows. It also
// tells stderr when the connection is lost and when it is back.
type watchRows struct {
	r      *client.Resource[*unstructured.Unstructured]
	errOut io.Writer

	mu      sync.Mutex
	columns []meta.TableColumnDefinition

	listed  atomic.Bool // a list has succeeded
	failing atomic.Bool // an error was reported and nothing succeeded since
}

var _ informer.ListerWatcher[*unstructured.Unstructured] = (*watchRows)(nil)

func (w *watchRows) setColumns(cols []meta.TableColumnDefinition) {
	if len(cols) == 0 {
		return
	}
	w.mu.Lock()
	w.columns = cols
	w.mu.Unlock()
}

func (w *watchRows) getColumns() []meta.TableColumnDefinition {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.columns
}

// lost is told of every failure; it reports the first of a run of them.
func (w *watchRows) lost(err error) {
	if !w.failing.CompareAndSwap(false, true) {
		return
	}
	if apierrors.IsGone(err) || apierrors.IsResourceExpired(err) {
		fmt.Fprintf(w.errOut, "kctl watch: the server no longer has the changes since the last one seen (%s); listing again\n", watchErrorText(err))
		return
	}
	fmt.Fprintf(w.errOut, "kctl watch: lost the watch (%s); reconnecting\n", watchErrorText(err))
}

// back is told of every success; it reports the first after failures.
func (w *watchRows) back(how string) {
	if w.failing.CompareAndSwap(true, false) {
		fmt.Fprintf(w.errOut, "kctl watch: %s\n", how)
	}
}

// watchErrorText is err on one line, the server's errors as kubectl words them.
func watchErrorText(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return "connection lost"
	}
	msg := errorText(err)
	for _, prefix := range []string{"client: ", "watch: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

func (w *watchRows) List(ctx context.Context, opts client.ListOptions) (*client.List[*unstructured.Unstructured], error) {
	t, err := w.r.ListTable(ctx, opts, client.IncludeMetadata)
	if err != nil {
		return nil, err
	}
	w.setColumns(t.ColumnDefinitions)
	l := &client.List[*unstructured.Unstructured]{ListMeta: t.ListMeta, Items: make([]*unstructured.Unstructured, 0, len(t.Rows))}
	for _, row := range t.Rows {
		obj, err := watchRowObject(row)
		if err != nil {
			return nil, err
		}
		l.Items = append(l.Items, obj)
	}
	if t.Continue == "" {
		if w.listed.Swap(true) {
			w.back("listed again; printing what changed meanwhile")
		}
	}
	return l, nil
}

func (w *watchRows) Watch(ctx context.Context, opts client.ListOptions) (client.Watch[*unstructured.Unstructured], error) {
	tw, err := w.r.WatchTable(ctx, opts, client.IncludeMetadata)
	if err != nil {
		return nil, err
	}
	w.back("reconnected; resuming from resourceVersion " + opts.ResourceVersion)
	return &watchRowStream{w: w, tw: tw}, nil
}

// watchRowObject turns a Table row into the object the informer caches.
func watchRowObject(row meta.TableRow) (*unstructured.Unstructured, error) {
	if len(row.Object) == 0 || string(row.Object) == "null" {
		return nil, errors.New("the server sent a Table row without its object's metadata")
	}
	obj, err := unstructured.Decode(row.Object)
	if err != nil {
		return nil, fmt.Errorf("decode a Table row's object: %w", err)
	}
	obj.Object[watchCellsKey] = row.Cells
	return obj, nil
}

// watchRowStream turns a Table watch into a watch of row objects.
type watchRowStream struct {
	w  *watchRows
	tw client.Watch[*meta.Table]
}

func (s *watchRowStream) Stop() { s.tw.Stop() }

func (s *watchRowStream) Next() (client.Event[*unstructured.Unstructured], error) {
	ev, err := s.tw.Next()
	out := client.Event[*unstructured.Unstructured]{Type: ev.Type, Status: ev.Status, ResourceVersion: ev.ResourceVersion, InitialEventsEnd: ev.InitialEventsEnd}
	if err != nil || ev.Object == nil {
		return out, err
	}
	s.w.setColumns(ev.Object.ColumnDefinitions)
	switch ev.Type {
	case meta.Bookmark:
		out.Object = &unstructured.Unstructured{Object: map[string]any{
			"metadata": map[string]any{"resourceVersion": ev.ResourceVersion},
		}}
		return out, nil
	case meta.Added, meta.Modified, meta.Deleted:
		if len(ev.Object.Rows) != 1 {
			return out, fmt.Errorf("client: watch: a %s event with %d Table rows, want 1", ev.Type, len(ev.Object.Rows))
		}
		out.Object, err = watchRowObject(ev.Object.Rows[0])
		return out, err
	}
	return out, nil
}

// watchPrinter prints one line per change: the change, the namespace (with
// -A), the object's columns, the time. It is called from the informer's
// handler goroutine only.
type watchPrinter struct {
	p             printers.Printer
	out           io.Writer
	rows          *watchRows
	withNamespace bool
	now           func() time.Time

	mu       sync.Mutex
	firstErr error
}

func (pr *watchPrinter) print(typ string, obj *unstructured.Unstructured) {
	cells, _ := obj.Object[watchCellsKey].([]any)
	server := pr.rows.getColumns()
	cols := make([]meta.TableColumnDefinition, 0, len(server)+3)
	row := make([]any, 0, len(cells)+3)
	cols = append(cols, meta.TableColumnDefinition{Name: "Event", Type: "string"})
	// As wide as the widest type from the start, so that the columns do not
	// move at the first MODIFIED.
	row = append(row, fmt.Sprintf("%-8s", typ))
	if pr.withNamespace {
		cols = append(cols, meta.TableColumnDefinition{Name: "Namespace", Type: "string"})
		row = append(row, obj.GetNamespace())
	}
	cols = append(cols, server...)
	row = append(row, cells...)
	for len(row) < len(cols) {
		row = append(row, nil)
	}
	cols = append(cols, meta.TableColumnDefinition{Name: "Time", Type: "string"})
	row = append(row, pr.now().Format(watchTimeFormat))
	t := &meta.Table{
		TypeMeta:          meta.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ColumnDefinitions: cols,
		Rows:              []meta.TableRow{{Cells: row}},
	}
	err := pr.p.Print(t)
	if err == nil {
		err = pr.p.Flush(pr.out)
	}
	if err != nil {
		pr.mu.Lock()
		if pr.firstErr == nil {
			pr.firstErr = err
		}
		pr.mu.Unlock()
	}
}

func (pr *watchPrinter) err() error {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.firstErr
}
