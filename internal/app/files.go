package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/filestore"
	"shareline/internal/filetype"
)

// DefaultMaxUpload is the largest evidence file accepted unless UseFiles says otherwise.
const DefaultMaxUpload = 25 << 20

// maxFileName is the longest file name kept, in bytes.
const maxFileName = 255

// UseFiles keeps evidence files' contents in store (nil: the Store's own, FileContents) and
// accepts files of up to maxUpload bytes (0 or less: DefaultMaxUpload).
func (a *App) UseFiles(store filestore.Store, maxUpload int64) {
	a.files, a.maxUpload = store, maxUpload
}

// MaxUpload is the largest evidence file accepted, in bytes.
func (a *App) MaxUpload() int64 {
	if a.maxUpload <= 0 {
		return DefaultMaxUpload
	}
	return a.maxUpload
}

func (a *App) fileStore() filestore.Store {
	if a.files != nil {
		return a.files
	}
	return a.store.FileContents()
}

// Upload is one evidence file as sent: its name, its content (read to its end, once), and the
// days the evidence applies to and is valid until (optional), as typed.
type Upload struct {
	Name          string
	Body          io.Reader
	EffectiveDate string
	ValidUntil    string
}

// UploadFile stores an evidence file and attaches it to the answer to one element
// ("question.element") of an evaluation, as a new version of that answer, in one step: a file
// that is refused (its type, its size, the dates, the evaluation's state) leaves nothing behind.
// The content's type is decided from the content (internal/filetype), never from the name.
func (a *App) UploadFile(ctx context.Context, p Principal, evaluationID int64, ref string, up Upload) (assess.EvidenceFile, assess.Answer, assess.Score, error) {
	var file assess.EvidenceFile
	var saved assess.Answer
	var score assess.Score
	if err := allow(p, EditAnswers, Resource{EvaluationID: evaluationID}); err != nil {
		return file, saved, score, err
	}
	name, err := fileName(up.Name)
	if err != nil {
		return file, saved, score, err
	}
	// The upload form's fields are named as the parts are.
	effective, until, err := assess.CheckEvidenceDates(func(part string) string { return part }, up.EffectiveDate, up.ValidUntil, a.Today())
	if err != nil {
		return file, saved, score, err
	}
	question, element, _ := strings.Cut(ref, ".")
	// The upload is read to a temporary file first, at the client's pace, and checked there:
	// the store (a database connection, for the default one) is held only for a local copy.
	spooled, size, err := spool(up.Body, a.MaxUpload())
	if errors.Is(err, filestore.ErrTooLarge) {
		return file, saved, score, assess.Invalid("file", "%s is larger than %s, the most accepted", assess.Quote(name), assess.Bytes(a.MaxUpload()))
	}
	if err != nil {
		return file, saved, score, err
	}
	defer spooled.Close()
	kind, err := filetype.Check(spooled, size, name)
	var refused *filetype.Refused
	if errors.As(err, &refused) {
		return file, saved, score, assess.Invalid("file", "%s", refused.Reason)
	}
	if err != nil {
		return file, saved, score, err
	}
	if _, err := spooled.Seek(0, io.SeekStart); err != nil {
		return file, saved, score, fmt.Errorf("upload: rewind the spooled file: %w", err)
	}
	store := a.fileStore()
	blob, err := store.Put(ctx, spooled, size)
	if err != nil {
		return file, saved, score, err
	}
	kept := false
	defer func() {
		if !kept {
			// Forget the content of a refused upload; failing that, it is an orphan nobody names.
			store.Delete(context.WithoutCancel(ctx), blob.Key)
		}
	}()
	err = a.store.Update(ctx, func(tx Tx) error {
		ed, err := a.answering(ctx, tx, p, evaluationID, question, element)
		if err != nil {
			return err
		}
		if _, _, ok := ed.Questionnaire.Element(question, element); !ok {
			return fmt.Errorf("element %s: %w", ref, assess.ErrNotFound)
		}
		file, err = tx.Files().Create(ctx, assess.EvidenceFile{
			EvaluationID: evaluationID, StoreKey: blob.Key, Name: name, Size: blob.Size,
			SHA256: hex.EncodeToString(blob.SHA256[:]), Type: string(kind),
		}, p.Actor())
		if err != nil {
			return err
		}
		answer, err := assess.WithEvidence(ed.Current, file.Evidence(effective, until))
		if err != nil {
			return err
		}
		answer.Base, answer.Note = nil, "attached "+name
		saved, score, err = a.write(ctx, tx, p, ed, answer, auth.ActionFileAttached)
		return err
	})
	if err != nil {
		return assess.EvidenceFile{}, assess.Answer{}, assess.Score{}, err
	}
	kept = true
	return file, saved, score, nil
}

// spool reads r to its end into a temporary file that is gone once closed, and returns it with
// its size; more than limit bytes is filestore.ErrTooLarge, with nothing kept.
func spool(r io.Reader, limit int64) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "shareline-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("upload: temporary file: %w", err)
	}
	// Unlinked at once: the open file is all that is left of it, and closing it frees the space.
	os.Remove(f.Name())
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		f.Close()
		return nil, 0, err
	case n > limit:
		f.Close()
		return nil, 0, filestore.ErrTooLarge
	}
	return f, n, nil
}

// fileName is the name an upload is kept under: its last path element, without control
// characters, at most maxFileName bytes.
func fileName(s string) (string, error) {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s))
	if s == "" || s == "." || s == ".." {
		return "", assess.Invalid("file", "choose a file to upload")
	}
	if len(s) > maxFileName {
		return "", assess.Invalid("file", "the file name is longer than %d characters: rename the file", maxFileName)
	}
	return s, nil
}

// OpenedFile is an evidence file open for download: what it is, and its content (the caller
// closes it).
type OpenedFile struct {
	assess.EvidenceFile
	MIME    string
	Content io.ReadCloser
}

// File opens an evidence file for someone who may read its evaluation, and records the
// download in the audit log. A respondent asking for a file of another evaluation is told there
// is no such file.
func (a *App) File(ctx context.Context, p Principal, id string) (OpenedFile, error) {
	var f assess.EvidenceFile
	err := a.store.Lookup(ctx, func(tx Tx) error {
		var err error
		f, err = tx.Files().Find(ctx, id)
		return err
	})
	if err != nil {
		return OpenedFile{}, err
	}
	if err := allow(p, Read, Resource{EvaluationID: f.EvaluationID}); err != nil {
		if p.Grant != nil {
			return OpenedFile{}, fmt.Errorf("file %s: %w", id, assess.ErrNotFound)
		}
		return OpenedFile{}, err
	}
	rc, err := a.fileStore().Open(ctx, f.StoreKey)
	if errors.Is(err, filestore.ErrNotFound) {
		return OpenedFile{}, fmt.Errorf("the content of file %s is missing from the file store: %w", id, assess.ErrUnavailable)
	}
	if err != nil {
		return OpenedFile{}, err
	}
	err = a.store.Update(ctx, func(tx Tx) error {
		return record(ctx, tx, p, auth.ActionFileDownloaded, f.ProviderID, f.EvaluationID, "downloaded %s (%s, SHA-256 %s) of evaluation %d",
			f.Name, assess.Bytes(f.Size), f.SHA256, f.EvaluationID)
	})
	if err != nil {
		rc.Close()
		return OpenedFile{}, err
	}
	return OpenedFile{EvidenceFile: f, MIME: filetype.Type(f.Type).MIME(), Content: rc}, nil
}

// resolveFiles fills in each evidence item that names a file with that file, when the stored
// answer already names it (a file copied from an earlier evaluation stays) or it was uploaded
// to the evaluation; checkEvidence refuses the others.
func resolveFiles(ctx context.Context, tx Tx, evaluationID int64, in []assess.EvidenceInput, current []assess.Evidence) error {
	named := map[string]assess.EvidenceFile{}
	for _, e := range current {
		if e.IsFile() {
			named[e.FileID] = assess.EvidenceFile{ID: e.FileID, Name: e.Name, Size: e.Size, SHA256: e.SHA256}
		}
	}
	var ids []string
	for i, e := range in {
		if f, ok := named[e.FileID]; ok {
			in[i].File = &f
		} else if e.FileID != "" {
			ids = append(ids, e.FileID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := tx.Files().Of(ctx, evaluationID, ids)
	if err != nil {
		return err
	}
	for i := range in {
		if f, ok := found[in[i].FileID]; ok {
			in[i].File = &f
		}
	}
	return nil
}

// DetachFile takes an evidence file off the answer to one element, as a new version of the
// answer. The file itself stays, readable from the revisions that had it.
func (a *App) DetachFile(ctx context.Context, p Principal, evaluationID int64, ref, fileID string) (assess.Answer, error) {
	if err := allow(p, EditAnswers, Resource{EvaluationID: evaluationID}); err != nil {
		return assess.Answer{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	var saved assess.Answer
	err := a.store.Update(ctx, func(tx Tx) error {
		ed, err := a.answering(ctx, tx, p, evaluationID, question, element)
		if err != nil {
			return err
		}
		answer, removed, ok := assess.WithoutFile(ed.Current, fileID)
		if !ok {
			return fmt.Errorf("file %s on %s: %w", fileID, ref, assess.ErrNotFound)
		}
		answer.Base, answer.Note = nil, "removed "+removed.Name
		saved, _, err = a.write(ctx, tx, p, ed, answer, auth.ActionFileDetached)
		return err
	})
	return saved, err
}
