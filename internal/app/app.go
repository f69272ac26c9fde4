// Package app is Shareline's use cases: every change the product makes is one method here.
// Each takes a Principal (who acts), asks the one policy (Can) whether it may, runs one
// transaction on the Store, lets assess decide the domain rules, and writes the audit entry in
// the same transaction. The HTTP server and the command line both call it; neither holds a rule.
package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"shareline/internal/assess"
	"shareline/internal/filestore"
)

// App runs the use cases on a Store.
type App struct {
	store Store
	now   func() time.Time
	// questionnaires caches stored versions by key and version: a version never changes once
	// stored, so a cached one is never stale.
	questionnaires sync.Map
	// mailer, when set (UseMailer), emails request links to their contacts.
	mailer Mailer
	// files keeps evidence files' contents (nil: the Store's, FileContents); maxUpload is the
	// largest accepted (0: DefaultMaxUpload). See UseFiles.
	files     filestore.Store
	maxUpload int64
}

// New returns an App on store; now is the clock (nil: time.Now).
func New(store Store, now func() time.Time) *App {
	if now == nil {
		now = time.Now
	}
	return &App{store: store, now: now}
}

// Now is the App's clock, for callers that stamp what they show.
func (a *App) Now() time.Time { return a.now() }

// Today is the calendar day on the App's clock: dates are checked and scored against it.
func (a *App) Today() assess.Date { return assess.DateOf(a.now()) }

// Ready reports whether storage answers.
func (a *App) Ready(ctx context.Context) error { return a.store.Ping(ctx) }

type questionnaireKey struct {
	key     string
	version int
}

// questionnaire returns a stored questionnaire version, from the cache when it was read before.
func (a *App) questionnaire(ctx context.Context, tx Tx, key string, version int) (*assess.Questionnaire, error) {
	k := questionnaireKey{key, version}
	if q, ok := a.questionnaires.Load(k); ok {
		return q.(*assess.Questionnaire), nil
	}
	q, err := tx.Questionnaires().Find(ctx, key, version)
	if err != nil {
		return nil, err
	}
	a.questionnaires.Store(k, q)
	return q, nil
}

// finder is questionnaire bound to a transaction, for repositories that decode answers of
// several questionnaires.
func (a *App) finder(ctx context.Context, tx Tx) func(string, int) (*assess.Questionnaire, error) {
	return func(key string, version int) (*assess.Questionnaire, error) {
		return a.questionnaire(ctx, tx, key, version)
	}
}

// record writes an audit entry made by p about a provider and an evaluation (0: none).
func record(ctx context.Context, tx Tx, p Principal, action string, providerID, evaluationID int64, format string, args ...any) error {
	e := p.Actor().Entry(action, fmt.Sprintf(format, args...))
	e.ProviderID, e.EvaluationID = providerID, evaluationID
	return tx.Audit().Record(ctx, e)
}
