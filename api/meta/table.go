package meta

// Table is the meta.k8s.io/v1 tabular form of a list, answered when the client's
// Accept asks for as=Table (kubectl get does).
type Table struct {
	TypeMeta          `json:",inline"`
	ListMeta          `json:"metadata"`
	ColumnDefinitions []TableColumnDefinition `json:"columnDefinitions"`
	Rows              []TableRow              `json:"rows"`
}

// TableColumnDefinition describes one column. Priority 0 columns show by default;
// higher ones only in wide output.
type TableColumnDefinition struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format"`
	Description string `json:"description"`
	Priority    int32  `json:"priority"`
}

// TableRow is one object's cells, plus the object in the form includeObject asked.
type TableRow struct {
	Cells      []any            `json:"cells"`
	Conditions []TableCondition `json:"conditions,omitempty"`
	Object     RawJSON          `json:"object,omitempty"`
}

// TableCondition is a row condition (kubectl hides rows whose Completed is True with
// --show-all=false; we set none today).
type TableCondition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}
