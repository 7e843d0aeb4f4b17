package rest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"sigs.k8s.io/yaml"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/protobuf"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/registry"
)

// MaxBodyBytes is the largest request body accepted (3 MiB, as kube-apiserver).
const MaxBodyBytes = 3 << 20

// readBody reads the whole body, refusing more than MaxBodyBytes with 413.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, tooLarge()
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("reading the request body: %v", err))
	}
	if len(b) > MaxBodyBytes {
		return nil, tooLarge()
	}
	return b, nil
}

func tooLarge() error {
	return apierrors.NewRequestEntityTooLarge(fmt.Sprintf("the request body is larger than the limit of %d bytes", MaxBodyBytes))
}

// mediaType returns the request's Content-Type without parameters.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct
	}
	return mt
}

// toJSON converts a body of the given media type to JSON: JSON, YAML, or the
// Kubernetes protobuf form that kubectl's typed commands send. An empty media
// type is read as JSON.
func toJSON(body []byte, mt string) ([]byte, error) {
	switch mt {
	case "", "application/json":
		return body, nil
	case "application/yaml", "application/x-yaml", "text/yaml":
		j, err := yaml.YAMLToJSON(body)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the body of the request is not valid YAML: %v", err))
		}
		return j, nil
	case protobuf.ContentType:
		j, err := protobuf.ToJSON(body)
		switch {
		case errors.Is(err, protobuf.ErrNotProtobuf), errors.Is(err, protobuf.ErrMalformed):
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the protobuf body of the request is not valid: %v", err))
		case err != nil:
			return nil, apierrors.NewUnsupportedMediaType(fmt.Sprintf("%s (%v; send application/json instead)", mt, err))
		}
		return j, nil
	}
	return nil, apierrors.NewUnsupportedMediaType(mt)
}

// decodeObject reads the body of a create or update as an object of kind k (or of
// wantKind/wantVersion for subresources such as bindings). A body without
// apiVersion or kind takes the endpoint's; a different one is 400. Field
// validation follows s and check.
func decodeObject(w http.ResponseWriter, r *http.Request, wantVersion, wantKind string, s *schema.Schema, check *fieldCheck) (*unstructured.Unstructured, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	j, err := toJSON(body, mediaType(r))
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(j)) == 0 {
		return nil, apierrors.NewBadRequest("the request body is empty: an object is required")
	}
	u, err := unstructured.Decode(j)
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the body of the request is not a valid JSON object: %v", err))
	}
	if err := checkTypeMeta(u, wantVersion, wantKind); err != nil {
		return nil, err
	}
	if md, ok := u.Object["metadata"]; ok && md != nil {
		if _, ok := md.(map[string]any); !ok {
			return nil, apierrors.NewBadRequest("metadata must be a JSON object")
		}
	}
	check.duplicates(j)
	check.unknown(s, u.Object)
	if err := check.result(w); err != nil {
		return nil, err
	}
	return u, nil
}

func checkTypeMeta(u *unstructured.Unstructured, wantVersion, wantKind string) error {
	for _, f := range []string{"apiVersion", "kind"} {
		if v, ok := u.Object[f]; ok {
			if _, isStr := v.(string); !isStr {
				return apierrors.NewBadRequest(fmt.Sprintf("%s must be a string", f))
			}
		}
	}
	if v := u.APIVersion(); v == "" {
		u.SetAPIVersion(wantVersion)
	} else if v != wantVersion {
		return apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", v, wantVersion))
	}
	if k := u.Kind(); k == "" {
		u.SetKind(wantKind)
	} else if k != wantKind {
		return apierrors.NewBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", k, wantKind))
	}
	return nil
}

// statusError normalizes any error to a StatusError (500 for the unexpected).
func statusError(err error) *apierrors.StatusError {
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return se
	}
	return apierrors.NewInternalError(err)
}

func kindOf(k *registry.Kind) (string, string) { return k.GroupVersion(), k.Kind }
