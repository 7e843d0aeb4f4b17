// Package strategicpatch applies Kubernetes strategic merge patches to objects
// held in their unstructured form. server/rest uses it for PATCH requests with
// Content-Type application/strategic-merge-patch+json: what kubectl sends for
// client-side `apply` (a three-way patch computed against the last-applied
// annotation), for `patch` (its default --type) and for `edit`.
//
// A strategic merge patch is a JSON merge patch (RFC 7386: objects merge
// recursively, null deletes a field, anything else replaces) that knows about
// lists. Where the kind's schema (api/schema) gives a list the patch strategy
// "merge", the patch's list is merged into the object's instead of replacing
// it: object elements are matched by the field's patch merge key and merged
// recursively, primitive elements are added as to a set. Directives in the
// patch refine this:
//
//	$patch: replace                  in an object: replace it by the rest of the patch object
//	$patch: delete                   in an object: remove it
//	$patch: merge                    in an object: the default, merge
//	{"$patch": "replace"}            as an element of a merged list: replace the list by the other elements
//	{<key>: v, "$patch": "delete"}   as an element of a merged list: remove the element whose merge key is v
//	$retainKeys: [field, ...]        in an object: clear the other fields of the object first
//	$setElementOrder/<list>: [...]   the order of the merged list <list> (merge keys, or values)
//	$deleteFromPrimitiveList/<list>: [...]  values to remove from the primitive list <list>
//
// The result never holds a directive. Merged lists are ordered as Kubernetes
// orders them (see arrange), so that kubectl's patches leave an object exactly
// as a Kubernetes API server would: with a $setElementOrder, as kubectl apply
// sends, in the file's order; without one, a new element goes before the
// object's elements not known to precede it (kubectl patch adding a container
// puts it first). Kinds without a schema (schema.FreeForm) are patched as by a
// JSON merge patch, lists replaced, directives honoured.
//
// The behaviour follows k8s.io/apimachinery/pkg/util/strategicpatch, except
// where that code misbehaves on patches kubectl does not send: a new value
// (one the object lacks) is merged into nothing like any other, where
// Kubernetes drops a new map holding $patch and keeps other directives and
// nulls in it; "$patch: merge" is accepted; and where that code fails or
// panics on a malformed patch, Apply returns an *Error.
package strategicpatch
