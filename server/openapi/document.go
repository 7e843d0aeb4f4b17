package openapi

import (
	"strings"

	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/server/registry"
)

// param is one operation parameter.
type param struct {
	name, in, typ, desc string
	required            bool
}

// Query parameters, as Kubernetes describes them.
var (
	pPretty          = param{name: "pretty", in: "query", typ: "string", desc: "If 'true', then the output is pretty printed."}
	pDryRun          = param{name: "dryRun", in: "query", typ: "string", desc: "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"}
	pFieldManager    = param{name: "fieldManager", in: "query", typ: "string", desc: "fieldManager is a name associated with the actor or entity that is making these changes."}
	pFieldValidation = param{name: "fieldValidation", in: "query", typ: "string", desc: "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."}
	pForce           = param{name: "force", in: "query", typ: "boolean", desc: "Force is going to \"force\" Apply requests. It must be unset for non-apply patch requests."}
	pGrace           = param{name: "gracePeriodSeconds", in: "query", typ: "integer", desc: "The duration in seconds before the object should be deleted."}
	pOrphan          = param{name: "orphanDependents", in: "query", typ: "boolean", desc: "Deprecated: please use the PropagationPolicy."}
	pPropagation     = param{name: "propagationPolicy", in: "query", typ: "string", desc: "Whether and how garbage collection will be performed: Orphan, Background or Foreground."}
	pBookmarks       = param{name: "allowWatchBookmarks", in: "query", typ: "boolean", desc: "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."}
	pContinue        = param{name: "continue", in: "query", typ: "string", desc: "The continue option should be set when retrieving more results from the server."}
	pFieldSelector   = param{name: "fieldSelector", in: "query", typ: "string", desc: "A selector to restrict the list of returned objects by their fields."}
	pLabelSelector   = param{name: "labelSelector", in: "query", typ: "string", desc: "A selector to restrict the list of returned objects by their labels."}
	pLimit           = param{name: "limit", in: "query", typ: "integer", desc: "limit is a maximum number of responses to return for a list call."}
	pRV              = param{name: "resourceVersion", in: "query", typ: "string", desc: "resourceVersion sets a constraint on what resource versions a request may be served from."}
	pRVMatch         = param{name: "resourceVersionMatch", in: "query", typ: "string", desc: "resourceVersionMatch determines how resourceVersion is applied to list calls."}
	pInitialEvents   = param{name: "sendInitialEvents", in: "query", typ: "boolean", desc: "sendInitialEvents=true may be set together with watch=true."}
	pTimeout         = param{name: "timeoutSeconds", in: "query", typ: "integer", desc: "Timeout for the list/watch call."}
	pWatch           = param{name: "watch", in: "query", typ: "boolean", desc: "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."}
	pName            = param{name: "name", in: "path", typ: "string", required: true}
	pNamespace       = param{name: "namespace", in: "path", typ: "string", required: true, desc: "object name and auth scope, such as for teams and projects"}
)

var (
	listParams   = []param{pBookmarks, pContinue, pFieldSelector, pLabelSelector, pLimit, pRV, pRVMatch, pInitialEvents, pTimeout, pWatch}
	writeParams  = []param{pDryRun, pFieldManager, pFieldValidation}
	patchParams  = []param{pDryRun, pFieldManager, pFieldValidation, pForce}
	deleteParams = []param{pDryRun, pGrace, pOrphan, pPropagation}
)

// operation is one method on one path.
type operation struct {
	method string // get, put, post, patch, delete
	id     string
	action string // x-kubernetes-action
	gvk    object
	tag    string
	params []param
	body   string // request body schema name; "" for none
	patch  bool   // the body is a patch (patch content types)
	resp   string // response schema name
	codes  []string
	watch  bool // the response is a watch stream
	desc   string
}

// pathItem is one path and its operations.
type pathItem struct {
	path   string
	params []param // parameters of every operation of the path
	ops    []operation
}

// spec is what both document formats are rendered from.
type spec struct {
	paths []pathItem
	defs  object
}

// buildSpec builds the paths and schemas of kinds. refPrefix is where schema
// references point ("#/components/schemas/" or "#/definitions/").
func buildSpec(kinds []*registry.Kind, refPrefix string) *spec {
	g := newSchemas(refPrefix)
	g.common()
	s := &spec{defs: g.defs}
	for _, k := range kinds {
		s.paths = append(s.paths, kindPaths(g, k)...)
	}
	return s
}

// kindSchemaName defines the schema of a kind (s, or an open schema when s is
// nil or not a named struct) and returns its name.
func kindSchemaName(g *schemas, s *schema.Schema, group, version, kind string) string {
	if s != nil && s.Type == schema.Object && s.Name != "" {
		return g.kindSchema(s, group, version, kind)
	}
	prefix := "io.k8s.api.core." + version
	if group != "" {
		host := strings.Split(group, ".")
		for i, j := 0, len(host)-1; i < j; i, j = i+1, j-1 {
			host[i], host[j] = host[j], host[i]
		}
		prefix = strings.Join(host, ".") + "." + version
	}
	name := prefix + "." + kind
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = object{
			"type": "object",
			"properties": object{
				"apiVersion": object{"type": "string"},
				"kind":       object{"type": "string"},
				"metadata":   g.ref(objectMetaName),
			},
			"x-kubernetes-preserve-unknown-fields": true,
			"x-kubernetes-group-version-kind":      []object{gvk(group, version, kind)},
		}
	}
	return name
}

// gvName is the group/version part of operation ids: CoreV1, AppsV1,
// RbacAuthorizationV1, CoordinationV1.
func gvName(group, version string) string {
	if group == "" {
		return "Core" + upperFirst(version)
	}
	var b strings.Builder
	for _, p := range strings.Split(strings.TrimSuffix(group, ".k8s.io"), ".") {
		b.WriteString(upperFirst(p))
	}
	return b.String() + upperFirst(version)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// kindPaths returns the paths of one kind: collection, item, subresources, the
// all-namespaces list, and the watch paths.
func kindPaths(g *schemas, k *registry.Kind) []pathItem {
	name := kindSchemaName(g, k.Schema, k.Group, k.Version, k.Kind)
	list := g.listSchema(name, k.Group, k.Version, k.ListKindName())
	kgvk := gvk(k.Group, k.Version, k.Kind)
	gv := gvName(k.Group, k.Version)
	tag := lowerFirst(gv[:len(gv)-len(k.Version)]) + "_" + k.Version

	root := "/api/" + k.Version
	if k.Group != "" {
		root = "/apis/" + k.Group + "/" + k.Version
	}
	scope, scoped := "", ""
	var scopeParams []param
	if k.Namespaced {
		scope, scoped = "/namespaces/{namespace}", "Namespaced"
		scopeParams = []param{pNamespace}
	}
	collection := root + scope + "/" + k.Resource
	item := collection + "/{name}"
	op := func(method, prefix, action, suffix string) operation {
		return operation{method: method, id: prefix + gv + scoped + k.Kind + suffix, action: action, gvk: kgvk, tag: tag}
	}
	with := func(o operation, params []param, body, resp string, codes ...string) operation {
		o.params = append(append([]param(nil), params...), pPretty)
		o.body, o.resp, o.codes = body, resp, codes
		return o
	}

	var items []pathItem
	colOps := []operation{
		with(op("get", "list", "list", ""), listParams, "", list, "200"),
		with(op("post", "create", "post", ""), writeParams, name, name, "200", "201", "202"),
		with(op("delete", "deletecollection", "deletecollection", ""), append(append([]param{}, deleteParams...), listParams...), deleteOptionsName, statusName, "200"),
	}
	colOps[0].desc = "list or watch objects of kind " + k.Kind
	colOps[1].desc = "create " + articled(k.Kind)
	colOps[2].desc = "delete collection of " + k.Kind
	items = append(items, pathItem{path: collection, params: scopeParams, ops: colOps})

	itemOps := []operation{
		with(op("get", "read", "get", ""), nil, "", name, "200"),
		with(op("put", "replace", "put", ""), writeParams, name, name, "200", "201"),
		with(op("patch", "patch", "patch", ""), patchParams, patchName, name, "200", "201"),
		with(op("delete", "delete", "delete", ""), deleteParams, deleteOptionsName, statusName, "200", "202"),
	}
	itemOps[0].desc = "read the specified " + k.Kind
	itemOps[1].desc = "replace the specified " + k.Kind
	itemOps[2].desc = "partially update the specified " + k.Kind
	itemOps[2].patch = true
	itemOps[3].desc = "delete " + articled(k.Kind)
	itemParams := append([]param{pName}, scopeParams...)
	items = append(items, pathItem{path: item, params: itemParams, ops: itemOps})

	for _, sub := range k.Subresources {
		subKind := sub.Kind
		if subKind == "" {
			subKind = k.Kind
		}
		subName, subGVK := name, kgvk
		if subKind != k.Kind {
			subName = kindSchemaName(g, sub.Schema, k.Group, k.Version, subKind)
			subGVK = gvk(k.Group, k.Version, subKind)
		}
		suffix := upperFirst(sub.Name)
		var ops []operation
		for _, verb := range sub.Verbs {
			var o operation
			switch verb {
			case "get":
				o = with(op("get", "read", "get", suffix), nil, "", subName, "200")
				o.desc = "read " + sub.Name + " of the specified " + k.Kind
			case "update":
				o = with(op("put", "replace", "put", suffix), writeParams, subName, subName, "200", "201")
				o.desc = "replace " + sub.Name + " of the specified " + k.Kind
			case "patch":
				o = with(op("patch", "patch", "patch", suffix), patchParams, patchName, subName, "200", "201")
				o.desc = "partially update " + sub.Name + " of the specified " + k.Kind
				o.patch = true
			case "create":
				o = with(op("post", "create", "post", suffix), writeParams, subName, subName, "200", "201", "202")
				o.desc = "create " + sub.Name + " of " + articled(k.Kind)
			default:
				continue
			}
			o.gvk = subGVK
			ops = append(ops, o)
		}
		if len(ops) > 0 {
			items = append(items, pathItem{path: item + "/" + sub.Name, params: itemParams, ops: ops})
		}
	}

	// The deprecated watch paths.
	watchList := with(op("get", "watch", "watchlist", "List"), listParams, "", watchEventName, "200")
	watchList.watch, watchList.desc = true, "watch individual changes to a list of "+k.Kind
	watchOne := with(op("get", "watch", "watch", ""), listParams, "", watchEventName, "200")
	watchOne.watch, watchOne.desc = true, "watch changes to an object of kind "+k.Kind
	items = append(items,
		pathItem{path: root + "/watch" + scope + "/" + k.Resource, params: scopeParams, ops: []operation{watchList}},
		pathItem{path: root + "/watch" + scope + "/" + k.Resource + "/{name}", params: itemParams, ops: []operation{watchOne}},
	)

	if k.Namespaced {
		all := with(operation{method: "get", id: "list" + gv + k.Kind + "ForAllNamespaces", action: "list", gvk: kgvk, tag: tag}, listParams, "", list, "200")
		all.desc = "list or watch objects of kind " + k.Kind
		allWatch := with(operation{method: "get", id: "watch" + gv + k.Kind + "ListForAllNamespaces", action: "watchlist", gvk: kgvk, tag: tag}, listParams, "", watchEventName, "200")
		allWatch.watch, allWatch.desc = true, "watch individual changes to a list of "+k.Kind
		items = append(items,
			pathItem{path: root + "/" + k.Resource, ops: []operation{all}},
			pathItem{path: root + "/watch/" + k.Resource, ops: []operation{allWatch}},
		)
	}
	return items
}

func articled(kind string) string {
	if strings.ContainsRune("AEIOU", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

var (
	responseTypes = []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}
	watchTypes    = []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"}
	patchTypes    = []string{"application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}
)

var codeText = map[string]string{"200": "OK", "201": "Created", "202": "Accepted"}

// v3 renders s as an OpenAPI 3.0 document.
func (s *spec) v3() object {
	ref := func(name string) object { return object{"$ref": "#/components/schemas/" + name} }
	paramV3 := func(p param) object {
		o := object{"name": p.name, "in": p.in, "schema": object{"type": p.typ}, "uniqueItems": true}
		if p.desc != "" {
			o["description"] = p.desc
		}
		if p.required {
			o["required"] = true
		}
		return o
	}
	paths := object{}
	for _, pi := range s.paths {
		item := object{}
		if len(pi.params) > 0 {
			var ps []object
			for _, p := range pi.params {
				ps = append(ps, paramV3(p))
			}
			item["parameters"] = ps
		}
		for _, o := range pi.ops {
			op := object{
				"operationId":                     o.id,
				"description":                     o.desc,
				"tags":                            []string{o.tag},
				"x-kubernetes-action":             o.action,
				"x-kubernetes-group-version-kind": o.gvk,
			}
			var ps []object
			for _, p := range o.params {
				ps = append(ps, paramV3(p))
			}
			op["parameters"] = ps
			if o.body != "" {
				content := object{}
				if o.patch {
					for _, t := range patchTypes {
						content[t] = object{"schema": ref(o.body)}
					}
				} else {
					content["*/*"] = object{"schema": ref(o.body)}
				}
				body := object{"content": content}
				if o.method != "delete" {
					body["required"] = true
				}
				op["requestBody"] = body
			}
			types := responseTypes
			if o.watch {
				types = watchTypes
			}
			responses := object{"401": object{"description": "Unauthorized"}}
			for _, c := range o.codes {
				content := object{}
				for _, t := range types {
					content[t] = object{"schema": ref(o.resp)}
				}
				responses[c] = object{"description": codeText[c], "content": content}
			}
			op["responses"] = responses
			item[o.method] = op
		}
		paths[pi.path] = item
	}
	return object{
		"openapi":    "3.0.0",
		"info":       object{"title": "Kubernetes", "version": "v1.32.0"},
		"paths":      paths,
		"components": object{"schemas": s.defs},
	}
}

// v2 renders s as a Swagger 2.0 document.
func (s *spec) v2() object {
	ref := func(name string) object { return object{"$ref": "#/definitions/" + name} }
	paramV2 := func(p param) object {
		o := object{"name": p.name, "in": p.in, "type": p.typ, "uniqueItems": true}
		if p.desc != "" {
			o["description"] = p.desc
		}
		if p.required {
			o["required"] = true
		}
		return o
	}
	paths := object{}
	for _, pi := range s.paths {
		item := object{}
		if len(pi.params) > 0 {
			var ps []object
			for _, p := range pi.params {
				ps = append(ps, paramV2(p))
			}
			item["parameters"] = ps
		}
		for _, o := range pi.ops {
			op := object{
				"operationId":                     o.id,
				"description":                     o.desc,
				"tags":                            []string{o.tag},
				"schemes":                         []string{"https"},
				"consumes":                        []string{"*/*"},
				"produces":                        responseTypes,
				"x-kubernetes-action":             o.action,
				"x-kubernetes-group-version-kind": o.gvk,
			}
			if o.patch {
				op["consumes"] = patchTypes
			}
			if o.watch {
				op["produces"] = watchTypes
			}
			var ps []object
			if o.body != "" {
				ps = append(ps, object{"name": "body", "in": "body", "required": o.method != "delete", "schema": ref(o.body)})
			}
			for _, p := range o.params {
				ps = append(ps, paramV2(p))
			}
			op["parameters"] = ps
			responses := object{"401": object{"description": "Unauthorized"}}
			for _, c := range o.codes {
				responses[c] = object{"description": codeText[c], "schema": ref(o.resp)}
			}
			op["responses"] = responses
			item[o.method] = op
		}
		paths[pi.path] = item
	}
	return object{
		"swagger":     "2.0",
		"info":        object{"title": "Kubernetes", "version": "v1.32.0"},
		"paths":       paths,
		"definitions": s.defs,
	}
}
