// Package templates holds Shareline's templ components: the layout, pages and the fragments that
// htmx swaps in. Components take the view types below and render; they decide nothing.
package templates

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"shareline/internal/assess"
	"shareline/internal/filetype"
	"shareline/internal/report"
)

// ProvidersView is the provider list page.
type ProvidersView struct {
	Page   assess.ProviderPage
	Query  assess.ProviderQuery
	Error  string
	CanAdd bool
	// Selected are the providers ticked for comparison, on this page or others (?sel=), so that
	// a selection survives paging, searching and filtering.
	Selected       []int64
	Questionnaires []string // the questionnaire keys to filter by
}

// ProviderFormView is the add or edit provider form. ID is 0 when adding.
type ProviderFormView struct {
	ID     int64
	Input  assess.ProviderInput
	Errors map[string]string
}

// ProviderView is one provider with its evaluations, newest first, the one that speaks for it
// (Current, nil: not assessed) and its draft in progress.
type ProviderView struct {
	Provider    assess.Provider
	Evaluations []assess.Evaluation
	Current     *assess.Evaluation
	Draft       *assess.Evaluation
	CanEdit     bool // may edit the provider (it is not archived)
	CanStart    bool // may start an evaluation (none is in progress, it is not archived)
	CanArchive  bool // may archive it (it is not archived)
	CanRestore  bool // may restore it (it is archived)
	Notice      string
}

// EvaluationView is the evaluation form or its summary.
type EvaluationView struct {
	Provider      assess.Provider
	Questionnaire *assess.Questionnaire
	Evaluation    assess.Evaluation
	Summary       assess.Summary
	Today         assess.Date
	// Elements holds each element's form state by "question.element".
	Elements map[string]ElementState
	Notice   string // what just happened ("Completed."), shown once
	// What the signed-in user may do here, as the policy and the evaluation's state decide.
	CanEdit, CanComplete, CanReopen, CanReassess bool
	// Unanswered of Total elements: completing below full progress asks for a confirmation.
	Unanswered, Total int
	// Respondent marks the page of a provider's contact who came through a request link: saves
	// go to /respond/answers/, and no credit, score, deviation or history is shown.
	Respondent bool
	// Requests is the team's side: the evaluation's requests to provider contacts.
	Requests RequestsView
	// CanReview: the user may give verdicts and the evaluation takes them. Pending counts the
	// answers awaiting review, which completing asks about; ReviewFilter shows only elements
	// under one verdict ("" for every element), ReviewCounts how many are under each.
	CanReview    bool
	Pending      int
	ReviewFilter assess.Verdict
	ReviewCounts map[assess.Verdict]int
	// MaxUpload is the largest evidence file accepted, in bytes.
	MaxUpload int64
	// Asked says which conditional elements the stored answers ask (nil: every element).
	Asked *assess.Asked
}

// HasConditions reports whether any element of q is asked only under a condition.
func HasConditions(q *assess.Questionnaire) bool {
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			if el.When != nil {
				return true
			}
		}
	}
	return false
}

// IsAsked reports whether the element ref is asked: a conditional element whose condition
// does not hold is on the page, hidden, so that the form can show it as soon as it holds.
func (v EvaluationView) IsAsked(ref string) bool { return v.Asked == nil || v.Asked.Has(ref) }

// WhenAttrs carries an element's condition (data-when) for the form's script to evaluate as
// answers change; none for an element without one.
func WhenAttrs(el *assess.Element) templ.Attributes {
	if el.When == nil {
		return nil
	}
	js, err := json.Marshal(el.When)
	if err != nil {
		return nil
	}
	return templ.Attributes{"data-when": string(js)}
}

// Shows says whether the page lists an element under its review filter: every element without
// one, else the answered elements under that verdict.
func (v EvaluationView) Shows(st ElementState) bool {
	return v.ReviewFilter == "" || (st.Answered && st.Review.State() == v.ReviewFilter)
}

// ShowsQuestion says whether any element of question q shows under the review filter.
func (v EvaluationView) ShowsQuestion(q *assess.Question) bool {
	for i := range q.Elements {
		if v.Shows(v.Elements[assess.Ref(q.Key, q.Elements[i].Key)]) {
			return true
		}
	}
	return false
}

// ReviewFilterURL is the evaluation page under a review filter ("" for every element).
func (v EvaluationView) ReviewFilterURL(f assess.Verdict) string {
	u := "/evaluations/" + ID(v.Evaluation.ID)
	if f != "" {
		u += "?review=" + string(f)
	}
	return u
}

// CompleteConfirmText is what the person confirms before completing: how many elements are
// unanswered and how many answers await review, and what completing does.
func (v EvaluationView) CompleteConfirmText() string {
	const does = "the score is frozen and the evaluation locked, speaking for the provider until reassessed."
	pending := ""
	switch {
	case v.Pending == 1:
		pending = "1 answer is pending review"
	case v.Pending > 1:
		pending = fmt.Sprintf("%d answers are pending review", v.Pending)
	}
	switch {
	case v.Unanswered > 0 && pending != "":
		return fmt.Sprintf("%d of %d elements are unanswered and %s. Complete anyway: unanswered elements count as 0, %s", v.Unanswered, v.Total, pending, does)
	case v.Unanswered > 0:
		return fmt.Sprintf("%d of %d elements are unanswered. Complete anyway: they count as 0, %s", v.Unanswered, v.Total, does)
	case pending != "":
		return fmt.Sprintf("%s. Complete anyway: they stay unverified, %s", strings.ToUpper(pending[:1])+pending[1:], does)
	}
	return "Complete: " + does
}

// RequestsView is the requests part of the team's evaluation page.
// NewLink is a request link just made, for the team to copy, and whether it was emailed.
type NewLink struct {
	URL        string
	For, Email string // the contact it is for
	// Emailed is "sent", "failed" (the mail server did not take it) or "off" (no mail server).
	Emailed string
}

type RequestsView struct {
	List []RequestRow
	// CanSend: the user may send requests and the evaluation takes answers.
	CanSend bool
	// NewLink is the link of a request just sent or reissued: shown this once, never again.
	NewLink     NewLink
	Form        assess.RequestInput
	FormErrors  map[string]string
	DefaultDate string // the due date the form proposes
}

// RequestRow is one request as the team's page lists it.
type RequestRow struct {
	Request assess.Request
	Status  assess.RequestStatus
	// CanRevoke and CanReissue as the user's role and the request's state allow.
	CanRevoke, CanReissue bool
}

// RespondView is the page of a provider's contact answering through a request link.
type RespondView struct {
	EvaluationView
	Request assess.Request
	// Team is who asks: the evaluator who sent the request.
	Submitted bool
	// Clarifications counts the elements the team asked about and has not settled: after
	// submitting, those alone take answers again.
	Clarifications int
}

// ElementState is what one element's form shows: the stored answer, or what the person sent when
// it was refused, with the problems found.
type ElementState struct {
	Question    *assess.Question
	Element     *assess.Element
	Model       assess.ServiceModel
	Value       string // status, choice, number, date and text answers, as typed
	Matrix      map[assess.Layer]string
	Multi       []string
	Explanation string
	Evidence    []assess.EvidenceInput
	Version     int
	UpdatedAt   time.Time
	Errors      map[string]string // by field: "value", "value.physical", "explanation", "evidence[0].url"
	Saved       bool              // just saved: say so beside the element
	Conflict    bool              // refused because someone saved since: offer to take theirs
	ReadOnly    bool              // shown to someone who may not change it: every control disabled
	// The review of the stored answer, the thread on the element, and who gave the answer.
	Answered   bool
	Review     assess.Review
	Thread     []assess.Message
	AnsweredBy assess.AnsweredBy
	// ReviewInput and ReviewErrors are a refused review form's input and problems; ReplyBody
	// and ReplyErrors a respondent's refused reply.
	ReviewInput  assess.ReviewInput
	ReviewErrors map[string]string
	ReplyBody    string
	ReplyErrors  map[string]string
	// Files are the stored answer's evidence files; UploadErrors a refused upload's problems,
	// by field ("file", "effective_date", "valid_until").
	Files        []assess.Evidence
	UploadErrors map[string]string
}

// Ref is the element's "question.element" key.
func (e ElementState) Ref() string { return assess.Ref(e.Question.Key, e.Element.Key) }

// StateFromAnswer shows a stored answer (a zero Answer for an unanswered element).
func StateFromAnswer(q *assess.Question, el *assess.Element, model assess.ServiceModel, a assess.Answer) ElementState {
	st := ElementState{Question: q, Element: el, Model: model, Explanation: a.Explanation,
		Version: a.Version, UpdatedAt: a.UpdatedAt, Matrix: map[assess.Layer]string{},
		Answered: a.Answered(), Review: a.Review, Thread: a.Thread, AnsweredBy: a.By}
	v := a.Value
	switch v.Type {
	case assess.TypeStatus:
		st.Value = string(v.Status)
	case assess.TypeChoice:
		st.Value = v.Choice
	case assess.TypeText:
		st.Value = v.Text
	case assess.TypeNumber:
		st.Value = strconv.FormatFloat(v.Number, 'f', -1, 64)
	case assess.TypeDate:
		st.Value = v.Date.String()
	case assess.TypeMulti:
		st.Multi = v.Multi
	case assess.TypeMatrix:
		for l, o := range v.Matrix {
			st.Matrix[l] = string(o)
		}
	}
	for _, e := range a.Evidence {
		if e.IsFile() {
			st.Files = append(st.Files, e)
			continue
		}
		st.Evidence = append(st.Evidence, assess.EvidenceInput{URL: e.URL, EffectiveDate: e.EffectiveDate.String()})
	}
	return st
}

// EvidenceCount says how many links and files an element has: "2 links, 1 file".
func EvidenceCount(st ElementState) string {
	var parts []string
	if n := len(st.Evidence); n > 0 {
		parts = append(parts, fmt.Sprintf("%d link%s", n, plural(n)))
	}
	if n := len(st.Files); n > 0 {
		parts = append(parts, fmt.Sprintf("%d file%s", n, plural(n)))
	}
	return strings.Join(parts, ", ")
}

// FileURL is where the page's reader downloads an evidence file.
func FileURL(v EvaluationView, id string) string {
	if v.Respondent {
		return "/respond/files/" + id
	}
	return "/files/" + id
}

// AttachURL is where the page's reader uploads a file to an element.
func AttachURL(v EvaluationView, st ElementState) string {
	if v.Respondent {
		return "/respond/answers/" + st.Ref() + "/files"
	}
	return "/evaluations/" + ID(v.Evaluation.ID) + "/answers/" + st.Ref() + "/files"
}

// AcceptedFiles is the accepted file types and size, for the upload form's hint.
func AcceptedFiles(v EvaluationView) string {
	return filetype.Accepted + ", up to " + assess.Bytes(v.MaxUpload)
}

// AcceptAttribute is the upload input's accept attribute.
func AcceptAttribute() string { return filetype.AcceptAttribute() }

// uploadAttrs ties an upload control to its problem (and the file input to the hint), and
// marks it invalid while the last upload's refusal names it.
func uploadAttrs(st ElementState, field string) templ.Attributes {
	described := "upload-error-" + field
	if field == "file" {
		described = "upload-hint " + described
	}
	attrs := templ.Attributes{"aria-describedby": described}
	if st.UploadErrors[field] != "" {
		attrs["aria-invalid"] = "true"
	}
	return attrs
}

// AttachPageURL is the upload page of an element.
func AttachPageURL(v EvaluationView, st ElementState) string {
	if v.Respondent {
		return "/respond/answers/" + st.Ref() + "/attach"
	}
	return "/evaluations/" + ID(v.Evaluation.ID) + "/answers/" + st.Ref() + "/attach"
}

// BackURL is the element on the page of questions the upload page came from.
func BackURL(v EvaluationView, st ElementState) string {
	if v.Respondent {
		return "/respond#" + DOMID("el", st.Ref())
	}
	return "/evaluations/" + ID(v.Evaluation.ID) + "#" + DOMID("el", st.Ref())
}

// CappingText names the critical elements that hold a tier down: "“Incident response plan”
// and “Malware”".
func CappingText(q *assess.Questionnaire, capping []assess.ElementScore) string {
	names := make([]string, 0, len(capping))
	for _, es := range capping {
		label := es.Element
		if _, el, ok := q.Element(es.Question, es.Element); ok {
			label = el.Label
		}
		names = append(names, assess.Quote(label))
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// plural2 is one or many of a word: "is" or "are".
func plural2(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// DayOrEmpty is a date for a form input: empty when zero.
func DayOrEmpty(d assess.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Pct formats a score or a percentage with the one decimal people see.
func Pct(x float64) string { return strconv.FormatFloat(assess.Round1(x), 'f', 1, 64) }

// BarWidth is a 0–100 figure for an SVG bar's width.
func BarWidth(x float64) string { return strconv.FormatFloat(min(max(x, 0), 100), 'f', 1, 64) }

// ID formats a database id for URLs.
func ID(id int64) string { return strconv.FormatInt(id, 10) }

// Day formats a time as a calendar day.
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Stamp formats a time for people, in the one form every page uses: UTC, with the zone shown.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// DOMID makes an HTML id from parts, keeping it valid in CSS selectors.
func DOMID(parts ...string) string {
	return domID.Replace(strings.Join(parts, "-"))
}

// The replacers are built once: the evaluation page makes hundreds of ids.
var (
	domID   = strings.NewReplacer(".", "-", " ", "-")
	errorID = strings.NewReplacer(".", "-", "[", "-", "]", "", " ", "-")
)

// PreviousPage and NextPage are the queries of the pages before and after page, which q asked
// for: each starts from a key of page (so that it is read from its place in the list, however
// far down), but for the first page, which needs none.
func PreviousPage(q assess.ProviderQuery, page assess.ProviderPage) assess.ProviderQuery {
	q.Offset, q.After, q.Before = max(q.Offset-q.Limit, 0), nil, &page.First
	if q.Offset == 0 {
		q.Before = nil
	}
	return q
}

// NextPage: see PreviousPage.
func NextPage(q assess.ProviderQuery, page assess.ProviderPage) assess.ProviderQuery {
	q.Offset, q.After, q.Before = q.Offset+q.Limit, &page.Last, nil
	return q
}

// ProvidersURL is the provider list URL for a query (its page too), keeping the selection.
func ProvidersURL(q assess.ProviderQuery, selected ...int64) string {
	v := url.Values{}
	for name, value := range map[string]string{"q": q.Search, "tier": string(q.Tier), "model": string(q.Model),
		"status": string(q.Status), "questionnaire": q.Questionnaire} {
		if value != "" {
			v.Set(name, value)
		}
	}
	if q.Archived {
		v.Set("archived", "true")
	}
	if q.Sort != "" && q.Sort != assess.SortByName {
		v.Set("sort", string(q.Sort))
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	if q.After != nil {
		v.Set("after", q.After.String())
	}
	if q.Before != nil {
		v.Set("before", q.Before.String())
	}
	if q.Limit != 0 && q.Limit != assess.DefaultPageSize {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if len(selected) > 0 {
		v.Set("sel", JoinIDs(selected))
	}
	if len(v) == 0 {
		return "/providers"
	}
	return "/providers?" + v.Encode()
}

// JoinIDs writes ids as a comma-separated list, as ?ids= and ?sel= take them.
func JoinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = ID(id)
	}
	return strings.Join(parts, ",")
}

// PageInfo says which rows a page shows, such as "1–50 of 120".
func PageInfo(q assess.ProviderQuery, shown, total int) string {
	if shown == 0 {
		return fmt.Sprintf("0 of %d", total)
	}
	return fmt.Sprintf("%d–%d of %d", q.Offset+1, q.Offset+shown, total)
}

// Credit formats an element's credit as a share.
func Credit(c float64) string { return strconv.FormatFloat(c, 'f', -1, 64) }

// ScoreOf finds one question's score in a summary.
func ScoreOf(s assess.Score, key string) assess.QuestionScore {
	qs, _ := s.Question(key)
	return qs
}

// ElementScoreOf finds one element's score in a summary.
func ElementScoreOf(s assess.Score, question, element string) assess.ElementScore {
	qs, _ := s.Question(question)
	for _, e := range qs.Elements {
		if e.Element == element {
			return e
		}
	}
	return assess.ElementScore{}
}

// DeviationOf reports the deviation on a layer of a matrix element, if any.
func DeviationOf(sum assess.Summary, question, element string, l assess.Layer) (assess.Deviation, bool) {
	for _, d := range sum.Deviations {
		if d.Question == question && d.Element == element && d.Layer == l {
			return d, true
		}
	}
	return assess.Deviation{}, false
}

// EvidenceRows is the evidence rows to show: those stored or sent, and one blank row to add another.
func EvidenceRows(e []assess.EvidenceInput) []assess.EvidenceInput {
	if len(e) >= assess.MaxEvidence {
		return e
	}
	return append(append([]assess.EvidenceInput{}, e...), assess.EvidenceInput{})
}

func creditLabel(es assess.ElementScore) string {
	switch {
	case !es.Answered:
		return "not answered"
	case !es.Applies:
		return "not applicable"
	}
	return fmt.Sprintf("credit %s of %s", Credit(es.Credit), Credit(1)) + weightNote(es.Weight)
}

func weightNote(w float64) string {
	if w == 1 {
		return ""
	}
	return fmt.Sprintf(" · weight %s", Credit(w))
}

// ErrorSummary puts a refused save's problems in one line: the first problem in the form's order,
// in the server's own words, and how many more are marked on their fields.
func ErrorSummary(st ElementState) string {
	fields := slices.SortedFunc(maps.Keys(st.Errors), func(a, b string) int {
		return cmp.Or(cmp.Compare(fieldRank(a), fieldRank(b)), strings.Compare(a, b))
	})
	if len(fields) == 0 {
		return ""
	}
	first := fields[0]
	msg := st.Errors[first]
	if label := fieldLabel(st, first); label != "" {
		msg = label + ": " + msg
	}
	if more := len(fields) - 1; more > 0 {
		msg += fmt.Sprintf(" (and %s, marked below)", Count(more, "more problem", "more problems"))
	}
	return msg
}

// fieldRank orders an element's fields as the form shows them.
func fieldRank(field string) int {
	switch {
	case field == "value", strings.HasPrefix(field, "value."):
		return 0
	case field == "explanation":
		return 1
	}
	return 2
}

// fieldLabel names a field in a message; the answer itself needs no name.
func fieldLabel(st ElementState, field string) string {
	if layer, ok := strings.CutPrefix(field, "value."); ok {
		return "Owner of " + st.Element.Split().Label(assess.Layer(layer))
	}
	if i, part, ok := assess.ParseEvidenceField(field); ok {
		if part == "url" {
			return fmt.Sprintf("Evidence link %d", i+1)
		}
		return fmt.Sprintf("Evidence link %d's date", i+1)
	}
	switch field {
	case "explanation":
		return "Explanation"
	case "evidence":
		return "Evidence"
	}
	return ""
}

// ErrorID is the id of the place where an element's field shows its problem.
func ErrorID(ref, field string) string {
	return "err-" + errorID.Replace(ref+"-"+field)
}

// fieldAttrs ties a control to the place its problem shows, and marks it invalid while it has one.
func fieldAttrs(st ElementState, field string) templ.Attributes {
	attrs := templ.Attributes{"aria-describedby": ErrorID(st.Ref(), field)}
	if _, bad := st.Errors[field]; bad {
		attrs["aria-invalid"] = "true"
	}
	return attrs
}

// dateValue is what a date input may hold: a calendar day, or nothing (a value that is not one
// would make the page invalid HTML and is shown in the field's error instead).
func dateValue(s string) string {
	if _, err := assess.ParseDate(s); err != nil {
		return ""
	}
	return s
}

// numberValue is what a number input may hold: a number as typed, or nothing.
func numberValue(s string) string {
	if _, err := strconv.ParseFloat(s, 64); err != nil || strings.Trim(s, "0123456789.-eE") != "" {
		return ""
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ReportView is the scored report page: the same Report, rows and follow-ups the files are
// made from (Rows: Report.Rows(), Matrix: Report.Matrix(), FollowUps: Report.FollowUps(),
// RetainedNote: Report.RetainedNote()).
type ReportView struct {
	Report       report.Report
	Rows         []report.Row
	Matrix       []report.MatrixRow
	FollowUps    []assess.FollowUp
	RetainedNote string
}

// RowsOf lists the rows of one question.
func RowsOf(rows []report.Row, question string) []report.Row {
	var out []report.Row
	for _, r := range rows {
		if r.Question.Key == question {
			out = append(out, r)
		}
	}
	return out
}

// SignInView is the sign-in page.
type SignInView struct {
	Email string
	Next  string
	Error string
}

// UserInput is the add-user form as typed.
type UserInput struct {
	Email, Name, Role string
}

// UserRow is one account as the admin pages show it.
type UserRow struct {
	ID          int64
	Email, Name string
	Role        string // its key: viewer, evaluator or admin
	Active      bool
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// UsersView is the admin's user list with the add-user form.
type UsersView struct {
	Users  []UserRow
	Roles  []Option
	Input  UserInput
	Errors map[string]string
	Notice string
}

// TokenRow is one API token's record.
type TokenRow struct {
	ID                       int64
	UserEmail, Label         string
	CreatedAt                time.Time
	LastUsedAt, RevokedAt    *time.Time
	ExpiresAt, IdleExpiresAt time.Time
	// Expired says why the token no longer works ("": it does, unless revoked).
	Expired string
}

// TokensView lists API tokens: the user's own, or everyone's (All) for an admin. NewToken is a
// token just made, shown this once.
type TokensView struct {
	Tokens   []TokenRow
	All      bool
	NewToken string
	// NewTokenExpires is when the token just made expires.
	NewTokenExpires time.Time
	Days            string // the lifetime typed in the form
	DefaultDays     int
	MaxDays         int
	IdleDays        int
	Errors          map[string]string
}

// AuditRow is one line of the audit log.
type AuditRow struct {
	At                                 time.Time
	Actor, RemoteAddr, Action, Summary string
	ProviderID, EvaluationID           int64
}

// AuditFilter is the audit page's filter as typed.
type AuditFilter struct {
	User, Provider, From, To string
}

// AuditView is one page of the audit log.
type AuditView struct {
	Entries []AuditRow
	Total   int
	Offset  int
	Filter  AuditFilter
	Users   []UserRow
	Errors  map[string]string
}

// AuditURL is the audit page for a filter at an offset.
func AuditURL(f AuditFilter, offset int) string {
	v := url.Values{}
	for k, x := range map[string]string{"user": f.User, "provider": f.Provider, "from": f.From, "to": f.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	return "/admin/audit?" + v.Encode()
}

func stampPtr(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return Stamp(*t)
}

func auditPage(v AuditView) assess.ProviderQuery { return assess.ProviderQuery{Offset: v.Offset} }

// CompareView is the comparison page. Error is set instead of Comparison when the ids are not
// a valid shortlist. Rows is report.CompareRows(Comparison); the page draws its chart itself
// (CompareChartSVG).
type CompareView struct {
	IDs        []string
	Sort       string
	DiffOnly   bool
	Error      string
	Comparison assess.Comparison
	Rows       []report.CompareRow
}

// URL is this comparison's address with another sort, filter, or as a file (ext non-empty).
func (v CompareView) URL(sort string, diffOnly bool, ext string) string {
	q := url.Values{"ids": {strings.Join(v.IDs, ",")}}
	if sort != "" && sort != assess.SortByCoverage {
		q.Set("sort", sort)
	}
	if diffOnly {
		q.Set("diff", "1")
	}
	path := "/compare"
	if ext != "" {
		path += "." + ext
	}
	return path + "?" + q.Encode()
}

// Shown is the rows the page shows: every row, or only those where providers differ.
func (v CompareView) Shown(group, question string) []report.CompareRow {
	var out []report.CompareRow
	for _, r := range v.Rows {
		if r.Group == group && (question == "" || r.Question == question) && (!v.DiffOnly || r.Differs) {
			out = append(out, r)
		}
	}
	return out
}

// ShadeClass maps a score cell's shade to one of eleven CSS classes (no inline styles: CSP).
func ShadeClass(c report.CompareCell) string {
	if c.Shade < 0 {
		return ""
	}
	return fmt.Sprintf("shade-%d", int(c.Shade*10+0.5))
}

// HistoryView lists every save of one element. Base is the version shown as current, which a
// restore is based on; CanRestore says whether the user may restore here.
type HistoryView struct {
	Evaluation assess.Evaluation
	Provider   assess.Provider
	Question   *assess.Question
	Element    *assess.Element
	Revisions  []assess.Revision
	Base       int
	CanRestore bool
	Notice     string
	Today      assess.Date // against which evidence validity is shown
}

// ValueText is an answer in words.
func ValueText(el *assess.Element, v assess.Value) string { return assess.AnswerText(el, v) }

// Nav is what the header shows the signed-in user: who they are and where they may go. The
// server decides it (with the same policy the use cases apply) and puts it in the request's
// context, since every page's layout needs it.
type Nav struct {
	Name, Role     string
	CanAddProvider bool
	CanAdmin       bool
	// Notices are changes to the user's credentials not shown before: the page shows them once.
	Notices []NoticeRow
}

// NoticeRow is one change to the user's credentials or sessions, as a page tells them of it.
type NoticeRow struct {
	At                time.Time
	Title, Summary    string
	Actor, RemoteAddr string
}

// Who says who made the change, and from where when known.
func (n NoticeRow) Who() string {
	if n.RemoteAddr == "" {
		return "by " + n.Actor
	}
	return "by " + n.Actor + ", from " + n.RemoteAddr
}

type navKey struct{}

// WithNav returns a context carrying the header of a signed-in user.
func WithNav(ctx context.Context, n Nav) context.Context { return context.WithValue(ctx, navKey{}, n) }

// NavFrom is the signed-in user's header, if anyone is signed in.
func NavFrom(ctx context.Context) (Nav, bool) {
	n, ok := ctx.Value(navKey{}).(Nav)
	return n, ok
}

// Count says how many of something, in words: "1 save", "3 saves".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// EvaluationLine tells evaluations apart: status, who started it and when, and progress.
func EvaluationLine(ev assess.Evaluation) string {
	who := ""
	if ev.CreatedBy != "" {
		who = " by " + ev.CreatedBy
	}
	line := fmt.Sprintf("%s · started %s%s · %s%% answered", ev.Status.Label(), Day(ev.CreatedAt), who, Pct(ev.Score.Progress))
	if ev.Status == assess.EvaluationCompleted {
		by := ""
		if ev.CompletedBy != "" {
			by = " by " + ev.CompletedBy
		}
		line += " · completed " + Day(ev.CompletedAt) + by
	}
	return line
}

// ScoringURL is the page that explains a questionnaire version's scoring.
func ScoringURL(key string, version int) string {
	return "/questionnaires/" + url.PathEscape(key) + "/" + strconv.Itoa(version) + "/scoring"
}

// TierRangeText is the coverage range of the i-th of assess.TierRanges, in words.
func TierRangeText(i int) string {
	r := assess.TierRanges[i]
	if i == 0 {
		return fmt.Sprintf("%s or more", Credit(r.From))
	}
	upper := assess.TierRanges[i-1].From
	if i == len(assess.TierRanges)-1 {
		return fmt.Sprintf("below %s", Credit(upper))
	}
	return fmt.Sprintf("%s to below %s", Credit(r.From), Credit(upper))
}

// MissingEvidence reports an answered element that expects evidence and has none: its credit
// rests on the provider's word alone.
func MissingEvidence(el *assess.Element, es assess.ElementScore) bool {
	return el.Evidence && es.Answered && es.Applies && !es.Evidenced
}

// AnsweredText is a question's progress in words: "2 of 5 answered".
func AnsweredText(qs assess.QuestionScore) string {
	return fmt.Sprintf("%d of %d answered", qs.Answered, qs.Total)
}

// Share is n as a percentage of total (0 when there is nothing to share).
func Share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// recentOf is the evaluation of a listing that changed last: its draft when it has a newer one.
func recentOf(l assess.ProviderListing) assess.Evaluation {
	switch {
	case l.Draft == nil:
		return *l.Current
	case l.Current == nil || l.Draft.UpdatedAt.After(l.Current.UpdatedAt):
		return *l.Draft
	}
	return *l.Current
}

// SelectionText says how many providers are ticked for comparison and what it takes. The page
// hands the three wordings to its script too (SelectionWordings), which says it as ticks change.
func SelectionText(n int) string {
	switch n {
	case 0:
		return selectionNone
	case 1:
		return selectionOne
	}
	return strings.ReplaceAll(selectionMany, "{n}", strconv.Itoa(n))
}

const (
	selectionNone = "Tick 2 to 50 providers to compare them side by side; the ticks stay while you page, search and filter."
	selectionOne  = "1 provider ticked: tick at least one more to compare."
	selectionMany = "{n} providers ticked."
)

// SelectionWordings are SelectionText's wordings for the page's script ({n} stands for the count).
func SelectionWordings() templ.Attributes {
	return templ.Attributes{"data-none": selectionNone, "data-one": selectionOne, "data-many": selectionMany}
}

// SelectedElsewhere are the ticked providers not on this page, sent with the comparison too.
func SelectedElsewhere(v ProvidersView) []int64 {
	here := map[int64]bool{}
	for _, p := range v.Page.Providers {
		here[p.ID] = true
	}
	var out []int64
	for _, id := range v.Selected {
		if !here[id] {
			out = append(out, id)
		}
	}
	return out
}

// FormFieldAttrs ties a form's control to its FieldError, and marks it invalid while it has one.
func FormFieldAttrs(errors map[string]string, field string) templ.Attributes {
	if _, bad := errors[field]; !bad {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "err-" + field}
}

// unsavedState tells the page's script whether a plain form starts with an edit not saved yet:
// "refused" when it comes back with problems (what it shows was never stored), else "clean".
func unsavedState(errs map[string]string) string {
	if len(errs) > 0 {
		return "refused"
	}
	return "clean"
}
