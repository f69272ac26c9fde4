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

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// BenchmarkComparePage20 renders the comparison page of 20 evaluated providers through the
// real router and database: loading, scoring, rows, chart and HTML.
func BenchmarkComparePage20(b *testing.B) {
	ctx := context.Background()
	uc := app.New(postgrestest.Store(b), func() time.Time { return now })
	q, _ := uc.Questionnaire(ctx, app.CommandLine(), assess.DefaultKey, 0)
	by := app.CommandLine()
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)})
	h := srv.Handler()

	var ids []string
	for i := range 20 {
		p, err := uc.CreateProvider(ctx, by, assess.ProviderInput{Name: "Bench " + strconv.Itoa(i), ServiceModel: string(assess.ServiceModels[i%3])})
		if err != nil {
			b.Fatal(err)
		}
		ev, err := uc.StartEvaluation(ctx, by, p.ID, "")
		if err != nil {
			b.Fatal(err)
		}
		for j, qu := range q.Questions {
			for k, el := range qu.Elements {
				if el.Type != assess.TypeStatus {
					continue
				}
				value := []string{`"yes"`, `"partial"`, `"no"`}[(i+j+k)%3]
				if _, _, err := uc.SaveAnswer(ctx, by, ev.ID, assess.Ref(qu.Key, el.Key), assess.AnswerInput{Value: []byte(value)}); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := uc.Complete(ctx, by, ev.ID, true); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, strconv.FormatInt(p.ID, 10))
	}
	u, err := uc.CreateUser(ctx, by, app.UserInput{Email: "bench@example.com", Name: "Bench", Role: "viewer", Password: testPassword})
	if err != nil {
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
