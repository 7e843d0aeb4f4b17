// Package printers renders API objects for the command line the way kubectl
// get prints them: tables from the server's meta.k8s.io/v1 Tables, -o wide,
// json, yaml, name, jsonpath, jsonpath-as-json, custom-columns and
// go-template, with --no-headers, --show-labels, -L, --sort-by, -A and
// several kinds in one listing. Commands parse their flags into Options and
// leave the rest to a Printer.
//
// # Use
//
//	p, err := printers.New(printers.Options{Output: "wide", WithNamespace: true})
//	if err != nil {
//		return err // kubectl's words: unable to match a printer suitable for ...
//	}
//	// Ask the server for a Table when p.WantsTable(), with
//	// includeObject=p.IncludeObject() when that is not empty.
//	for each page of the list {
//		if err := p.Print(page); err != nil { ... }
//	}
//	return p.Flush(out)
//
// Print accepts a Table, a list (PodList, v1 List, any object with an items
// array) or a single object, as JSON bytes, a map, an
// *unstructured.Unstructured, a *meta.Table or any Go value that encodes to
// JSON. Print only collects; Flush writes. Between them a printer aligns
// table columns over every page, sorts (--sort-by), and, for json, yaml and
// templates, wraps what was printed in a v1 List ({"apiVersion": "v1",
// "kind": "List", "items": [...], "metadata": {"resourceVersion": ""}}),
// unless it was a single object printed alone, which prints as itself. That
// is what kubectl get prints for a listing, fetched in chunks or not.
//
// To stream, Flush after each Print: kubectl get --watch does so after each
// event (and, for json, yaml and templates, prints the items of the first
// list one by one, each as itself). The table header is printed once (a Table without column
// definitions, as watch events carry, reuses the last ones); each Flush
// aligns its own rows, and a column never gets narrower than it was, so
// output written earlier stays aligned as well as it can. YAML documents
// after the first start with "---".
//
// For several kinds (kubectl get pods,deployments), call SetKind before each
// kind's objects and set WithKind: every kind gets its own table, header and
// column widths, names read "deployment.apps/web", and a blank line
// separates the tables.
//
// # Fidelity
//
// The output is kubectl v1.32's byte for byte, which the tests check by
// running the real kubectl against a stub server that serves the same
// objects (testdata; they skip that part when kubectl is not installed).
// The layout is kubectl's tabwriter: columns padded with spaces to the
// widest cell plus three, at least six wide, widths counted in runes, the
// last column not padded (so a row whose last cell is empty ends in spaces,
// as kubectl's does); github.com/olekukonko/tablewriter renders the rows, in
// a borderless style, to those widths. Cells print as kubectl prints them:
// null as nothing, strings up to their first line break followed by "...",
// the escape character as ^[, numbers and booleans as Go prints them.
//
// Deliberate differences: errors are returned, not printed (kubectl prints a
// template's debugging dump to stdout before failing, and prints nothing but
// "No resources found" when --sort-by names a field no object has);
// --no-headers applies to custom-columns-file too; sorting is stable, and
// sorting by a value that cannot be ordered (an object) is an error where
// kubectl crashes. The JSONPath differences are listed in package jsonpath.
package printers
