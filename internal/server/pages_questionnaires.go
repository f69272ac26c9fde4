package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
	"shareline/internal/importer"
	"shareline/internal/importer/sheet"
	"shareline/internal/questionnairefile"
	"shareline/internal/report"
	"shareline/templates"
)

// questionnaireUploadLimit bounds the body of a questionnaire upload or publish form: the file
// (at most questionnairefile.MaxBytes) and a margin for the multipart framing around it.
const questionnaireUploadLimit = questionnairefile.MaxBytes + 64<<10

// questionnairesPath is the admin page of the questionnaires.
const questionnairesPath = "/admin/questionnaires"

// tooLargeQuestionnaire is what an admin is told of a file past the limit.
var tooLargeQuestionnaire = fmt.Sprintf("The file is larger than %d MiB, the limit for a questionnaire file. Nothing was read or stored.",
	questionnairefile.MaxBytes>>20)

var (
	// errNoQuestionnaireFile: an upload without its file.
	errNoQuestionnaireFile = assess.Invalid("file", "choose a questionnaire file to upload")
	// errQuestionnaireTooLarge: an upload past the size limit (read no further).
	errQuestionnaireTooLarge = fmt.Errorf("%w: %s", errTooLarge, tooLargeQuestionnaire)
	// errNoDefinition: a publish form without the definition the preview put in it.
	errNoDefinition = assess.Invalid("definition", "the form carries no questionnaire: upload the file again")
)

// handleQuestionnairesPage lists every questionnaire version, with the upload form.
func (s *Server) handleQuestionnairesPage(w http.ResponseWriter, r *http.Request) {
	s.renderQuestionnaires(w, r, http.StatusOK, templates.QuestionnairesView{Notice: r.URL.Query().Get("done")})
}

// renderQuestionnaires renders the list page with status; v carries a notice or a refusal.
func (s *Server) renderQuestionnaires(w http.ResponseWriter, r *http.Request, status int, v templates.QuestionnairesView) {
	rows, err := s.questionnaireRows(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Keys = rows
	s.render(w, r, status, templates.QuestionnairesPage(v))
}

// questionnaireRows groups the stored versions by key, newest version first, with each one's
// counts. The list holds no definitions, so each version is read for its counts: an admin
// page over a handful of versions.
func (s *Server) questionnaireRows(r *http.Request) ([]templates.QuestionnaireKeyRow, error) {
	ctx, p := r.Context(), principal(r)
	infos, err := s.app.Questionnaires(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []templates.QuestionnaireKeyRow
	for _, info := range infos {
		q, err := s.app.Questionnaire(ctx, p, info.Key, info.Version)
		if err != nil {
			return nil, err
		}
		row := templates.QuestionnaireVersionRow{Key: info.Key, Version: info.Version, Title: info.Title,
			Questions: len(q.Questions), Elements: q.ElementCount(), Evaluations: info.Evaluations, PublishedAt: info.CreatedAt}
		if n := len(out); n > 0 && out[n-1].Key == info.Key {
			out[n-1].Versions = append(out[n-1].Versions, row)
			continue
		}
		out = append(out, templates.QuestionnaireKeyRow{Key: info.Key, Versions: []templates.QuestionnaireVersionRow{row}})
	}
	for i := range out {
		slices.SortFunc(out[i].Versions, func(a, b templates.QuestionnaireVersionRow) int { return cmp.Compare(b.Version, a.Version) })
	}
	return out, nil
}

// handleQuestionnaireDownload sends one stored version as a Shareline JSON file, the same one
// `shareline questionnaire export KEY@VERSION` writes.
func (s *Server) handleQuestionnaireDownload(w http.ResponseWriter, r *http.Request) {
	key, raw := chi.URLParam(r, "key"), chi.URLParam(r, "version")
	version, err := strconv.Atoi(raw)
	if err != nil || version < 1 || strconv.Itoa(version) != raw {
		s.error(w, r, assess.ErrNotFound)
		return
	}
	q, err := s.app.Questionnaire(r.Context(), principal(r), key, version)
	if err != nil {
		s.error(w, r, err)
		return
	}
	file, err := questionnairefile.Write(q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// Keys are lower-case letters, digits, '_' and '-': safe in a quoted file name as they are.
	sendAttachment(w, "application/json; charset=utf-8", fmt.Sprintf("%s-v%d.json", q.Key, q.Version), file)
}

// handleQuestionnaireTemplateXLSX sends the spreadsheet to fill in, as a workbook.
func (s *Server) handleQuestionnaireTemplateXLSX(w http.ResponseWriter, r *http.Request) {
	file, err := sheet.Template()
	if err != nil {
		s.error(w, r, err)
		return
	}
	sendAttachment(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "shareline-questionnaire-template.xlsx", file)
}

// handleQuestionnaireTemplateCSV sends the spreadsheet to fill in, as CSV.
func (s *Server) handleQuestionnaireTemplateCSV(w http.ResponseWriter, r *http.Request) {
	sendAttachment(w, "text/csv; charset=utf-8", "shareline-questionnaire-template.csv", sheet.TemplateCSV())
}

// sendAttachment answers with a file to save, under the headers every download has (attachment).
func sendAttachment(w http.ResponseWriter, contentType, name string, body []byte) {
	attachment(w, contentType, report.UploadName(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// handleQuestionnairePreview reads an uploaded questionnaire file in any format Shareline
// imports and shows what publishing it would do; nothing is stored. A refused file gets the
// list page again with every problem the import named.
func (s *Server) handleQuestionnairePreview(w http.ResponseWriter, r *http.Request) {
	name, data, err := readFormPart(w, r, "file")
	if err == nil && name == "" {
		err = errNoQuestionnaireFile
	}
	if err != nil {
		s.questionnaireFormError(w, r, name, err)
		return
	}
	result, err := importer.Read(name, data)
	if err != nil {
		s.questionnaireFormError(w, r, name, err)
		return
	}
	plan, err := s.app.PlanImport(r.Context(), principal(r), result.Questionnaire)
	if err != nil {
		s.questionnaireFormError(w, r, name, err)
		return
	}
	file, err := questionnairefile.Write(result.Questionnaire)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// The form carries the definition on one line: smaller, and no line breaks for a browser
	// to rewrite on the way back.
	var compact bytes.Buffer
	if err := json.Compact(&compact, file); err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.QuestionnairePreviewPage(templates.QuestionnairePreviewView{
		FileName:   name,
		Format:     result.Format.Label(),
		Notes:      result.Notes,
		Q:          plan.Questionnaire,
		Created:    plan.Created,
		Replaces:   plan.Replaces,
		Definition: compact.String(),
	}))
}

// handlePublishQuestionnaire publishes the definition a preview put in its form. It is read
// again as a file is, so that what is published passed every check whatever the form carried;
// the same definition twice is one version.
func (s *Server) handlePublishQuestionnaire(w http.ResponseWriter, r *http.Request) {
	_, data, err := readFormPart(w, r, "definition")
	if err == nil && len(bytes.TrimSpace(data)) == 0 {
		err = errNoDefinition
	}
	if err != nil {
		s.questionnaireFormError(w, r, "", err)
		return
	}
	q, err := questionnairefile.Read(data)
	if err != nil {
		s.questionnaireFormError(w, r, "", err)
		return
	}
	done, err := s.app.ImportQuestionnaire(r.Context(), principal(r), q)
	if err != nil {
		s.questionnaireFormError(w, r, "", err)
		return
	}
	n := done.Questionnaire
	notice := fmt.Sprintf("Published %s version %d", n.Key, n.Version)
	if !done.Created {
		notice = fmt.Sprintf("Unchanged: %s is the same as the stored version %d, nothing was published", n.Key, n.Version)
	}
	http.Redirect(w, r, questionnairesPath+"?done="+url.QueryEscape(notice), http.StatusSeeOther)
}

// questionnaireFormError answers a refused upload or publish on the list page: a refused file
// (422) with each of its problems, an input problem (422) or a file too large (413) in words.
// Anything else is the server's usual error page.
func (s *Server) questionnaireFormError(w http.ResponseWriter, r *http.Request, name string, err error) {
	v := templates.QuestionnairesView{FileName: name}
	var refused *questionnairefile.Error
	var ve *assess.ValidationError
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &refused):
		v.Problems = problemRows(refused.Problems)
		if len(v.Problems) == 0 {
			v.Problems = []templates.ProblemRow{{Message: "the file was refused"}}
		}
	case errors.As(err, &ve):
		for _, msg := range ve.Fields {
			v.Problems = append(v.Problems, templates.ProblemRow{Message: capitalize(strings.TrimSuffix(msg, "."))})
		}
		slices.SortFunc(v.Problems, func(a, b templates.ProblemRow) int { return cmp.Compare(a.Message, b.Message) })
	case errors.Is(err, errTooLarge):
		status = http.StatusRequestEntityTooLarge
		v.Problems = []templates.ProblemRow{{Message: tooLargeQuestionnaire}}
	default:
		s.error(w, r, err)
		return
	}
	s.renderQuestionnaires(w, r, status, v)
}

// problemRows says where each problem is, in the terms of the file it came from.
func problemRows(problems []questionnairefile.Problem) []templates.ProblemRow {
	out := make([]templates.ProblemRow, 0, len(problems))
	for _, p := range problems {
		var where []string
		if p.Row > 0 {
			where = append(where, "row "+strconv.Itoa(p.Row))
		}
		if p.Line > 0 {
			where = append(where, "line "+strconv.Itoa(p.Line))
		}
		if p.Path != "" {
			where = append(where, p.Path)
		}
		out = append(out, templates.ProblemRow{Where: strings.Join(where, ", "), Message: p.Message})
	}
	return out
}

// readFormPart reads one part of a multipart/form-data body: its file name (empty for a plain
// field) and content, at most questionnairefile.MaxBytes. A larger body or part is errTooLarge,
// and nothing past the limit is read. The parts before it are skipped.
func readFormPart(w http.ResponseWriter, r *http.Request, field string) (string, []byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return "", nil, assess.Invalid(field, "send the form as multipart/form-data, as the page's form does")
	}
	r.Body = http.MaxBytesReader(w, r.Body, questionnaireUploadLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, uploadReadError(err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if field == "file" {
				return "", nil, errNoQuestionnaireFile
			}
			return "", nil, errNoDefinition
		}
		if err != nil {
			return "", nil, questionnaireReadError(err)
		}
		if part.FormName() != field {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, questionnairefile.MaxBytes+1))
		if err != nil {
			return "", nil, questionnaireReadError(err)
		}
		if len(data) > questionnairefile.MaxBytes {
			return "", nil, errQuestionnaireTooLarge
		}
		return part.FileName(), data, nil
	}
}

// questionnaireReadError is uploadReadError with the questionnaire file's own limit in words.
func questionnaireReadError(err error) error {
	err = uploadReadError(err)
	if errors.Is(err, errTooLarge) {
		return errQuestionnaireTooLarge
	}
	return err
}
