package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
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

// BenchmarkSaveAnswer16 saves answers through the API with 16 concurrent clients, each on a
// draft of its own, through the real router and database: authentication by token, the save
// use case and its transaction. With -cpuprofile it is the save path's profile at 16 clients.
func BenchmarkSaveAnswer16(b *testing.B) {
	ctx := context.Background()
	uc := app.New(postgrestest.Store(b), func() time.Time { return now })
	by := app.CommandLine()
	q, _ := uc.Questionnaire(ctx, by, assess.DefaultKey, 0)
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)})
	h := srv.Handler()
	u, err := uc.CreateUser(ctx, by, app.UserInput{Email: "saver@example.com", Name: "Saver", Role: "evaluator", Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := uc.CreateToken(ctx, by, u.ID, "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	var refs []string
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			if el.Type == assess.TypeStatus {
				refs = append(refs, assess.Ref(qu.Key, el.Key))
			}
		}
	}
	const clients = 16
	drafts := make([]string, clients)
	for i := range drafts {
		p, err := uc.CreateProvider(ctx, by, assess.ProviderInput{Name: "Saved " + strconv.Itoa(i), ServiceModel: "saas"})
		if err != nil {
			b.Fatal(err)
		}
		ev, err := uc.StartEvaluation(ctx, by, p.ID, "")
		if err != nil {
			b.Fatal(err)
		}
		drafts[i] = strconv.FormatInt(ev.ID, 10)
	}
	values := []string{`{"value":"yes"}`, `{"value":"partial","explanation":"Only some."}`, `{"value":"no"}`}
	var next atomic.Int64
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		draft := drafts[int(next.Add(1)-1)%clients]
		for i := 0; pb.Next(); i++ {
			path := "/api/v1/evaluations/" + draft + "/answers/" + refs[i%len(refs)]
			req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(values[(i/len(refs))%len(values)]))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("PUT %s: %d %s", path, rec.Code, rec.Body.String())
				return
			}
		}
	})
}

// BenchmarkEvidenceFile uploads and downloads a 25 MiB PDF through the real handler (token
// authentication, the multipart stream, the type check, the file store and the answer's new
// version): the throughput a user sees, without the network.
func BenchmarkEvidenceFile(b *testing.B) {
	ctx := context.Background()
	uc := app.New(postgrestest.Store(b), func() time.Time { return now })
	by := app.CommandLine()
	h := server.New(server.Options{App: uc, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}).Handler()
	u, err := uc.CreateUser(ctx, by, app.UserInput{Email: "files@example.com", Name: "Files", Role: "evaluator", Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := uc.CreateToken(ctx, by, u.ID, "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	p, err := uc.CreateProvider(ctx, by, assess.ProviderInput{Name: "Files Bench", ServiceModel: "saas"})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := uc.StartEvaluation(ctx, by, p.ID, "")
	if err != nil {
		b.Fatal(err)
	}
	const size = app.DefaultMaxUpload
	target := filesPath(strconv.FormatInt(ev.ID, 10), "assessments.penetration_test")
	var id string
	b.Run("upload", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			body, ct := streamedPDF(3, size)
			req := httptest.NewRequest(http.MethodPost, target, body)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", ct)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatalf("upload: %d %s", rec.Code, rec.Body)
			}
			var out struct {
				File struct{ ID string } `json:"file"`
			}
			json.Unmarshal(rec.Body.Bytes(), &out)
			id = out.File.ID
		}
	})
	if id == "" {
		b.Skip("nothing uploaded")
	}
	b.Run("download", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/files/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := &discardRecorder{header: http.Header{}, count: true}
			h.ServeHTTP(rec, req)
			if rec.status != http.StatusOK || rec.n != size {
				b.Fatalf("download: %d, %d bytes", rec.status, rec.n)
			}
		}
	})
}
