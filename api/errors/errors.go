// Package errors builds and inspects the Kubernetes Status errors that travel on the
// wire. The server answers every failure with a StatusError; the client turns every
// non-2xx answer back into one, so callers on both sides test errors with IsNotFound,
// IsConflict, IsAlreadyExists, IsInvalid, IsGone and friends.
package errors

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/validation"
)

// StatusError is an error that carries the Status to answer (or that was answered).
type StatusError struct {
	Status meta.Status
}

// Error returns the Status message.
func (e *StatusError) Error() string { return e.Status.Message }

// New builds a StatusError with the given code, reason and message.
func New(code int, reason meta.StatusReason, message string) *StatusError {
	return &StatusError{Status: meta.Status{
		TypeMeta: meta.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   meta.StatusFailure,
		Message:  message,
		Reason:   reason,
		Code:     int32(code),
	}}
}

func withDetails(e *StatusError, group, kind, name string) *StatusError {
	e.Status.Details = &meta.StatusDetails{Group: group, Kind: kind, Name: name}
	return e
}

func qualified(group, resource string) string {
	if group == "" {
		return resource
	}
	return resource + "." + group
}

// NewNotFound: 404, `pods "x" not found`. resource is the plural (pods).
func NewNotFound(group, resource, name string) *StatusError {
	msg := fmt.Sprintf("%s %q not found", qualified(group, resource), name)
	if name == "" {
		msg = fmt.Sprintf("%s not found", qualified(group, resource))
	}
	return withDetails(New(http.StatusNotFound, meta.StatusReasonNotFound, msg), group, resource, name)
}

// NewAlreadyExists: 409, `pods "x" already exists`.
func NewAlreadyExists(group, resource, name string) *StatusError {
	msg := fmt.Sprintf("%s %q already exists", qualified(group, resource), name)
	return withDetails(New(http.StatusConflict, meta.StatusReasonAlreadyExists, msg), group, resource, name)
}

// NewConflict: 409 with reason Conflict, `Operation cannot be fulfilled on pods "x": why`.
func NewConflict(group, resource, name, why string) *StatusError {
	msg := fmt.Sprintf("Operation cannot be fulfilled on %s %q: %s", qualified(group, resource), name, why)
	return withDetails(New(http.StatusConflict, meta.StatusReasonConflict, msg), group, resource, name)
}

// ConflictModified is the reason given when a write carried a stale resourceVersion.
const ConflictModified = "the object has been modified; please apply your changes to the latest version and try again"

// NewInvalid: 422, `Pod "x" is invalid: causes`. kind is the Kind (Pod).
func NewInvalid(group, kind, name string, errs validation.ErrorList) *StatusError {
	msg := fmt.Sprintf("%s %q is invalid", kind, name)
	if len(errs) > 0 {
		msg += ": " + errs.Error()
	}
	e := withDetails(New(http.StatusUnprocessableEntity, meta.StatusReasonInvalid, msg), group, kind, name)
	e.Status.Details.Causes = errs.Causes()
	return e
}

// NewBadRequest: 400.
func NewBadRequest(msg string) *StatusError {
	return New(http.StatusBadRequest, meta.StatusReasonBadRequest, msg)
}

// NewMethodNotSupported: 405.
func NewMethodNotSupported(group, resource, verb string) *StatusError {
	msg := fmt.Sprintf("%s is not supported on resources of kind %q", verb, qualified(group, resource))
	return withDetails(New(http.StatusMethodNotAllowed, meta.StatusReasonMethodNotAllowed, msg), group, resource, "")
}

// NewGone: 410 with reason Gone.
func NewGone(msg string) *StatusError {
	return New(http.StatusGone, meta.StatusReasonGone, msg)
}

// NewResourceExpired: 410 with reason Expired (a too old resourceVersion or continue).
func NewResourceExpired(msg string) *StatusError {
	return New(http.StatusGone, meta.StatusReasonExpired, msg)
}

// NewRequestEntityTooLarge: 413.
func NewRequestEntityTooLarge(msg string) *StatusError {
	return New(http.StatusRequestEntityTooLarge, meta.StatusReasonRequestEntityTooLarge, msg)
}

// NewUnsupportedMediaType: 415.
func NewUnsupportedMediaType(contentType string) *StatusError {
	return New(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType,
		fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/json-patch+json (got %q)", contentType))
}

// NewNotAcceptable: 406.
func NewNotAcceptable(msg string) *StatusError {
	return New(http.StatusNotAcceptable, meta.StatusReasonNotAcceptable, msg)
}

// NewForbidden: 403.
func NewForbidden(group, resource, name, why string) *StatusError {
	msg := fmt.Sprintf("%s %q is forbidden: %s", qualified(group, resource), name, why)
	return withDetails(New(http.StatusForbidden, meta.StatusReasonForbidden, msg), group, resource, name)
}

// NewInternalError: 500. The cause is logged by the server, not sent in full.
func NewInternalError(err error) *StatusError {
	return New(http.StatusInternalServerError, meta.StatusReasonInternalError,
		fmt.Sprintf("Internal error occurred: %v", err))
}

// NewTooManyRequests: 429 with retryAfterSeconds.
func NewTooManyRequests(msg string, retryAfter int) *StatusError {
	e := New(http.StatusTooManyRequests, meta.StatusReasonTooManyRequests, msg)
	e.Status.Details = &meta.StatusDetails{RetryAfterSeconds: int32(retryAfter)}
	return e
}

// NewTimeout: 504 with reason Timeout.
func NewTimeout(msg string, retryAfter int) *StatusError {
	e := New(http.StatusGatewayTimeout, meta.StatusReasonTimeout, msg)
	e.Status.Details = &meta.StatusDetails{RetryAfterSeconds: int32(retryAfter)}
	return e
}

// NewServiceUnavailable: 503.
func NewServiceUnavailable(msg string) *StatusError {
	return New(http.StatusServiceUnavailable, meta.StatusReasonServiceUnavailable, msg)
}

// ReasonFor returns the reason of err if it is (or wraps) a StatusError.
func ReasonFor(err error) meta.StatusReason {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status.Reason
	}
	return meta.StatusReasonUnknown
}

// CodeFor returns the HTTP code of err if it is (or wraps) a StatusError, else 0.
func CodeFor(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return int(se.Status.Code)
	}
	return 0
}

// IsNotFound reports a 404 NotFound.
func IsNotFound(err error) bool { return ReasonFor(err) == meta.StatusReasonNotFound }

// IsAlreadyExists reports a 409 AlreadyExists.
func IsAlreadyExists(err error) bool { return ReasonFor(err) == meta.StatusReasonAlreadyExists }

// IsConflict reports a 409 Conflict (stale resourceVersion or failed precondition).
func IsConflict(err error) bool { return ReasonFor(err) == meta.StatusReasonConflict }

// IsInvalid reports a 422 Invalid.
func IsInvalid(err error) bool { return ReasonFor(err) == meta.StatusReasonInvalid }

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool { return ReasonFor(err) == meta.StatusReasonBadRequest }

// IsGone reports a 410, with reason Gone or Expired: the client must relist.
func IsGone(err error) bool {
	r := ReasonFor(err)
	return r == meta.StatusReasonGone || r == meta.StatusReasonExpired
}

// IsResourceExpired reports a 410 Expired.
func IsResourceExpired(err error) bool { return ReasonFor(err) == meta.StatusReasonExpired }

// IsResourceVersionTooLarge reports the server's answer to a read at a
// resourceVersion it has not reached (and did not reach while it waited): a
// Timeout with a ResourceVersionTooLarge cause. After a restart of a server
// that lost its history, that resourceVersion may never come: read the latest
// state instead.
func IsResourceVersionTooLarge(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) || se.Status.Reason != meta.StatusReasonTimeout || se.Status.Details == nil {
		return false
	}
	for _, c := range se.Status.Details.Causes {
		if c.Type == meta.CauseTypeResourceVersionTooLarge {
			return true
		}
	}
	return false
}

// IsForbidden reports a 403.
func IsForbidden(err error) bool { return ReasonFor(err) == meta.StatusReasonForbidden }

// IsUnauthorized reports a 401.
func IsUnauthorized(err error) bool { return ReasonFor(err) == meta.StatusReasonUnauthorized }

// IsMethodNotSupported reports a 405.
func IsMethodNotSupported(err error) bool {
	return ReasonFor(err) == meta.StatusReasonMethodNotAllowed
}

// IsTooManyRequests reports a 429.
func IsTooManyRequests(err error) bool { return ReasonFor(err) == meta.StatusReasonTooManyRequests }

// IsTimeout reports a 504 Timeout.
func IsTimeout(err error) bool { return ReasonFor(err) == meta.StatusReasonTimeout }

// IsInternalError reports a 500.
func IsInternalError(err error) bool { return ReasonFor(err) == meta.StatusReasonInternalError }

// FromStatus wraps a decoded Status as an error.
func FromStatus(s meta.Status) *StatusError {
	if s.Message == "" {
		s.Message = strings.ToLower(string(s.Reason))
	}
	return &StatusError{Status: s}
}
