package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/templates"
)

// filesAPIPath is where the API serves evidence files: GET /api/v1/files/{file}.
const filesAPIPath = "/api/v1/files/"

// uploadTimeout is how long an upload may take to arrive: 25 MiB at about 350 kbit/s.
const uploadTimeout = 10 * time.Minute

// maxUploadFields bounds what an upload's form carries besides the file: its dates.
const maxUploadFields = 64 << 10

// errNoFilePart: a multipart upload without its file part.
var errNoFilePart = assess.Invalid("file", "choose a file to upload")

// upload reads an evidence file upload (multipart/form-data: the fields effective_date and
// valid_until, then the part named file) and hands it to the use case as it arrives: the file is
// streamed into the file store, never held whole. Fields after the file part are not read.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, id int64, ref string, up *app.Upload) (assess.EvidenceFile, assess.Answer, assess.Score, error) {
	fail := func(err error) (assess.EvidenceFile, assess.Answer, assess.Score, error) {
		return assess.EvidenceFile{}, assess.Answer{}, assess.Score{}, err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return fail(fmt.Errorf("%w: send the file as multipart/form-data", errContentType))
	}
	// A large file over a slow link takes longer than the server's usual read and write
	// timeouts allow (an error here means the writer cannot say: the usual ones stand).
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(uploadTimeout))
	rc.SetWriteDeadline(time.Now().Add(uploadTimeout + time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, s.app.MaxUpload()+maxUploadFields)
	mr, err := r.MultipartReader()
	if err != nil {
		return fail(fmt.Errorf("%w: %v", errBadForm, err))
	}
	fields := int64(0)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fail(errNoFilePart)
		}
		if err != nil {
			return fail(uploadReadError(err))
		}
		name := part.FormName()
		if name == "file" {
			if part.FileName() == "" {
				return fail(errNoFilePart)
			}
			up.Name, up.Body = part.FileName(), part
			file, saved, score, err := s.app.UploadFile(r.Context(), principal(r), id, ref, *up)
			return file, saved, score, uploadReadError(err)
		}
		value, err := io.ReadAll(io.LimitReader(part, maxUploadFields-fields+1))
		fields += int64(len(value))
		if err != nil {
			return fail(uploadReadError(err))
		}
		if fields > maxUploadFields {
			return fail(errTooLarge)
		}
		switch name {
		case "effective_date":
			up.EffectiveDate = string(value)
		case "valid_until":
			up.ValidUntil = string(value)
		}
	}
}

// uploadReadError turns a body over the limit into errTooLarge and a broken multipart body into
// a bad request; other errors pass.
func uploadReadError(err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return errTooLarge
	case errors.Is(err, io.ErrUnexpectedEOF), strings.HasPrefix(err.Error(), "multipart:"):
		return fmt.Errorf("%w: the upload was cut short or is not well formed", errBadForm)
	}
	return err
}

// fileUploaded is the API's answer to an upload: the file, the answer it now backs and the score.
type fileUploaded struct {
	File   fileJSON          `json:"file"`
	Answer answerJSON        `json:"answer"`
	Score  *report.ScoreJSON `json:"score,omitempty"`
}

type fileJSON struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Size       int64   `json:"size"`
	SHA256     string  `json:"sha256"`
	Type       string  `json:"type"`
	UploadedBy string  `json:"uploaded_by"`
	CreatedAt  apiTime `json:"created_at"`
}

func newFileJSON(f assess.EvidenceFile) fileJSON {
	return fileJSON{ID: f.ID, Name: f.Name, Size: f.Size, SHA256: f.SHA256, Type: f.Type,
		UploadedBy: f.UploadedBy, CreatedAt: apiTime(f.CreatedAt)}
}

// handleFileUpload is the API's upload: 201 with the file, the answer and the new score.
func (s *Server) handleFileUpload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	file, saved, score, err := s.upload(w, r, id, chi.URLParam(r, "ref"), &app.Upload{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	sc := report.NewScoreJSON(score)
	w.Header().Set("Location", filesAPIPath+file.ID)
	writeJSON(w, http.StatusCreated, fileUploaded{newFileJSON(file), newAnswerJSON(saved), &sc})
}

// handleFileUploadForm is the upload form beside an element on the team's evaluation page.
func (s *Server) handleFileUploadForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.uploadForm(w, r, id, chi.URLParam(r, "ref"), s.teamAnswerPage(r, id))
}

// handleRespondUpload is a respondent's upload, from the form beside an element or as JSON
// (Accept: application/json), which answers without any score.
func (s *Server) handleRespondUpload(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ref := chi.URLParam(r, "ref")
	if wantsJSON(r) {
		file, saved, _, err := s.upload(w, r, p.Grant.EvaluationID, ref, &app.Upload{})
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, fileUploaded{File: newFileJSON(file), Answer: newRespondentAnswerJSON(saved)})
		return
	}
	s.uploadForm(w, r, p.Grant.EvaluationID, ref, s.respondentAnswerPage(r))
}

// wantsJSON says whether a page route's caller asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(strings.TrimSpace(strings.Split(r.Header.Get("Accept"), ",")[0]))
	return mt == "application/json"
}

// uploadForm runs an upload from an element's upload page and goes back to the element; a
// refused file gets the upload page again with the reason and the dates sent.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request, id int64, ref string, pg answerPage) {
	var up app.Upload
	_, _, _, err := s.upload(w, r, id, ref, &up)
	var ve *assess.ValidationError
	switch {
	case err == nil:
		http.Redirect(w, r, pg.done+"?done=attached#"+templates.DOMID("el", ref), http.StatusSeeOther)
	case errors.As(err, &ve):
		s.attachPage(w, r, id, ref, pg, http.StatusUnprocessableEntity, func(v *templates.AttachView) {
			v.State.UploadErrors, v.EffectiveDate, v.ValidUntil = ve.Fields, up.EffectiveDate, up.ValidUntil
		})
	default:
		s.error(w, r, err)
	}
}

// handleAttachPage is the team's upload page of one element.
func (s *Server) handleAttachPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.attachPage(w, r, id, chi.URLParam(r, "ref"), s.teamAnswerPage(r, id), http.StatusOK, nil)
}

// handleRespondAttachPage is the respondent's upload page of one element.
func (s *Server) handleRespondAttachPage(w http.ResponseWriter, r *http.Request) {
	s.attachPage(w, r, principal(r).Grant.EvaluationID, chi.URLParam(r, "ref"), s.respondentAnswerPage(r), http.StatusOK, nil)
}

// errNotEditable: the upload page of an element that cannot change just now.
var errNotEditable = assess.Conflict("this answer cannot be changed now (the evaluation is completed, or your answers were submitted): nothing can be attached")

// attachPage renders an element's upload page; with adjust, as a refused upload left it.
func (s *Server) attachPage(w http.ResponseWriter, r *http.Request, id int64, ref string, pg answerPage, status int, adjust func(*templates.AttachView)) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	tv := pg.view(v)
	st, ok := tv.Elements[ref]
	switch {
	case !ok:
		s.error(w, r, fmt.Errorf("element %s: %w", ref, assess.ErrNotFound))
		return
	case !tv.CanEdit || st.ReadOnly:
		s.error(w, r, errNotEditable)
		return
	}
	av := templates.AttachView{EvaluationView: tv, State: st}
	if adjust != nil {
		adjust(&av)
	}
	s.render(w, r, status, templates.AttachPage(av))
}

// handleFileDetachForm takes a file off an element from the team's page.
func (s *Server) handleFileDetachForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.detachForm(w, r, id, s.teamAnswerPage(r, id))
}

// handleRespondDetach takes a file off an element from the respondent's page.
func (s *Server) handleRespondDetach(w http.ResponseWriter, r *http.Request) {
	s.detachForm(w, r, principal(r).Grant.EvaluationID, s.respondentAnswerPage(r))
}

func (s *Server) detachForm(w http.ResponseWriter, r *http.Request, id int64, pg answerPage) {
	ref := chi.URLParam(r, "ref")
	if _, err := s.app.DetachFile(r.Context(), principal(r), id, ref, chi.URLParam(r, "file")); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, pg.done+"?done=detached#"+templates.DOMID("el", ref), http.StatusSeeOther)
}

// handleFileDownload sends an evidence file to someone who may read its evaluation, as an
// attachment that no browser runs or renders in Shareline's origin.
func (s *Server) handleFileDownload(w http.ResponseWriter, r *http.Request) {
	f, err := s.app.File(r.Context(), principal(r), chi.URLParam(r, "file"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	defer f.Content.Close()
	h := w.Header()
	h.Set("Content-Type", f.MIME)
	h.Set("Content-Disposition", report.UploadName(f.Name).Disposition())
	h.Set("Content-Length", fmt.Sprint(f.Size))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, f.Content); err != nil {
		s.log.WarnContext(r.Context(), "file download cut short", "file", f.ID, "err", err)
	}
}
