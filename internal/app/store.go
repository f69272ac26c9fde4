package app

import (
	"context"
	"iter"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/filestore"
)

// Store is the storage the use cases run on: transactions over repositories. internal/postgres
// implements it; the use cases never see SQL.
type Store interface {
	// Update runs f in one read-write transaction, committed when f returns nil.
	Update(ctx context.Context, f func(Tx) error) error
	// Read runs f in one read-only transaction that sees one snapshot.
	Read(ctx context.Context, f func(Tx) error) error
	// Lookup runs f outside any transaction, each statement on its own: for the one-statement
	// reads every request makes (who is signed in), which a transaction would only slow down.
	Lookup(ctx context.Context, f func(Tx) error) error
	// Ping reports whether storage answers.
	Ping(ctx context.Context) error
	// FileContents is where evidence files' contents are kept unless App.UseFiles says
	// otherwise.
	FileContents() filestore.Store
}

// Tx is the repositories, bound to one transaction.
type Tx interface {
	Providers() Providers
	Evaluations() Evaluations
	Answers() Answers
	Questionnaires() Questionnaires
	Users() Users
	Tokens() Tokens
	Audit() AuditLog
	SignIns() SignIns
	Sessions() Sessions
	MFA() MFA
	Notices() Notices
	Requests() Requests
	Resets() Resets
	Files() Files
	// Later runs f with the statements it makes held back and sent with the commit, in the same
	// round trip: for writes whose results nobody reads. Their errors fail the transaction
	// (Update returns them); inside f only repository methods that say they may wait can run.
	Later(f func(Tx) error) error
}

// Files records what each uploaded evidence file is; its content is in a filestore.Store.
type Files interface {
	// Create records a file (its EvaluationID, StoreKey, Name, Size, SHA256 and Type) uploaded
	// by by, and returns it with its id and time.
	Create(ctx context.Context, f assess.EvidenceFile, by auth.Actor) (assess.EvidenceFile, error)
	// Find returns one file, with its evaluation's provider; assess.ErrNotFound when no file has the id.
	Find(ctx context.Context, id string) (assess.EvidenceFile, error)
	// Of returns the files with these ids that were uploaded to the evaluation, by id; ids of
	// no such file are left out.
	Of(ctx context.Context, evaluationID int64, ids []string) (map[string]assess.EvidenceFile, error)
}

// Providers stores provider records and which evaluations represent each.
type Providers interface {
	Create(ctx context.Context, p assess.Provider) (assess.Provider, error)
	Update(ctx context.Context, p assess.Provider) (assess.Provider, error)
	// Find returns one provider; lock holds its row until the transaction ends, so that changes
	// to one provider's evaluations happen one after another.
	Find(ctx context.Context, id int64, lock bool) (assess.Provider, error)
	// Many returns the providers with these ids, in one query; ids that name none are left out.
	Many(ctx context.Context, ids []int64) ([]assess.Provider, error)
	// List returns one page of providers with the evaluations that represent them; their
	// scores come without per-question scores (Score.Questions is empty), which a page of
	// providers does not show. Archived providers are left out, or alone with q.Archived.
	List(ctx context.Context, q assess.ProviderQuery) (assess.ProviderPage, error)
	// All streams every provider that is not archived with its representation, by name.
	All(ctx context.Context) iter.Seq2[assess.ProviderListing, error]
	// Overview counts the providers not archived by status and tier, counts the archived ones,
	// and lists the latest drafts and changes (of providers not archived), limit of each.
	Overview(ctx context.Context, limit int) (assess.Overview, error)
	// Represent records which evaluations speak for a provider (nil: none).
	Represent(ctx context.Context, providerID int64, current, draft *assess.Evaluation) error
	// Archive marks a provider archived at a time by someone; Restore takes it out of the
	// archive. Neither touches its evaluations.
	Archive(ctx context.Context, id int64, at time.Time, by auth.Actor) (assess.Provider, error)
	Restore(ctx context.Context, id int64, at time.Time) (assess.Provider, error)
}

// Evaluations stores evaluations and their scores, without answers.
type Evaluations interface {
	Create(ctx context.Context, ev assess.Evaluation, by auth.Actor) (int64, error)
	Find(ctx context.Context, id int64, lock bool) (assess.Evaluation, error)
	OfProvider(ctx context.Context, providerID int64) ([]assess.Evaluation, error)
	// LockDrafts holds a provider's drafts until the transaction ends, so that a save under way
	// finishes first and a later one sees what the transaction changed (Editing reads after it).
	LockDrafts(ctx context.Context, providerID int64) error
	// Current returns the current (latest completed) evaluation of each provider that has one,
	// by provider id, and the ids of the providers with a draft in progress.
	Current(ctx context.Context, providerIDs []int64) (map[int64]assess.Evaluation, map[int64]bool, error)
	// StoreScore writes a score beside its evaluation; changed says the answers changed, which
	// moves the evaluation's last-updated time.
	StoreScore(ctx context.Context, id int64, s assess.Score, changed bool) error
	// StoreScored writes a score beside its evaluation after its answers changed, with the
	// scored part of every answer (Editing.Scored), so that the next change rescores from it
	// without reading the answers. It may wait for the commit (Tx.Later).
	StoreScored(ctx context.Context, id int64, s assess.Score, scored map[string]assess.Answer) error
	SetStatus(ctx context.Context, id int64, status assess.EvaluationStatus, by auth.Actor, at time.Time) error
	// Stale lists up to limit drafts whose stored score is from before today or other rules.
	Stale(ctx context.Context, today assess.Date, limit int) ([]int64, error)
}

// Answers stores answers and their history. Answers are decoded against the questionnaire the
// evaluation pinned, which the caller passes.
type Answers interface {
	All(ctx context.Context, q *assess.Questionnaire, evaluationID int64) (map[string]assess.Answer, error)
	// Of returns the answers of several evaluations (of any questionnaires), by evaluation id.
	Of(ctx context.Context, evs []assess.Evaluation, find func(key string, version int) (*assess.Questionnaire, error)) (map[int64]map[string]assess.Answer, error)
	// Current returns the stored answer to one element, or a zero Answer (version 0).
	Current(ctx context.Context, q *assess.Questionnaire, evaluationID int64, question, element string) (assess.Answer, error)
	// Save stores an answer as its next version and appends the revision (with a.Note).
	Save(ctx context.Context, evaluationID int64, a assess.Answer, before assess.Answer, by auth.Actor) (assess.Answer, error)
	// Editing locks an evaluation and reads, in one round trip, what a change to one of its
	// elements starts from (see Editing). find gives the questionnaire version it pins.
	Editing(ctx context.Context, evaluationID int64, question, element string, find func(key string, version int) (*assess.Questionnaire, error)) (Editing, error)
	// Put stores a, as Editing's caller made it from before (its version, times and evidence
	// set as they are to be stored), and appends the revision (with a.Note). It may wait for
	// the commit (Tx.Later).
	Put(ctx context.Context, evaluationID int64, a assess.Answer, before assess.Answer, by auth.Actor) error
	History(ctx context.Context, q *assess.Questionnaire, evaluationID int64, question, element string) ([]assess.Revision, error)
	// SetReview stores the review of an element's current answer. It may wait for the commit.
	SetReview(ctx context.Context, evaluationID int64, question, element string, rv assess.Review) error
	// AddMessage appends a message by by to the thread on an element. It may wait for the
	// commit.
	AddMessage(ctx context.Context, evaluationID int64, question, element string, m assess.Message, by auth.Actor) error
	// Threads returns the messages on each element that has any, by "question.element".
	Threads(ctx context.Context, evaluationID int64) (map[string][]assess.Message, error)
}

// Editing is what a change to one element of an evaluation starts from, read with the
// evaluation's row locked.
type Editing struct {
	Evaluation    assess.Evaluation // the head and stored score, without answers
	Questionnaire *assess.Questionnaire
	// Current is the element's stored answer, or a zero Answer naming it (version 0).
	Current assess.Answer
	// Scored is the scored part of every stored answer, as kept beside the evaluation: the
	// value, and evidence only as some or none (one empty link when there is some). It is all
	// assess.ScoreEvaluation reads. nil when none is kept (an evaluation loaded in bulk, or
	// written before it was kept): the caller reads the answers instead.
	Scored map[string]assess.Answer
	// Now is the transaction's clock, which stamps what it writes.
	Now time.Time
	// ProviderArchived says the evaluation's provider is archived, read after the lock is held.
	ProviderArchived bool
}

// Questionnaires stores questionnaire versions. A version never changes once stored.
type Questionnaires interface {
	Find(ctx context.Context, key string, version int) (*assess.Questionnaire, error)
	Latest(ctx context.Context, key string) (*assess.Questionnaire, error)
	// Publish stores a new version; storing a version that exists with another definition is a
	// conflict, and storing it again unchanged changes nothing.
	Publish(ctx context.Context, q *assess.Questionnaire) (created bool, err error)
	List(ctx context.Context) ([]QuestionnaireInfo, error)
	// Keys lists the questionnaire keys stored, in order: what a filter offers, without List's
	// counts of evaluations (which grow with the data).
	Keys(ctx context.Context) ([]string, error)
}

// QuestionnaireInfo is one stored questionnaire version, without its definition.
type QuestionnaireInfo struct {
	Key         string
	Version     int
	Title       string
	Evaluations int // how many evaluations pin it
	CreatedAt   time.Time
}

// Users stores accounts.
type Users interface {
	Count(ctx context.Context) (int, error)
	Find(ctx context.Context, id int64) (auth.User, error)
	// FindByEmail returns an account and its password hash.
	FindByEmail(ctx context.Context, email string) (auth.User, string, error)
	List(ctx context.Context) ([]auth.User, error)
	Create(ctx context.Context, u auth.User, passwordHash string) (auth.User, error)
	SetRole(ctx context.Context, id int64, role auth.Role) (auth.User, error)
	SetActive(ctx context.Context, id int64, active bool) (auth.User, error)
	SetPassword(ctx context.Context, id int64, passwordHash string) (auth.User, error)
	// PasswordHash returns an account's password hash.
	PasswordHash(ctx context.Context, id int64) (string, error)
}

// Tokens stores API tokens (their hashes).
type Tokens interface {
	Create(ctx context.Context, userID int64, label string, hash []byte, expires, idleExpires time.Time) (auth.Token, error)
	// Use returns an unrevoked token of an active user, with the user, in one statement (a
	// revoked or unknown one is assess.ErrNotFound), and notes its use at now when the last
	// note is older than touchBefore, moving its idle expiry to idleExpires; a token past
	// either expiry is returned unchanged.
	Use(ctx context.Context, hash []byte, now, touchBefore, idleExpires time.Time) (auth.User, auth.Token, error)
	List(ctx context.Context, userID int64) ([]auth.Token, error)
	// Revoke ends a token; ownerID limits it to one user's tokens (0: any); byHash, when
	// non-nil, names the token by its hash instead of its id.
	Revoke(ctx context.Context, id, ownerID int64, byHash []byte) (auth.Token, error)
	// RevokeAll ends every live token of a user and says how many there were.
	RevokeAll(ctx context.Context, userID int64) (int, error)
}

// AuditLog is the append-only record of who did what.
type AuditLog interface {
	Record(ctx context.Context, e auth.AuditEntry) error
	List(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEntry, int, error)
}
