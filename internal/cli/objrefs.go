package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/client/discovery"
	"kctl.dev/kctl/manifest"
)

// This file holds what describe, create, apply, delete, label and annotate
// share: naming objects on the command line or in manifests, resolving them
// to resources and namespaces, and reporting several errors.

// objRef is one object a command acts on.
type objRef struct {
	res       client.APIResource
	namespace string // "" for cluster-scoped resources
	name      string
	// obj is the object when the command already has it: read from a
	// manifest, or listed by a selector.
	obj *unstructured.Unstructured
	// source is the manifest the object came from, "" otherwise.
	source string
}

// kindName is the object as kubectl names it in messages: "pod/web",
// "deployment.apps/api".
func (r objRef) kindName() string { return objKind(r.res) + "/" + r.name }

// quotedName is the object as kubectl's delete names it: `pod "web"`.
func (r objRef) quotedName() string { return fmt.Sprintf("%s %q", objKind(r.res), r.name) }

// dynamic returns the client of r's resource in r's namespace.
func (r objRef) dynamic(c *client.Client) *client.Resource[*unstructured.Unstructured] {
	return client.Dynamic(c, r.res.GVR(), r.res.Namespaced).Namespace(r.namespace)
}

// objKind is the lower-case kind qualified by its group: "pod",
// "deployment.apps".
func objKind(res client.APIResource) string {
	k := strings.ToLower(res.Kind)
	if res.Group != "" {
		k += "." + res.Group
	}
	return k
}

// objAPIVersion is the apiVersion of res's objects: "v1", "apps/v1".
func objAPIVersion(res client.APIResource) string {
	if res.Group == "" {
		return res.Version
	}
	return res.Group + "/" + res.Version
}

// objTarget is what the command line names: objects by type and name, or a
// type whose objects a selector (or --all) picks.
type objTarget struct {
	res   client.APIResource
	names []string // empty: the objects of the type a selector picks
}

// objParseArgs splits `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...` and
// resolves the types, in the order given.
func objParseArgs(ctx context.Context, disco *discovery.Cache, args []string) ([]objTarget, error) {
	if len(args) == 0 {
		return nil, nil
	}
	slashed := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashed++
		}
	}
	if slashed > 0 {
		if slashed != len(args) {
			return nil, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kctl get resource/<resource_name>' instead of 'kctl get resource resource/<resource_name>'")
		}
		var out []objTarget
		for _, a := range args {
			typ, name, _ := strings.Cut(a, "/")
			if typ == "" || name == "" || strings.Contains(name, "/") {
				return nil, errors.New("arguments in resource/name form must have a single resource and name")
			}
			res, err := disco.Resolve(ctx, typ)
			if err != nil {
				return nil, err
			}
			out = append(out, objTarget{res: res, names: []string{name}})
		}
		return out, nil
	}
	if err := objCheckNames(args); err != nil {
		return nil, err
	}
	var out []objTarget
	for _, typ := range strings.Split(args[0], ",") {
		if typ == "" {
			continue
		}
		res, err := disco.Resolve(ctx, typ)
		if err != nil {
			return nil, err
		}
		out = append(out, objTarget{res: res, names: args[1:]})
	}
	return out, nil
}

// objCheckNames refuses an empty name in `TYPE[,TYPE...] NAME...` as
// kubectl does: with several types it has turned the arguments into
// TYPE/NAME pairs first, and complains about the pair.
func objCheckNames(args []string) error {
	if !slices.Contains(args[1:], "") {
		return nil
	}
	if strings.Contains(args[0], ",") {
		return errors.New("arguments in resource/name form must have a single resource and name")
	}
	return errors.New("resource name may not be empty")
}

// objConnect returns what every object command needs from the factory: the
// client, the discovery cache and the namespace (and whether -n gave it).
func objConnect(f *Factory) (*client.Client, *discovery.Cache, string, bool, error) {
	c, err := f.Client()
	if err != nil {
		return nil, nil, "", false, err
	}
	disco, err := f.Discovery()
	if err != nil {
		return nil, nil, "", false, err
	}
	ns, explicit, err := objNamespace(f)
	if err != nil {
		return nil, nil, "", false, err
	}
	return c, disco, ns, explicit, nil
}

// objNamespace is the namespace a command acts in and whether it was given
// with --namespace (which then must agree with the manifests' namespaces).
func objNamespace(f *Factory) (ns string, explicit bool, err error) {
	ns, err = f.Namespace()
	return ns, f.Flags.Namespace != "", err
}

// objFromManifest resolves a manifest object: its resource from its
// apiVersion and kind, its namespace from the object, else ns. An object
// whose namespace differs from an explicit --namespace is refused, as
// kubectl does.
func objFromManifest(ctx context.Context, disco *discovery.Cache, o manifest.Object, ns string, explicit bool) (objRef, error) {
	res, err := disco.ResolveKind(ctx, o.APIVersion(), o.Kind())
	if err != nil {
		if discovery.IsNoMatch(err) {
			return objRef{}, fmt.Errorf("resource mapping not found for name: %q namespace: %q from %q: %w; ensure CRDs are installed first",
				o.Name(), o.Namespace(), o.Source, err)
		}
		return objRef{}, err
	}
	ref := objRef{res: res, name: o.Name(), obj: o.Unstructured, source: o.Source}
	if res.Namespaced {
		ref.namespace = o.Namespace()
		switch {
		case ref.namespace == "":
			ref.namespace = ns
			o.SetNamespace(ns)
		case explicit && ref.namespace != ns:
			return objRef{}, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.",
				ref.namespace, ns, ref.namespace)
		}
	}
	return ref, nil
}

// objReadManifests reads the -f sources; "-" is in.
func objReadManifests(paths []string, recursive bool, in io.Reader) ([]manifest.Object, error) {
	if in == nil {
		in = strings.NewReader("")
	}
	if err := objCheckDirs(paths, recursive); err != nil {
		return nil, err
	}
	return manifest.Read(paths, recursive, in)
}

// objManifestExtensions are the extensions of the files read from a
// directory, in kubectl's words.
var objManifestExtensions = []string{".json", ".yaml", ".yml"}

// objCheckDirs refuses a directory without manifest files, as kubectl does
// when no source before it (stdin, a file, another directory) gave any file.
// Paths that cannot be read are left to manifest.Read to report.
func objCheckDirs(paths []string, recursive bool) error {
	for _, p := range paths {
		if p == "-" || strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
			return nil
		}
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() || objDirHasManifests(p, recursive) {
			return nil
		}
		return fmt.Errorf("error reading %v: recognized file extensions are %v", []string{p}, objManifestExtensions)
	}
	return nil
}

// objDirHasManifests says whether dir holds a manifest file (in a
// subdirectory too when recursive).
func objDirHasManifests(dir string, recursive bool) bool {
	found := false
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir():
			if p != dir && !recursive {
				return fs.SkipDir
			}
			return nil
		case slices.Contains(objManifestExtensions, strings.ToLower(filepath.Ext(p))):
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// objList returns the objects of res in ns ("" for all namespaces) that
// selector picks, every page of them.
func objList(ctx context.Context, c *client.Client, res client.APIResource, ns, selector string) ([]objRef, error) {
	r := client.Dynamic(c, res.GVR(), res.Namespaced).Namespace(ns)
	opts := client.ListOptions{LabelSelector: selector, Limit: 500}
	var out []objRef
	for {
		page, err := r.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, item := range page.Items {
			// Servers may leave the type out of list items.
			if item.Kind() == "" {
				item.SetKind(res.Kind)
			}
			if item.APIVersion() == "" {
				item.SetAPIVersion(objAPIVersion(res))
			}
			out = append(out, objRef{res: res, namespace: item.Namespace(), name: item.Name(), obj: item})
		}
		if page.Continue == "" {
			return out, nil
		}
		opts.Continue = page.Continue
	}
}

// objSelection is how delete and label pick their objects: from -f manifests,
// or from TYPE NAME... / TYPE/NAME arguments, or per TYPE by a label selector
// (selecting: -l or --all) in ns, or in every namespace with allNamespaces.
type objSelection struct {
	files         filenameFlags
	args          []string
	selecting     bool
	selector      string
	allNamespaces bool
	ns            string
	explicit      bool // ns came from -n
}

// objSelect returns the objects sel names. Errors about one object or type go
// to errs and the others are still returned; an error returned means stop.
// Objects from manifests carry no state (ref.obj is nil): the file's copy is
// not the object's current state.
func objSelect(ctx context.Context, c *client.Client, disco *discovery.Cache, in io.Reader, sel objSelection, errs *objErrors) ([]objRef, error) {
	var refs []objRef
	if len(sel.files.paths) > 0 {
		objs, err := objReadManifests(sel.files.paths, sel.files.recursive, in)
		if err != nil {
			return nil, err
		}
		for _, m := range objs {
			ref, err := objFromManifest(ctx, disco, m, sel.ns, sel.explicit)
			if err != nil {
				if errs.add(err) {
					return nil, errs.err()
				}
				continue
			}
			ref.obj = nil
			refs = append(refs, ref)
		}
		return refs, nil
	}
	targets, err := objParseArgs(ctx, disco, sel.args)
	if err != nil {
		return nil, err
	}
	listNS := sel.ns
	if sel.allNamespaces {
		listNS = ""
	}
	for _, t := range targets {
		switch {
		case len(t.names) > 0 && sel.selecting:
			return nil, errors.New("name cannot be provided when a selector is specified")
		case len(t.names) > 0:
			for _, name := range t.names {
				ref := objRef{res: t.res, name: name}
				if t.res.Namespaced {
					ref.namespace = sel.ns
				}
				refs = append(refs, ref)
			}
		case !sel.selecting:
			return nil, errors.New("resource(s) were provided, but no name was specified")
		default:
			listed, err := objList(ctx, c, t.res, listNS, sel.selector)
			if err != nil {
				if errs.add(err) {
					return nil, errs.err()
				}
				continue
			}
			refs = append(refs, listed...)
		}
	}
	return refs, nil
}

// objNoResources is kubectl's message for an empty selection.
func objNoResources(ns string, allNamespaces bool, res client.APIResource) string {
	if allNamespaces || !res.Namespaced || ns == "" {
		return "No resources found"
	}
	return fmt.Sprintf("No resources found in %s namespace.", ns)
}

// objFatal reports an error after which acting on further objects is
// pointless: the server cannot be reached, or the command was cancelled.
func objFatal(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// objErrors collects the errors of a command that carries on after one: all
// but the last are printed as they come, the last is returned for Main to
// print.
type objErrors struct {
	errOut io.Writer
	last   error
}

// add records err and reports whether it is fatal (objFatal): the command
// should then stop.
func (e *objErrors) add(err error) bool {
	if err == nil {
		return false
	}
	if e.last != nil {
		fmt.Fprintln(e.errOut, errorLine(e.last))
	}
	e.last = err
	return objFatal(err)
}

func (e *objErrors) err() error { return e.last }

// objSourceError words a server error about a manifest object as kubectl
// does: error when creating "web.yaml": pods "web" already exists. Invalid
// errors already name the object and keep their message.
func objSourceError(err error, action, source string) error {
	var se *apierrors.StatusError
	if source == "" || !errors.As(err, &se) || se.Status.Reason == meta.StatusReasonInvalid {
		return err
	}
	st := se.Status
	st.Message = fmt.Sprintf("error when %s %q: %s", action, source, st.Message)
	return apierrors.FromStatus(st)
}

// dryRunFlag is --dry-run: none (the default), server or client.
type dryRunFlag string

// Dry-run strategies.
const (
	dryRunNone   dryRunFlag = "none"
	dryRunServer dryRunFlag = "server"
	dryRunClient dryRunFlag = "client"
)

func (d *dryRunFlag) String() string { return string(*d) }
func (d *dryRunFlag) Type() string   { return "string" }
func (d *dryRunFlag) Set(s string) error {
	switch dryRunFlag(s) {
	case dryRunNone, dryRunServer, dryRunClient:
		*d = dryRunFlag(s)
		return nil
	case "", "true":
		// --dry-run alone, as kubectl once had it, means client.
		*d = dryRunClient
		return nil
	case "false":
		*d = dryRunNone
		return nil
	}
	return fmt.Errorf(`invalid dry-run value (%s). Must be "none", "server", or "client"`, s)
}

// addDryRunFlag registers --dry-run on fs.
func addDryRunFlag(fs *pflag.FlagSet, d *dryRunFlag) {
	*d = dryRunNone
	fs.Var(d, "dry-run", `Must be "none", "server", or "client". If server strategy, submit server-side request without persisting the resource.`)
	fs.Lookup("dry-run").NoOptDefVal = string(dryRunClient)
}

// refuseClientDryRun refuses --dry-run=client, which kctl does not do:
// every check is the server's.
func refuseClientDryRun(d dryRunFlag) error {
	if d == dryRunClient {
		return usagef("--dry-run=client is not supported: kctl leaves validation to the server (use --dry-run=server)")
	}
	return nil
}

// dryRunSuffix is appended to messages of a dry run.
func dryRunSuffix(d dryRunFlag) string {
	if d == dryRunServer {
		return " (server dry run)"
	}
	return ""
}

// filenameFlags are -f and -R.
type filenameFlags struct {
	paths     []string
	recursive bool
}

func (o *filenameFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().StringSliceVarP(&o.paths, "filename", "f", nil, "Filename, directory, or URL to files identifying the resource to "+what+" (- for standard input)")
	cmd.Flags().BoolVarP(&o.recursive, "recursive", "R", false, "Process the directory used in -f, --filename recursively.")
}

// objValidation maps --validate to the server's field validation.
func objValidation(v string) (client.FieldValidation, error) {
	switch strings.ToLower(v) {
	case "strict", "true":
		return client.FieldValidationStrict, nil
	case "warn":
		return client.FieldValidationWarn, nil
	case "ignore", "false":
		return client.FieldValidationIgnore, nil
	}
	return "", fmt.Errorf("invalid - validate option %q; must be one of: strict (or true), warn, ignore (or false)", v)
}
