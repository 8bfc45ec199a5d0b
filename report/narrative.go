package report

// Gap is a stage of the run that failed, and how.
type Gap struct {
	Stage string `json:"stage"`
	Error string `json:"error"`
}

// Narrative is the prose at the top of report.md: drafted by a language
// model and checked against the report's figures, or written from the plan
// by rules when no draft passed.
type Narrative struct {
	// Source is "ollama" or "deterministic".
	Source string `json:"source"`
	// Model wrote the text, when Source is "ollama".
	Model string `json:"model,omitempty"`
	Text  string `json:"text"`
	// Reason says why the deterministic narrative was published.
	Reason string `json:"reason,omitempty"`
	// Rejected are the claims of the model's drafts that no figure of the
	// report supports.
	Rejected []Claim `json:"rejected_claims,omitempty"`
}

// Claim is one number a draft stated, as written.
type Claim struct {
	Draft   int    `json:"draft"`
	Text    string `json:"text"`
	Problem string `json:"problem"`
}
