package meta

// Status values.
const (
	StatusSuccess = "Success"
	StatusFailure = "Failure"
)

// StatusReason is the machine-readable reason of a failed call.
type StatusReason string

// The reasons the server answers with, and the HTTP codes that go with them.
const (
	StatusReasonUnknown               StatusReason = ""
	StatusReasonBadRequest            StatusReason = "BadRequest"            // 400
	StatusReasonUnauthorized          StatusReason = "Unauthorized"          // 401
	StatusReasonForbidden             StatusReason = "Forbidden"             // 403
	StatusReasonNotFound              StatusReason = "NotFound"              // 404
	StatusReasonMethodNotAllowed      StatusReason = "MethodNotAllowed"      // 405
	StatusReasonNotAcceptable         StatusReason = "NotAcceptable"         // 406
	StatusReasonAlreadyExists         StatusReason = "AlreadyExists"         // 409
	StatusReasonConflict              StatusReason = "Conflict"              // 409
	StatusReasonGone                  StatusReason = "Gone"                  // 410
	StatusReasonExpired               StatusReason = "Expired"               // 410
	StatusReasonRequestEntityTooLarge StatusReason = "RequestEntityTooLarge" // 413
	StatusReasonUnsupportedMediaType  StatusReason = "UnsupportedMediaType"  // 415
	StatusReasonInvalid               StatusReason = "Invalid"               // 422
	StatusReasonTooManyRequests       StatusReason = "TooManyRequests"       // 429
	StatusReasonInternalError         StatusReason = "InternalError"         // 500
	StatusReasonServiceUnavailable    StatusReason = "ServiceUnavailable"    // 503
	StatusReasonTimeout               StatusReason = "Timeout"               // 504
)

// CauseType names the kind of a StatusCause.
type CauseType string

// Cause types used in Invalid statuses.
const (
	CauseTypeFieldValueNotFound      CauseType = "FieldValueNotFound"
	CauseTypeFieldValueRequired      CauseType = "FieldValueRequired"
	CauseTypeFieldValueDuplicate     CauseType = "FieldValueDuplicate"
	CauseTypeFieldValueInvalid       CauseType = "FieldValueInvalid"
	CauseTypeFieldValueNotSupported  CauseType = "FieldValueNotSupported"
	CauseTypeFieldValueForbidden     CauseType = "FieldValueForbidden"
	CauseTypeFieldValueTooLong       CauseType = "FieldValueTooLong"
	CauseTypeUnexpectedServerResp    CauseType = "UnexpectedServerResponse"
	CauseTypeFieldManagerConflict    CauseType = "FieldManagerConflict"
	CauseTypeResourceVersionTooLarge CauseType = "ResourceVersionTooLarge"
)

// Status is the body of every error response, and of some successful ones
// (pods/binding, delete of a collection).
type Status struct {
	TypeMeta `json:",inline"`
	ListMeta `json:"metadata"`
	Status   string         `json:"status,omitempty"`
	Message  string         `json:"message,omitempty"`
	Reason   StatusReason   `json:"reason,omitempty"`
	Details  *StatusDetails `json:"details,omitempty"`
	Code     int32          `json:"code,omitempty"`
}

// StatusDetails says which object a Status is about, and why in detail.
type StatusDetails struct {
	Name              string        `json:"name,omitempty"`
	Group             string        `json:"group,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	UID               string        `json:"uid,omitempty"`
	Causes            []StatusCause `json:"causes,omitempty"`
	RetryAfterSeconds int32         `json:"retryAfterSeconds,omitempty"`
}

// StatusCause is one reason a request failed, often tied to a field path.
type StatusCause struct {
	Type    CauseType `json:"reason,omitempty"`
	Message string    `json:"message,omitempty"`
	Field   string    `json:"field,omitempty"`
}
