package kinds

import (
	"strings"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/rbacv1"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/labels"
	"kctl.dev/kctl/server/registry"
)

// Roles print as a kind without a printer does (Name, Created At): leaving
// Columns empty asks the registry for exactly that. None of the RBAC kinds
// tracks a generation.

func roles() *registry.Kind {
	return &registry.Kind{
		Group:        rbacv1.GroupName,
		Version:      "v1",
		Resource:     "roles",
		Kind:         "Role",
		Namespaced:   true,
		ValidateName: isPathSegmentName,
		Validate: func(obj *unstructured.Unstructured) validation.ErrorList {
			var r rbacv1.Role
			if errs := into(obj, &r); errs != nil {
				return errs
			}
			return validateRules(r.Rules, true)
		},
		SpecFields: []string{},
	}
}

func clusterRoles() *registry.Kind {
	return &registry.Kind{
		Group:        rbacv1.GroupName,
		Version:      "v1",
		Resource:     "clusterroles",
		Kind:         "ClusterRole",
		ValidateName: isPathSegmentName,
		Validate: func(obj *unstructured.Unstructured) validation.ErrorList {
			var r rbacv1.ClusterRole
			if errs := into(obj, &r); errs != nil {
				return errs
			}
			errs := validateRules(r.Rules, false)
			if a := r.AggregationRule; a != nil {
				if len(a.ClusterRoleSelectors) == 0 {
					errs = append(errs, validation.Required("aggregationRule.clusterRoleSelectors",
						"at least one clusterRoleSelector required if aggregationRule is non-nil"))
				}
				for i := range a.ClusterRoleSelectors {
					if _, err := labels.FromLabelSelector(&a.ClusterRoleSelectors[i]); err != nil {
						p := validation.Index("aggregationRule.clusterRoleSelectors", i)
						errs = append(errs, validation.Invalid(p, canonical(a.ClusterRoleSelectors[i]), err.Error()))
					}
				}
			}
			return errs
		},
		SpecFields: []string{},
	}
}

func validateRules(rules []rbacv1.PolicyRule, namespaced bool) validation.ErrorList {
	var errs validation.ErrorList
	for i, r := range rules {
		p := validation.Index("rules", i)
		if len(r.Verbs) == 0 {
			errs = append(errs, validation.Required(p+".verbs", "verbs must contain at least one value"))
		}
		if len(r.NonResourceURLs) > 0 {
			if namespaced {
				errs = append(errs, validation.Invalid(p+".nonResourceURLs", strings.Join(r.NonResourceURLs, ","), "namespaced rules cannot apply to non-resource URLs"))
			}
			if len(r.APIGroups)+len(r.Resources)+len(r.ResourceNames) > 0 {
				errs = append(errs, validation.Invalid(p+".nonResourceURLs", strings.Join(r.NonResourceURLs, ","), "rules cannot apply to both regular resources and non-resource URLs"))
			}
			continue
		}
		if len(r.APIGroups) == 0 {
			errs = append(errs, validation.Required(p+".apiGroups", "resource rules must supply at least one api group"))
		}
		if len(r.Resources) == 0 {
			errs = append(errs, validation.Required(p+".resources", "resource rules must supply at least one resource"))
		}
	}
	return errs
}

func roleBindings() *registry.Kind { return bindingKind("RoleBinding", "rolebindings", true) }
func clusterRoleBindings() *registry.Kind {
	return bindingKind("ClusterRoleBinding", "clusterrolebindings", false)
}

func bindingKind(kind, resource string, namespaced bool) *registry.Kind {
	what := "roleBinding"
	if !namespaced {
		what = "clusterRoleBinding"
	}
	return &registry.Kind{
		Group:      rbacv1.GroupName,
		Version:    "v1",
		Resource:   resource,
		Kind:       kind,
		Namespaced: namespaced,
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Role", "string", 0, "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
			ageColumn(),
			column("Users", "string", 1, "Users in the "+what),
			column("Groups", "string", 1, "Groups in the "+what),
			column("ServiceAccounts", "string", 1, "ServiceAccounts in the "+what),
		},
		Cells:        bindingCells,
		ValidateName: isPathSegmentName,
		Validate: func(obj *unstructured.Unstructured) validation.ErrorList {
			return validateBinding(obj, namespaced)
		},
		ValidateUpdate: func(obj, old *unstructured.Unstructured) validation.ErrorList {
			if ref := obj.Object["roleRef"]; !sameJSON(ref, old.Object["roleRef"]) {
				return validation.ErrorList{validation.Invalid("roleRef", canonical(ref), "cannot change roleRef")}
			}
			return nil
		},
		SpecFields: []string{},
	}
}

func bindingCells(obj *unstructured.Unstructured, now time.Time) []any {
	o := obj.Object
	var users, groups, sas []string
	for _, s := range objects(o, "subjects") {
		name := str(s, "name")
		switch str(s, "kind") {
		case rbacv1.UserKind:
			users = append(users, name)
		case rbacv1.GroupKind:
			groups = append(groups, name)
		case rbacv1.ServiceAccountKind:
			if ns := str(s, "namespace"); ns != "" {
				name = ns + "/" + name
			}
			sas = append(sas, name)
		}
	}
	return []any{
		obj.Name(),
		str(o, "roleRef", "kind") + "/" + str(o, "roleRef", "name"),
		age(obj, now),
		strings.Join(users, ", "),
		strings.Join(groups, ", "),
		strings.Join(sas, ", "),
	}
}

func validateBinding(obj *unstructured.Unstructured, namespaced bool) validation.ErrorList {
	var b rbacv1.RoleBinding
	if errs := into(obj, &b); errs != nil {
		return errs
	}
	var errs validation.ErrorList
	if g := b.RoleRef.APIGroup; g != rbacv1.GroupName {
		errs = append(errs, validation.NotSupported("roleRef.apiGroup", g, []string{rbacv1.GroupName}))
	}
	kinds := []string{"ClusterRole"}
	if namespaced {
		kinds = []string{"Role", "ClusterRole"}
	}
	if k := b.RoleRef.Kind; (k != "Role" && k != "ClusterRole") || (!namespaced && k == "Role") {
		errs = append(errs, validation.NotSupported("roleRef.kind", k, kinds))
	}
	if b.RoleRef.Name == "" {
		errs = append(errs, validation.Required("roleRef.name", ""))
	} else {
		errs = checkName(errs, "roleRef.name", b.RoleRef.Name, isPathSegmentName)
	}
	for i, s := range b.Subjects {
		p := validation.Index("subjects", i)
		if s.Name == "" {
			errs = append(errs, validation.Required(p+".name", ""))
		}
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			if s.APIGroup != "" {
				errs = append(errs, validation.NotSupported(p+".apiGroup", s.APIGroup, []string{""}))
			}
			if s.Name != "" {
				errs = checkName(errs, p+".name", s.Name, validation.IsDNS1123Subdomain)
			}
			if s.Namespace == "" && !namespaced {
				errs = append(errs, validation.Required(p+".namespace", ""))
			}
		case rbacv1.UserKind, rbacv1.GroupKind:
			if s.APIGroup != rbacv1.GroupName {
				errs = append(errs, validation.NotSupported(p+".apiGroup", s.APIGroup, []string{rbacv1.GroupName}))
			}
		default:
			errs = append(errs, validation.NotSupported(p+".kind", s.Kind,
				[]string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}))
		}
	}
	return errs
}
