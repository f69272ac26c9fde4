package assess

import (
	"encoding/base64"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on provider fields.
const (
	MaxNameLength     = 200
	MaxOfferingLength = 200
	MaxNotesLength    = 10000
)

// Provider is one offering of one cloud provider, such as "Acme Cloud, object storage".
type Provider struct {
	ID           int64
	Name         string
	Offering     string
	ServiceModel ServiceModel
	Website      string
	Notes        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// ArchivedAt is when the provider was archived (zero: it is not), ArchivedBy who archived
	// it (empty when unknown, or the command line). See CheckActive.
	ArchivedAt time.Time
	ArchivedBy string
}

// Archived reports whether the provider is archived: hidden from lists, counts, exports and
// comparisons, kept with its history, and read-only until it is restored.
func (p Provider) Archived() bool { return !p.ArchivedAt.IsZero() }

// Archiving refusals, in words a person can act on.
var (
	// ErrArchived refuses a change to an archived provider or to its evaluations.
	ErrArchived error = Conflict("this provider is archived: its record and evaluations are read-only until it is restored")
	// ErrArchivedAlready: archiving an archived provider.
	ErrArchivedAlready error = Conflict("this provider is archived already")
	// ErrNotArchived: only an archived provider can be restored.
	ErrNotArchived error = Conflict("this provider is not archived: only an archived provider can be restored")
)

// CheckActive says whether a provider, its record or its evaluations (answers, status changes,
// new evaluations) may change: not while it is archived.
func CheckActive(p Provider) error {
	if p.Archived() {
		return ErrArchived
	}
	return nil
}

// CheckArchivable says whether a provider may be archived: once. Its evaluations, drafts
// included, are kept as they are.
func CheckArchivable(p Provider) error {
	if p.Archived() {
		return ErrArchivedAlready
	}
	return nil
}

// CheckRestorable says whether a provider may be restored: when it is archived.
func CheckRestorable(p Provider) error {
	if !p.Archived() {
		return ErrNotArchived
	}
	return nil
}

// ProviderInput is a provider as a person or a client sent it.
type ProviderInput struct {
	Name         string `json:"name"`
	Offering     string `json:"offering"`
	ServiceModel string `json:"service_model"`
	Website      string `json:"website"`
	Notes        string `json:"notes"`
}

// NewProvider checks an input and returns the provider to store, or a ValidationError naming
// every field that is wrong.
func NewProvider(in ProviderInput) (Provider, error) {
	p := Provider{
		Name:         strings.TrimSpace(in.Name),
		Offering:     strings.TrimSpace(in.Offering),
		ServiceModel: ServiceModel(strings.TrimSpace(in.ServiceModel)),
		Website:      strings.TrimSpace(in.Website),
		Notes:        strings.TrimSpace(in.Notes),
	}
	errs := fieldErrors{}
	if p.Name == "" {
		errs.add("name", "is required")
	} else if err := checkLine(p.Name, MaxNameLength); err != nil {
		errs.add("name", "%s", err.Error())
	}
	if err := checkLine(p.Offering, MaxOfferingLength); err != nil {
		errs.add("offering", "%s", err.Error())
	}
	if !p.ServiceModel.Valid() {
		errs.add("service_model", "choose SaaS, PaaS or IaaS")
	}
	if p.Website != "" {
		if err := CheckURL(p.Website); err != nil {
			errs.add("website", "%s", err.Error())
		}
	}
	if err := checkText(p.Notes, MaxNotesLength); err != nil {
		errs.add("notes", "%s", err.Error())
	}
	return p, errs.err()
}

// checkLine is checkText for one-line fields: no line breaks, and no characters that reorder
// the text around them (a name must read the same everywhere it is shown).
func checkLine(s string, max int) error {
	if err := checkText(s, max); err != nil {
		return err
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			return errLineBreak
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return errBidi
		}
	}
	return nil
}

type textError string

func (e textError) Error() string { return string(e) }

const (
	errLineBreak = textError("must be one line")
	errBidi      = textError("contains a character that reverses the direction of text")
)

// ProviderSort orders a provider list.
type ProviderSort string

// The orders a provider list can take.
const (
	SortByName  ProviderSort = "name"  // A to Z
	SortByScore ProviderSort = "score" // best current score first; not assessed last
)

// Paging limits of a provider list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
	maxSearchLength = 200
)

// ProviderQuery asks for one page of providers.
type ProviderQuery struct {
	Search string // part of the name, any case
	Sort   ProviderSort
	Limit  int
	Offset int
	// Filters, each empty for any: the tier of the completed evaluation (NotAssessed for none),
	// the service model, the evaluation status, and the questionnaire of the current or draft
	// evaluation.
	Tier          Tier
	Model         ServiceModel
	Status        ProviderStatus
	Questionnaire string
	// Archived asks for the archived providers only; without it the list leaves them out.
	Archived bool
	// After and Before, at most one of them, start the page just past the last row, or just
	// before the first row, of the page next to it (its Next or Previous link carries the key):
	// the list is then read from that place in its order, so that a page far down costs what
	// the first one does. Offset still numbers the rows shown ("51–100 of 900"), and without a
	// key it is where the page starts.
	After, Before *ListKey
}

// ListKey is where one provider sorts in a list: by its score (Score, as the store keeps it
// for ordering) when the list is sorted by score, then its name as it sorts, then its id.
type ListKey struct {
	Score float64
	Name  string
	ID    int64
}

// String is the key as a page link carries it: opaque to people, read back by ParseListKey.
func (k ListKey) String() string {
	raw := strconv.FormatInt(k.ID, 10) + "|" + strconv.FormatFloat(k.Score, 'g', -1, 64) + "|" + k.Name
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// errListKey refuses a key that String did not write.
var errListKey = errors.New("not a place in this list: go back to its first page")

// ParseListKey reads a key that String wrote.
func ParseListKey(s string) (ListKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 4*MaxNameLength+64 {
		return ListKey{}, errListKey
	}
	id, rest, ok1 := strings.Cut(string(raw), "|")
	score, name, ok2 := strings.Cut(rest, "|")
	var k ListKey
	var errID, errScore error
	k.ID, errID = strconv.ParseInt(id, 10, 64)
	k.Score, errScore = strconv.ParseFloat(score, 64)
	if !ok1 || !ok2 || errID != nil || errScore != nil || k.ID < 1 || math.IsNaN(k.Score) || !utf8.ValidString(name) {
		return ListKey{}, errListKey
	}
	k.Name = name
	return k, nil
}

// ProviderStatus is where a provider's evaluations stand, for filtering lists.
type ProviderStatus string

// The provider statuses a list can be filtered by.
const (
	StatusCompleted ProviderStatus = "completed" // a completed evaluation speaks for it
	StatusDrafting  ProviderStatus = "drafting"  // a draft is in progress
	StatusNever     ProviderStatus = "never"     // no evaluation at all
)

// ProviderStatuses lists the statuses in display order.
var ProviderStatuses = []ProviderStatus{StatusCompleted, StatusDrafting, StatusNever}

// Label is the status's name for people.
func (s ProviderStatus) Label() string {
	switch s {
	case StatusCompleted:
		return "Completed"
	case StatusDrafting:
		return "Draft in progress"
	case StatusNever:
		return "Never evaluated"
	}
	return string(s)
}

// Filtered reports whether the query narrows the list (search, filters, or the archived ones):
// its total must then be counted rather than read from the kept total.
func (q ProviderQuery) Filtered() bool {
	return q.Search != "" || q.Tier != "" || q.Model != "" || q.Status != "" || q.Questionnaire != "" || q.Archived
}

// Check fills defaults and refuses what cannot be served.
func (q *ProviderQuery) Check() error {
	errs := fieldErrors{}
	q.Search = strings.TrimSpace(q.Search)
	if err := checkLine(q.Search, maxSearchLength); err != nil {
		errs.add("q", "%s", err.Error())
	}
	switch q.Sort {
	case "":
		q.Sort = SortByName
	case SortByName, SortByScore:
	default:
		errs.add("sort", "want name or score")
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultPageSize
	case q.Limit < 0 || q.Limit > MaxPageSize:
		errs.add("limit", "want 1 to %d", MaxPageSize)
	}
	if q.Offset < 0 {
		errs.add("offset", "want 0 or more")
	}
	if q.After != nil && q.Before != nil {
		errs.add("before", "a page starts after one row or before another, not both")
	}
	if q.Tier != "" && !slices.Contains(OverviewTiers, q.Tier) {
		errs.add("tier", "choose strong, adequate, weak, poor or not assessed")
	}
	if q.Model != "" && !q.Model.Valid() {
		errs.add("model", "choose SaaS, PaaS or IaaS")
	}
	if q.Status != "" && !slices.Contains(ProviderStatuses, q.Status) {
		errs.add("status", "choose completed, draft in progress or never evaluated")
	}
	if err := checkLine(q.Questionnaire, maxSearchLength); err != nil {
		errs.add("questionnaire", "%s", err.Error())
	}
	return errs.err()
}

// ProviderListing is a provider with the evaluations that represent it (see Represent): its
// current, latest completed evaluation (nil: not assessed) and its draft in progress (nil: none).
// They carry their stored scores but no answers.
type ProviderListing struct {
	Provider
	Current *Evaluation
	Draft   *Evaluation
}

// ProviderPage is one page of a provider list and the number of providers that match in all.
type ProviderPage struct {
	Providers []ProviderListing
	Total     int
	// First and Last are the keys of the first and last providers shown, for the links to the
	// pages before and after this one (zero when the page is empty).
	First, Last ListKey
}
