package printers

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"kctl.dev/kctl/printers/jsonpath"
)

// Options say how to print, one field per kubectl get flag. The zero value
// prints kubectl's default table.
type Options struct {
	// Output is the -o value: "" (a table), "wide", "json", "yaml", "name",
	// "jsonpath=TEMPLATE", "jsonpath-file=FILE", "jsonpath-as-json=TEMPLATE",
	// "custom-columns=HEADER:PATH,...", "custom-columns-file=FILE",
	// "go-template=TEMPLATE" (also "template=") or "go-template-file=FILE"
	// (also "templatefile="). Format names are matched case-insensitively.
	Output string
	// NoHeaders leaves out table headers (--no-headers).
	NoHeaders bool
	// ShowLabels adds a LABELS column (--show-labels): k=v pairs joined by
	// commas in string order, or <none>.
	ShowLabels bool
	// LabelColumns adds a column per label key, titled with the key's last
	// path segment upper-cased (-L app.kubernetes.io/name prints NAME).
	LabelColumns []string
	// SortBy sorts list items and table rows by a JSONPath (--sort-by),
	// ".metadata.name" or "{.metadata.name}": numbers numerically, quantities
	// ("100m", "2Gi") by value, other strings in natural order (pod-2 before
	// pod-10); objects without the field first. Tables are sorted by their
	// rows' objects: ask the server for includeObject=Object (see
	// Printer.IncludeObject).
	SortBy string
	// WithNamespace adds a NAMESPACE column first, read from each object's
	// metadata (kubectl get -A), for namespaced kinds.
	WithNamespace bool
	// WithKind prefixes names in tables with the kind ("pod/web",
	// "deployment.apps/web"), as kubectl does when one get lists several kinds
	// or with --show-kind.
	WithKind bool
	// Kind is the kind being printed until SetKind says otherwise. Tables
	// qualify names with it (WithKind) and -o name falls back on it for
	// objects that carry no kind (Table rows).
	Kind GroupKind
	// ShowManagedFields keeps metadata.managedFields in json and yaml output
	// (--show-managed-fields); by default they are dropped, as kubectl does.
	ShowManagedFields bool
	// ErrorOnMissingKeys makes a template that names a field an object lacks
	// fail instead of printing nothing for it
	// (--allow-missing-template-keys=false).
	ErrorOnMissingKeys bool
	// Colour prints table headers in bold (ANSI escape codes). kubectl has no
	// colour; it is off by default.
	Colour bool
	// Now is the clock for the AGE column of objects the server sent no Table
	// for; nil means time.Now.
	Now func() time.Time
}

// GroupKind names a kind in an API group. Its String is the kind as kubectl
// qualifies names: "pod" for {Kind: "Pod"}, "deployment.apps" for
// {Group: "apps", Kind: "Deployment"}.
type GroupKind struct {
	Group, Kind string
}

// String returns the lower-case kind, dotted with the group when there is one.
func (gk GroupKind) String() string {
	if gk.Group == "" {
		return strings.ToLower(gk.Kind)
	}
	return strings.ToLower(gk.Kind) + "." + gk.Group
}

// Printer prints objects in one output format. Print collects; Flush
// writes. A command prints a whole listing (every page of a chunked list)
// with Print calls and one Flush, which aligns table columns across pages,
// sorts, and wraps several objects in a v1 List for json, yaml and
// templates, as kubectl get does. To stream (kubectl get --watch, or a long
// list page by page), Flush after each Print: headers are printed once, and
// table columns keep the widest width seen so far. A Printer is not safe for
// concurrent use.
type Printer interface {
	// Print adds obj to the output: a meta.k8s.io/v1 Table (one page of a
	// list, or one watch event; a Table without column definitions reuses the
	// last ones), a list (an object with an items array, such as a PodList),
	// or a single object. obj may be a *meta.Table,
	// *unstructured.Unstructured, map[string]any, JSON ([]byte,
	// json.RawMessage, meta.RawJSON) or any value that encodes to a JSON
	// object. The printer keeps its own copy.
	Print(obj any) error
	// Flush writes what was printed since the last Flush. For json, yaml and
	// templates, a single object printed alone is written as itself; anything
	// else (lists, several objects) as one v1 List holding every item.
	Flush(w io.Writer) error
	// SetKind says that what follows is of another kind (kubectl get
	// pods,deployments). Tables start afresh at the next Flush: a new header,
	// new column widths, and a blank line before it when something was
	// written. namespaced says whether the kind is namespaced: the NAMESPACE
	// column of WithNamespace is left out when it is not.
	SetKind(kind GroupKind, namespaced bool)
	// WantsTable reports whether the printer renders server-side Tables (the
	// default and wide outputs). Ask the server for a Table (Accept:
	// application/json;as=Table;v=v1;g=meta.k8s.io) when it does and for plain
	// objects otherwise; it prints plain objects too, with NAME and AGE
	// columns.
	WantsTable() bool
	// IncludeObject returns the includeObject parameter a Table request
	// should carry: "Object" when sorting (the sort key is read from each
	// row's object), else "" for the server's default (Metadata, which is
	// enough for NAMESPACE and the label columns).
	IncludeObject() string
}

// The output formats, as kubectl names them.
const (
	formatTable            = ""
	formatWide             = "wide"
	formatJSON             = "json"
	formatYAML             = "yaml"
	formatName             = "name"
	formatJSONPath         = "jsonpath"
	formatJSONPathFile     = "jsonpath-file"
	formatJSONPathAsJSON   = "jsonpath-as-json"
	formatCustomColumns    = "custom-columns"
	formatCustomColumnFile = "custom-columns-file"
	formatGoTemplate       = "go-template"
	formatGoTemplateFile   = "go-template-file"
	formatTemplate         = "template"
	formatTemplateFile     = "templatefile"
)

// allowedFormats is kubectl's list, as its error message gives it.
const allowedFormats = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"

// New returns a printer for opts, or an error for an output format it does
// not know or a template, column spec or sort path that does not parse. The
// errors are kubectl's, one line each: unable to match a printer suitable
// for the output format "x", allowed formats are: custom-columns,...
func New(opts Options) (Printer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var sortBy *jsonpath.Template
	if opts.SortBy != "" {
		expr, err := jsonpath.Relaxed(opts.SortBy)
		if err != nil {
			return nil, err
		}
		if sortBy, err = jsonpath.Parse(expr); err != nil {
			return nil, fmt.Errorf("error parsing jsonpath %s, %v", expr, err)
		}
		sortBy.AllowMissingKeys = true
	}
	format, arg, hasArg := strings.Cut(opts.Output, "=")
	format = strings.ToLower(format)
	base := newBase(opts, sortBy)
	switch format {
	case formatTable, formatWide:
		if hasArg {
			break
		}
		return newTablePrinter(base, format == formatWide), nil
	case formatJSON, formatYAML:
		if hasArg {
			break
		}
		return &encodingPrinter{base: base, yaml: format == formatYAML}, nil
	case formatName:
		if hasArg {
			break
		}
		return &namePrinter{base: base}, nil
	case formatJSONPath, formatJSONPathAsJSON, formatJSONPathFile:
		text, err := templateText(format == formatJSONPathFile, arg)
		if err != nil {
			return nil, err
		}
		t, err := jsonpath.Parse(text)
		if err != nil {
			return nil, fmt.Errorf("error parsing jsonpath %s, %v", text, err)
		}
		t.AllowMissingKeys = !opts.ErrorOnMissingKeys
		return &templatePrinter{base: base, jsonpath: t, asJSON: format == formatJSONPathAsJSON}, nil
	case formatGoTemplate, formatTemplate, formatGoTemplateFile, formatTemplateFile:
		text, err := templateText(format == formatGoTemplateFile || format == formatTemplateFile, arg)
		if err != nil {
			return nil, err
		}
		t, err := parseGoTemplate(text, !opts.ErrorOnMissingKeys)
		if err != nil {
			return nil, err
		}
		return &templatePrinter{base: base, goTemplate: t, rawText: text}, nil
	case formatCustomColumns, formatCustomColumnFile:
		var cols []customColumn
		var err error
		if format == formatCustomColumnFile {
			cols, err = customColumnsFile(arg)
		} else {
			cols, err = parseCustomColumns(arg)
		}
		if err != nil {
			return nil, err
		}
		return &columnsPrinter{base: base, columns: cols}, nil
	}
	return nil, fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", opts.Output, allowedFormats)
}

// templateText returns a template given inline or, for the -file formats,
// read from the named file.
func templateText(fromFile bool, arg string) (string, error) {
	if arg == "" {
		return "", fmt.Errorf("template format specified but no template given")
	}
	if !fromFile {
		return arg, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		return "", fmt.Errorf("error reading --template %s, %v", arg, err)
	}
	return string(b), nil
}

// base holds what every printer shares: the options, the parsed sort path,
// the current kind, and the objects printed since the last Flush (for the
// printers that write at Flush).
type base struct {
	opts   Options
	sortBy *jsonpath.Template
	// kind is what is being printed: opts.Kind, namespaced, until SetKind.
	kind       GroupKind
	namespaced bool
	pending    []input
}

func newBase(opts Options, sortBy *jsonpath.Template) base {
	return base{opts: opts, sortBy: sortBy, kind: opts.Kind, namespaced: true}
}

func (b *base) withNamespace() bool { return b.opts.WithNamespace && b.namespaced }

func (b *base) SetKind(kind GroupKind, namespaced bool) {
	b.kind, b.namespaced = kind, namespaced
}

func (b *base) WantsTable() bool { return false }

func (b *base) IncludeObject() string {
	if b.sortBy != nil {
		return "Object"
	}
	return ""
}

func (b *base) Print(obj any) error {
	in, err := decode(obj)
	if err != nil {
		return err
	}
	b.pending = append(b.pending, in)
	return nil
}

// take returns the pending inputs and clears them.
func (b *base) take() []input {
	p := b.pending
	b.pending = nil
	return p
}

// collect merges inputs into the object to print: the object itself when a
// single object was printed alone, else a v1 List of every item, sorted when
// SortBy is set.
func (b *base) collect(ins []input) (map[string]any, bool, error) {
	if len(ins) == 1 && !ins[0].list && ins[0].table == nil && len(ins[0].items) == 1 {
		return ins[0].items[0], true, nil
	}
	var items []map[string]any
	for _, in := range ins {
		items = append(items, in.objects()...)
	}
	if err := b.sortObjects(items); err != nil {
		return nil, false, err
	}
	list := make([]any, len(items))
	for i, it := range items {
		list[i] = it
	}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "List",
		"items":      list,
		"metadata":   map[string]any{"resourceVersion": ""},
	}, false, nil
}
