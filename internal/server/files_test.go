package server_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/filestore/s3test"
	"shareline/internal/filestore/storetest"
	"shareline/internal/filetype/filetypetest"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// pdfBytes is a small valid PDF.
var pdfBytes = filetypetest.PDF()

// fileOut is an uploaded file as the API answers it.
type fileOut struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	Type       string `json:"type"`
	UploadedBy string `json:"uploaded_by"`
}

type uploadedOut struct {
	File   fileOut   `json:"file"`
	Answer answerOut `json:"answer"`
	Score  scoreOut  `json:"score"`
}

// multipartBody is an upload form: its fields in order, then the file part.
func multipartBody(t *testing.T, fields [][2]string, name string, content []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		part, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(content)
	}
	w.Close()
	return &b, w.FormDataContentType()
}

// streamedPDF is an upload form of a PDF of size bytes made as it is read (the test holds none
// of it), and its content type.
func streamedPDF(seed uint64, size int64) (io.Reader, string) {
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		w.WriteField("effective_date", today)
		part, _ := w.CreateFormFile("file", "big.pdf")
		part.Write([]byte("%PDF-1.7\n"))
		io.Copy(part, storetest.Stream(seed, size-9))
		pw.CloseWithError(w.Close())
	}()
	return pr, w.FormDataContentType()
}

// upload posts a file to target with the dates given.
func (a *testApp) upload(t *testing.T, target, name string, content []byte, effective, validUntil string, header http.Header) response {
	t.Helper()
	fields := [][2]string{{"effective_date", effective}}
	if validUntil != "" {
		fields = append(fields, [2]string{"valid_until", validUntil})
	}
	body, ct := multipartBody(t, fields, name, content)
	h := http.Header{"Content-Type": {ct}}
	for k, v := range header {
		h[k] = v
	}
	return a.do(t, http.MethodPost, target, body, h)
}

func filesPath(evaluationID, ref string) string {
	return "/api/v1/evaluations/" + evaluationID + "/answers/" + ref + "/files"
}

// newAppWithPool is newApp with the pool of its database, for counting what was kept.
func newAppWithPool(t *testing.T) (*testApp, *pgxpool.Pool) {
	t.Helper()
	pool := postgrestest.Pool(t)
	store := postgres.New(pool)
	seed(t, store)
	return newAppOn(t, store), pool
}

// countRows counts a table's rows.
func countRows(t *testing.T, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEvidenceFileUploadAndDownload(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Files Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	before := a.evaluation(t, ev.ID).Score

	var up uploadedOut
	r := a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), "SOC 2 report.pdf", pdfBytes, "2026-03-31", "2027-03-31", nil)
	decodeJSON(t, r, http.StatusCreated, "FileUploaded", &up)
	sum := sha256.Sum256(pdfBytes)
	if up.File.Name != "SOC 2 report.pdf" || up.File.Size != int64(len(pdfBytes)) || up.File.SHA256 != hex.EncodeToString(sum[:]) || up.File.Type != "pdf" {
		t.Errorf("uploaded file: got %+v, want the name, size, SHA-256 and type pdf of what was sent", up.File)
	}
	if r.header.Get("Location") != "/api/v1/files/"+up.File.ID {
		t.Errorf("Location: got %q, want /api/v1/files/%s", r.header.Get("Location"), up.File.ID)
	}
	if len(up.Answer.Evidence) != 1 || up.Answer.Evidence[0].FileID != up.File.ID || up.Answer.Evidence[0].SHA256 != up.File.SHA256 ||
		up.Answer.Evidence[0].EffectiveDate != "2026-03-31" || up.Answer.Evidence[0].ValidUntil != "2027-03-31" {
		t.Errorf("answer evidence: got %+v, want the file with its dates", up.Answer.Evidence)
	}
	if up.Answer.Version != 2 {
		t.Errorf("answer version after the upload: got %d, want 2 (a new version)", up.Answer.Version)
	}
	if !(up.Score.Evidenced > before.Evidenced) {
		t.Errorf("evidenced share: got %.1f after the upload, %.1f before; want it to rise", up.Score.Evidenced, before.Evidenced)
	}

	for _, path := range []string{"/api/v1/files/" + up.File.ID, "/files/" + up.File.ID} {
		d := a.get(t, path)
		wantStatus(t, d, http.StatusOK)
		if !bytes.Equal(d.body, pdfBytes) {
			t.Errorf("GET %s: got %d bytes, want the %d uploaded", path, len(d.body), len(pdfBytes))
		}
		for h, want := range map[string]string{
			"Content-Type":            "application/pdf",
			"Content-Disposition":     `attachment; filename="SOC 2 report.pdf"; filename*=UTF-8''SOC%202%20report.pdf`,
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; sandbox",
		} {
			if got := d.header.Get(h); got != want {
				t.Errorf("GET %s: %s is %q, want %q", path, h, got, want)
			}
		}
	}
	// A text file may travel compressed; what arrives is still the file, whole.
	csv := []byte(strings.Repeat("control,owner,status\nMFA,provider,done\n", 200))
	var csvUp uploadedOut
	decodeJSON(t, a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), "controls.csv", csv, today, "", nil), http.StatusCreated, "FileUploaded", &csvUp)
	if csvUp.File.Type != "csv" {
		t.Errorf("controls.csv: type %q, want csv", csvUp.File.Type)
	}
	d := a.do(t, http.MethodGet, "/api/v1/files/"+csvUp.File.ID, nil, http.Header{"Accept-Encoding": {"gzip"}})
	wantStatus(t, d, http.StatusOK)
	got := d.body
	if d.header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(d.body))
		if err != nil {
			t.Fatal(err)
		}
		if got, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, csv) {
		t.Errorf("the CSV downloaded (Content-Encoding %q, Content-Length %q) is %d bytes, want the %d uploaded", d.header.Get("Content-Encoding"), d.header.Get("Content-Length"), len(got), len(csv))
	}
	if cl := d.header.Get("Content-Length"); cl != "" && cl != fmt.Sprint(len(d.body)) {
		t.Errorf("Content-Length %s for a body of %d bytes", cl, len(d.body))
	}
	wantAPIError(t, a.get(t, "/api/v1/files/00000000-0000-4000-8000-000000000000"), http.StatusNotFound, "not_found", "")
	wantAPIError(t, a.get(t, "/api/v1/files/not-a-uuid"), http.StatusNotFound, "not_found", "")
	wantAPIError(t, a.anonymous().get(t, "/api/v1/files/"+up.File.ID), http.StatusUnauthorized, "unauthenticated", "")

	// The report lists the file with its hash.
	rep := a.get(t, "/api/v1/evaluations/"+ev.ID+"/report.csv")
	wantStatus(t, rep, http.StatusOK)
	if !strings.Contains(string(rep.body), "SOC 2 report.pdf (file, ") || !strings.Contains(string(rep.body), "SHA-256 "+up.File.SHA256) {
		t.Errorf("CSV report: want the file listed with its SHA-256; got %s", rep.body)
	}
}

func TestEvidenceFileRefusals(t *testing.T) {
	a, pool := newAppWithPool(t)
	a.uc.UseFiles(nil, 4<<10)
	_, ev := a.evaluated(t, "Refused Files Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 120)...)
	cases := []struct {
		name, file       string
		content          []byte
		effective, until string
		field, want      string
	}{
		{"renamed executable", "report.pdf", elf, today, "", "file", "programs and scripts are not accepted"},
		{"HTML posing as a PDF", "report.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), today, "", "file", "web pages"},
		{"name that says another type", "report.png", pdfBytes, today, "", "file", "named as a PNG image"},
		{"too large", "big.pdf", append(append([]byte{}, pdfBytes...), make([]byte, 5<<10)...), today, "", "file", "larger than 4 KiB"},
		{"empty", "empty.pdf", nil, today, "", "file", "empty"},
		{"no effective date", "report.pdf", pdfBytes, "", "", "effective_date", ""},
		{"effective date in the future", "report.pdf", pdfBytes, tomorrow, "", "effective_date", "in the future"},
		{"valid until before the effective date", "report.pdf", pdfBytes, today, "2026-01-01", "valid_until", "before the day"},
	}
	files, blobs := countRows(t, pool, "evidence_files"), countRows(t, pool, "file_blobs")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := wantAPIError(t, a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), c.file, c.content, c.effective, c.until, nil), http.StatusUnprocessableEntity, "invalid", c.field)
			if !strings.Contains(e.Error.Fields[c.field], c.want) {
				t.Errorf("refusal of %s: got %q, want it to say %q", c.field, e.Error.Fields[c.field], c.want)
			}
		})
	}
	t.Run("no file part", func(t *testing.T) {
		body, ct := multipartBody(t, [][2]string{{"effective_date", today}}, "", nil)
		wantAPIError(t, a.do(t, http.MethodPost, filesPath(ev.ID, "assessments.penetration_test"), body, http.Header{"Content-Type": {ct}}), http.StatusUnprocessableEntity, "invalid", "file")
	})
	t.Run("not multipart", func(t *testing.T) {
		wantAPIError(t, a.sendJSON(t, http.MethodPost, filesPath(ev.ID, "assessments.penetration_test"), map[string]string{}), http.StatusUnsupportedMediaType, "unsupported_media_type", "")
	})
	t.Run("unknown element", func(t *testing.T) {
		wantAPIError(t, a.upload(t, filesPath(ev.ID, "assessments.nothing"), "r.pdf", pdfBytes, today, "", nil), http.StatusNotFound, "not_found", "")
	})
	t.Run("viewer", func(t *testing.T) {
		wantAPIError(t, a.as(t, auth.Viewer).upload(t, filesPath(ev.ID, "assessments.penetration_test"), "r.pdf", pdfBytes, today, "", nil), http.StatusForbidden, "forbidden", "")
	})
	if got := a.evaluation(t, ev.ID).Answers["assessments.penetration_test"]; got.Version != 1 || len(got.Evidence) != 0 {
		t.Errorf("after the refusals the answer is version %d with %d evidence items, want version 1 with none", got.Version, len(got.Evidence))
	}
	if f, b := countRows(t, pool, "evidence_files"), countRows(t, pool, "file_blobs"); f != files || b != blobs {
		t.Errorf("after the refusals: %d file records and %d stored contents, want %d and %d (nothing kept)", f, b, files, blobs)
	}
}

func TestEvidenceFileKeptByTheForm(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Form Files Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	// The element's upload page; a refused file gets it again with the reason and the dates.
	attachPage := a.get(t, "/evaluations/"+ev.ID+"/answers/assessments.penetration_test/attach")
	wantStatus(t, attachPage, http.StatusOK)
	if !strings.Contains(string(attachPage.body), `action="/evaluations/`+ev.ID+`/answers/assessments.penetration_test/files"`) {
		t.Errorf("the upload page has no form posting to the element's files")
	}
	r := a.upload(t, "/evaluations/"+ev.ID+"/answers/assessments.penetration_test/files", "pentest.pdf", []byte("<html>hi</html>"), "2026-02-01", "2027-02-01", nil)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	for _, want := range []string{"web pages, SVG and XML are not accepted", `value="2026-02-01"`, `value="2027-02-01"`, `aria-invalid="true"`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("refused upload page: want %q", want)
		}
	}
	wantStatus(t, a.get(t, "/evaluations/"+ev.ID+"/answers/assessments.nothing/attach"), http.StatusNotFound)

	// The page's upload form goes back to the element.
	r = a.upload(t, "/evaluations/"+ev.ID+"/answers/assessments.penetration_test/files", "pentest.pdf", pdfBytes, "2026-02-01", "", nil)
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "?done=attached#el-assessments-penetration_test") {
		t.Fatalf("upload from the page: got %d to %q, want 303 back to the element", r.status, r.header.Get("Location"))
	}
	stored := a.evaluation(t, ev.ID).Answers["assessments.penetration_test"]
	if len(stored.Evidence) != 1 {
		t.Fatalf("after the upload: %d evidence items, want the file", len(stored.Evidence))
	}
	file := stored.Evidence[0]
	page := string(a.get(t, "/evaluations/"+ev.ID).body)
	for _, want := range []string{`href="/files/` + file.FileID + `"`, file.SHA256, `name="evidence_file" value="` + file.FileID + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("evaluation page: want %q", want)
		}
	}

	// An autosave of the element's form (its hidden fields) keeps the file.
	form := url.Values{"type": {"status"}, "value": {"yes"}, "explanation": {"Annual test by an outside firm."},
		"evidence_file": {file.FileID}, "evidence_file_date": {"2026-02-01"}, "evidence_file_until": {""}}
	wantStatus(t, a.postForm(t, "/evaluations/"+ev.ID+"/answers/assessments.penetration_test", form, true), http.StatusOK)
	got := a.evaluation(t, ev.ID).Answers["assessments.penetration_test"]
	if got.Explanation != "Annual test by an outside firm." || len(got.Evidence) != 1 || got.Evidence[0].FileID != file.FileID || got.Evidence[0].SHA256 != file.SHA256 {
		t.Errorf("after an autosave: explanation %q, evidence %+v; want the new explanation and the file kept", got.Explanation, got.Evidence)
	}

	// A file of another evaluation cannot be claimed by naming its id.
	_, other := a.evaluated(t, "Other Files Cloud", "saas")
	e := wantAPIError(t, a.putAnswer(t, other.ID, "assessments.penetration_test", map[string]any{"value": "yes",
		"evidence": []map[string]string{{"file_id": file.FileID, "effective_date": today}}}), http.StatusUnprocessableEntity, "invalid", "evidence[0].file_id")
	if !strings.Contains(e.Error.Fields["evidence[0].file_id"], "no file") {
		t.Errorf("claiming another evaluation's file: got %q", e.Error.Fields["evidence[0].file_id"])
	}

	// Removed from the answer (the page's Remove button), the file stays readable from the
	// revision that had it.
	detach := "/evaluations/" + ev.ID + "/answers/assessments.penetration_test/files/" + file.FileID + "/detach"
	r = a.postForm(t, detach, url.Values{}, false)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=detached") {
		t.Fatalf("remove the file: got %d to %q, want 303 back to the element", r.status, r.header.Get("Location"))
	}
	if got := a.evaluation(t, ev.ID).Answers["assessments.penetration_test"]; len(got.Evidence) != 0 || got.Explanation != "Annual test by an outside firm." {
		t.Errorf("after removing the file: evidence %+v, explanation %q; want no evidence and the rest kept", got.Evidence, got.Explanation)
	}
	wantStatus(t, a.postForm(t, detach, url.Values{}, false), http.StatusNotFound)
	hist := string(a.get(t, "/evaluations/"+ev.ID+"/answers/assessments.penetration_test/history").body)
	if !strings.Contains(hist, `href="/files/`+file.FileID+`"`) || !strings.Contains(hist, file.SHA256) {
		t.Errorf("history page: want the earlier revision's file with its link and hash")
	}
	wantStatus(t, a.get(t, "/api/v1/files/"+file.FileID), http.StatusOK)
}

func TestEvidenceFileExpired(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Expired Files Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	var valid, lapsed uploadedOut
	decodeJSON(t, a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), "soc2-2025.pdf", pdfBytes, "2025-01-01", "2026-01-01", nil), http.StatusCreated, "FileUploaded", &lapsed)
	if lapsed.Score.Evidenced != a.evaluation(t, ev.ID).Score.Evidenced {
		t.Fatal("the upload's score and the stored score differ")
	}
	a.answer(t, ev.ID, "assessments.certifications", map[string]any{"value": []string{"iso27001"}})
	decodeJSON(t, a.upload(t, filesPath(ev.ID, "assessments.certifications"), "iso.pdf", pdfBytes, "2026-01-01", "2027-01-01", nil), http.StatusCreated, "FileUploaded", &valid)
	if !(valid.Score.Evidenced > lapsed.Score.Evidenced) {
		t.Errorf("evidenced: %.1f with only an expired report, %.1f with a valid certificate too; want the expired one not to count", lapsed.Score.Evidenced, valid.Score.Evidenced)
	}
	page := string(a.get(t, "/evaluations/"+ev.ID).body)
	if !strings.Contains(page, "expired 2026-01-01: no longer counts as evidence") {
		t.Errorf("evaluation page: want the lapsed report marked expired")
	}
	// Rescoring from the answers themselves agrees with the score kept beside them.
	re := a.evaluation(t, ev.ID).Score.Evidenced
	if re != valid.Score.Evidenced {
		t.Errorf("evidenced share read back %.1f, want %.1f", re, valid.Score.Evidenced)
	}
}

func TestRespondentFiles(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Respondent Files Cloud", "saas")
	_, other := a.evaluated(t, "Someone Else Cloud", "saas")
	a.answer(t, other.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	var theirs uploadedOut
	decodeJSON(t, a.upload(t, filesPath(other.ID, "assessments.penetration_test"), "other.pdf", pdfBytes, today, "", nil), http.StatusCreated, "FileUploaded", &theirs)

	resp := a.respondent(t, a.sendRequest(t, ev.ID).URL)
	accept := http.Header{"Accept": {"application/json"}}
	r := resp.upload(t, "/respond/answers/assessments.penetration_test/files", "our-soc2.pdf", pdfBytes, today, "", accept)
	wantStatus(t, r, http.StatusCreated)
	var up uploadedOut
	if err := json.Unmarshal(r.body, &up); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(r.body), `"score"`) || up.File.UploadedBy != "Ada Contact via request link" {
		t.Errorf("respondent upload: got %s; want no score and the contact as uploader", r.body)
	}
	wantStatus(t, resp.get(t, "/respond/files/"+up.File.ID), http.StatusOK)
	wantStatus(t, resp.get(t, "/respond/answers/assessments.penetration_test/attach"), http.StatusOK)
	var wrong uploadedOut
	if err := json.Unmarshal(resp.upload(t, "/respond/answers/assessments.penetration_test/files", "wrong.pdf", pdfBytes, today, "", accept).body, &wrong); err != nil {
		t.Fatal(err)
	}
	if r := resp.postForm(t, "/respond/answers/assessments.penetration_test/files/"+wrong.File.ID+"/detach", url.Values{}, false); r.status != http.StatusSeeOther {
		t.Errorf("the contact removes a file: got %d, want 303; %s", r.status, r)
	}
	if r := resp.postForm(t, "/respond/answers/assessments.penetration_test/files/"+theirs.File.ID+"/detach", url.Values{}, false); r.status != http.StatusNotFound {
		t.Errorf("the contact removes another evaluation's file: got %d, want 404", r.status)
	}
	// Nothing but its own evaluation's files.
	for _, path := range []string{"/respond/files/" + theirs.File.ID, "/files/" + up.File.ID, "/api/v1/files/" + up.File.ID} {
		if got := resp.get(t, path); got.status == http.StatusOK {
			t.Errorf("respondent GET %s: got 200, want a refusal", path)
		}
	}
	if got := resp.upload(t, filesPath(other.ID, "assessments.penetration_test"), "x.pdf", pdfBytes, today, "", nil); got.status < 400 {
		t.Errorf("respondent upload to another evaluation through the API: got %d, want a refusal", got.status)
	}
	// The team sees who gave it.
	got := a.evaluation(t, ev.ID).Answers["assessments.penetration_test"]
	if len(got.Evidence) != 1 || got.Evidence[0].FileID != up.File.ID || got.AnsweredBy == nil || got.AnsweredBy.Kind != "provider" {
		t.Errorf("team's view: evidence %+v answered by %+v; want the file, given by the provider", got.Evidence, got.AnsweredBy)
	}
	// The audit log has the contact's uploads, removal and download, by name via the link.
	pid, _ := strconv.ParseInt(a.evaluation(t, ev.ID).ProviderID, 10, 64)
	entries, _, err := a.uc.Audit(context.Background(), app.CommandLine(), auth.AuditQuery{ProviderID: pid, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		if e.Actor == "Ada Contact via request link" {
			seen[e.Action]++
		}
	}
	if seen[auth.ActionFileAttached] != 2 || seen[auth.ActionFileDetached] != 1 || seen[auth.ActionFileDownloaded] != 1 {
		t.Errorf("audit by the contact: %v; want 2 %s, 1 %s, 1 %s", seen, auth.ActionFileAttached, auth.ActionFileDetached, auth.ActionFileDownloaded)
	}
	// Once submitted, the respondent's side is read-only.
	form := url.Values{"confirm": {"yes"}}
	wantStatus(t, resp.postForm(t, "/respond/submit", form, false), http.StatusSeeOther)
	if r := resp.get(t, "/respond/answers/assessments.penetration_test/attach"); r.status != http.StatusConflict {
		t.Errorf("upload page after submitting: got %d, want 409", r.status)
	}
	if r := resp.upload(t, "/respond/answers/assessments.penetration_test/files", "late.pdf", pdfBytes, today, "", accept); r.status != http.StatusConflict {
		t.Errorf("upload after submitting: got %d, want 409; %s", r.status, r)
	}
}

// TestUploadMemory sends a 25 MiB file through the real handler (without the test's OpenAPI
// check, which reads whole bodies) and checks the heap rises by a few MiB at most: the upload
// is streamed into the store, and the download out of it.
func TestUploadMemory(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Big Files Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	raw := server.New(server.Options{App: a.uc, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}).Handler()
	header := a.bearer(t, auth.Evaluator)
	const size = app.DefaultMaxUpload

	send := func() (int, string) {
		body, ct := streamedPDF(7, size)
		req, _ := http.NewRequest(http.MethodPost, filesPath(ev.ID, "assessments.penetration_test"), body)
		req.Header = header.Clone()
		req.Header.Set("Content-Type", ct)
		rec := &discardRecorder{header: http.Header{}}
		raw.ServeHTTP(rec, req)
		return rec.status, rec.body.String()
	}
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	// Warm up the pool and the handlers, then measure.
	if status, body := send(); status != http.StatusCreated {
		t.Fatalf("upload: got %d %s, want 201", status, body)
	}
	var status int
	var body string
	rise := storetest.HeapRise(t, func() { status, body = send() })
	if status != http.StatusCreated {
		t.Fatalf("upload: got %d %s, want 201", status, body)
	}
	t.Logf("heap rise during a 25 MiB upload: %.1f MiB", float64(rise)/(1<<20))
	if rise > 8<<20 {
		t.Errorf("a 25 MiB upload raised the heap by %.1f MiB, want at most 8 MiB", float64(rise)/(1<<20))
	}
	id := body[strings.Index(body, `"id":"`)+6:]
	id = id[:strings.Index(id, `"`)]
	var n int64
	rise = storetest.HeapRise(t, func() {
		req, _ := http.NewRequest(http.MethodGet, "/api/v1/files/"+id, nil)
		req.Header = header.Clone()
		rec := &discardRecorder{header: http.Header{}, count: true}
		raw.ServeHTTP(rec, req)
		n = rec.n
	})
	t.Logf("heap rise during a 25 MiB download: %.1f MiB", float64(rise)/(1<<20))
	if n != size || rise > 8<<20 {
		t.Errorf("download: %d bytes with the heap %.1f MiB higher; want %d bytes and at most 8 MiB", n, float64(rise)/(1<<20), size)
	}
}

// discardRecorder is a ResponseWriter that keeps a small body, or only counts it.
type discardRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	count  bool
	n      int64
}

func (d *discardRecorder) Header() http.Header { return d.header }
func (d *discardRecorder) WriteHeader(s int) {
	if d.status == 0 {
		d.status = s
	}
}
func (d *discardRecorder) Write(p []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	d.n += int64(len(p))
	if !d.count && d.body.Len() < 1<<16 {
		d.body.Write(p)
	}
	return len(p), nil
}

// minimalDOCX is a Word document as far as the type check looks: its content types and its
// main part.
func minimalDOCX(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`,
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEvidenceFilesOnS3 runs uploads and downloads with the files kept in a real S3 server
// (SeaweedFS): a PDF, a DOCX (its archive checked before it is stored),
// and a refused file that leaves no object behind.
func TestEvidenceFilesOnS3(t *testing.T) {
	w := s3test.Start(t)
	bucket := w.NewStore(t)
	a := newApp(t)
	a.uc.UseFiles(bucket, 0)
	_, ev := a.evaluated(t, "S3 Files Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	ctx := context.Background()

	docx := minimalDOCX(t)
	for name, content := range map[string][]byte{"letter.pdf": pdfBytes, "scope.docx": docx} {
		var up uploadedOut
		decodeJSON(t, a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), name, content, today, "", nil), http.StatusCreated, "FileUploaded", &up)
		d := a.get(t, "/api/v1/files/"+up.File.ID)
		wantStatus(t, d, http.StatusOK)
		if !bytes.Equal(d.body, content) {
			t.Errorf("%s from S3: got %d bytes, want the %d uploaded", name, len(d.body), len(content))
		}
	}
	before, err := bucket.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before != 2 {
		t.Errorf("objects in the bucket: %d, want 2", before)
	}
	wantAPIError(t, a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), "fake.docx", append([]byte("PK\x03\x04"), make([]byte, 64)...), today, "", nil),
		http.StatusUnprocessableEntity, "invalid", "file")
	wantAPIError(t, a.upload(t, filesPath(ev.ID, "assessments.penetration_test"), "page.pdf", []byte("<html><body>hi</body></html>"), today, "", nil),
		http.StatusUnprocessableEntity, "invalid", "file")
	if after, err := bucket.Count(ctx); err != nil || after != before {
		t.Errorf("objects after two refused uploads: %d (%v), want %d", after, err, before)
	}
}

// TestSlowUploadHoldsNoConnection: while a client is still sending its file, the upload holds
// no database connection (it is read to a temporary file first), so slow uploads cannot starve
// the pool the rest of the server needs.
func TestSlowUploadHoldsNoConnection(t *testing.T) {
	a, pool := newAppWithPool(t)
	_, ev := a.evaluated(t, "Slow Upload Cloud", "saas")
	a.answer(t, ev.ID, "assessments.penetration_test", map[string]any{"value": "yes"})
	raw := server.New(server.Options{App: a.uc, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}).Handler()
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	req, _ := http.NewRequest(http.MethodPost, filesPath(ev.ID, "assessments.penetration_test"), pr)
	req.Header = a.bearer(t, auth.Evaluator).Clone()
	req.Header.Set("Content-Type", w.FormDataContentType())
	rec := &discardRecorder{header: http.Header{}}
	done := make(chan struct{})
	go func() { raw.ServeHTTP(rec, req); close(done) }()

	w.WriteField("effective_date", today)
	part, _ := w.CreateFormFile("file", "slow.pdf")
	part.Write(pdfBytes)
	// The pipe hands over each write only when the server reads it: after this, the server is
	// in the middle of the file.
	part.Write(make([]byte, 1<<20))
	if n := pool.Stat().AcquiredConns(); n != 0 {
		t.Errorf("while the file is still arriving, %d database connections are held; want none", n)
	}
	w.Close()
	pw.Close()
	<-done
	if rec.status != http.StatusCreated {
		t.Fatalf("upload: got %d %s, want 201", rec.status, rec.body.String())
	}
}
