package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// BenchmarkComparePage20 renders the comparison page of 20 evaluated providers through the
// real router and database: loading, scoring, rows, chart and HTML.
func BenchmarkComparePage20(b *testing.B) {
	ctx := context.Background()
	store := postgrestest.Store(b)
	qs, _ := assess.Questionnaires()
	q, _ := qs.Latest(assess.DefaultKey)
	today := assess.DateOf(now)
	by := auth.Actor{Name: "bench"}
	srv := server.New(server.Options{Store: store, Questionnaires: qs, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)})
	h := srv.Handler()

	var ids []string
	for i := range 20 {
		p, err := store.CreateProvider(ctx, assess.Provider{Name: "Bench " + strconv.Itoa(i), ServiceModel: assess.ServiceModels[i%3]}, by)
		if err != nil {
			b.Fatal(err)
		}
		ev, err := store.CreateEvaluation(ctx, p.ID, q, today, by)
		if err != nil {
			b.Fatal(err)
		}
		for j, qu := range q.Questions {
			for k, el := range qu.Elements {
				if el.Type != assess.TypeStatus {
					continue
				}
				value := []string{`"yes"`, `"partial"`, `"no"`}[(i+j+k)%3]
				ans, err := q.NewAnswer(qu.Key, el.Key, assess.AnswerInput{Value: []byte(value)}, today)
				if err == nil {
					_, _, err = store.SaveAnswer(ctx, ev.ID, ans, today, by)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		ids = append(ids, strconv.FormatInt(p.ID, 10))
	}
	u, hash, _ := auth.NewUser("bench@example.com", "Bench", "viewer", testPassword)
	if _, err := store.CreateUser(ctx, u, hash, by); err != nil {
		b.Fatal(err)
	}
	login := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"email": {u.Email}, "password": {testPassword}}.Encode()))
	login.Header.Set("Content-Type", formType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, login)
	cookie := rec.Result().Cookies()[0]

	target := "/compare?ids=" + strings.Join(ids, ",")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", target, rec.Code)
		}
	}
}
