package report

import (
	"strconv"
	"strings"
	"time"

	"shareline/internal/assess"
)

// NotApplicable stands for a question or element that does not apply.
const NotApplicable = "not applicable"

// NotAsked stands for a conditional element whose condition does not hold.
const NotAsked = "not asked"

// notAssessed stands for a question score of an evaluation that is not assessed.
const notAssessed = "not assessed"

// EvidenceText is one evidence item on one line, as files show it: the link, or the file's name,
// size and SHA-256; the day it applies to; and, when it has one, how long it is valid, or that
// it had expired on asOf (the day the score is from) and so no longer counted.
func EvidenceText(e assess.Evidence, asOf assess.Date) string {
	s, details := e.URL, []string{}
	if e.IsFile() {
		s = e.Name
		details = append(details, "file, "+assess.Bytes(e.Size), "SHA-256 "+e.SHA256)
	}
	if !e.EffectiveDate.IsZero() {
		details = append(details, "effective "+e.EffectiveDate.String())
	}
	switch {
	case e.Expired(asOf):
		details = append(details, "expired "+e.ValidUntil.String()+", not counted as evidence")
	case !e.ValidUntil.IsZero():
		details = append(details, "valid until "+e.ValidUntil.String())
	}
	if len(details) == 0 {
		return s
	}
	return s + " (" + strings.Join(details, "; ") + ")"
}

// OneDecimal is a score or a percentage as shown: one decimal, from assess.Round1.
func OneDecimal(x float64) string { return strconv.FormatFloat(assess.Round1(x), 'f', 1, 64) }

// QuestionFigure is one question's score as every rendering shows it: the unrounded score,
// and ok, when there is one; otherwise text says why not ("not applicable" when every element
// is answered not applicable, "not asked" when no element's condition holds, "not assessed"
// when the evaluation is not). text is the score
// with one decimal when ok.
func QuestionFigure(s assess.Score, key string) (score float64, text string, ok bool) {
	qs, found := s.Question(key)
	switch {
	case !s.Assessed():
		return 0, notAssessed, false
	case found && qs.Total == 0:
		return 0, NotAsked, false // every element's condition fails
	case !found || !qs.Scored:
		return 0, NotApplicable, false
	}
	return qs.Score, OneDecimal(qs.Score), true
}

// CreditPercent writes a credit from 0 to 1 as a percentage: "87.5%".
func CreditPercent(credit float64) string {
	return strconv.FormatFloat(assess.Round1(100*credit), 'f', -1, 64) + "%"
}

// PlainNumber is a number without an exponent or trailing zeros, as weights are shown.
func PlainNumber(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// TimeText writes an instant in UTC, to the minute, or NotRecorded.
func TimeText(t time.Time) string {
	if t.IsZero() {
		return NotRecorded
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// QuestionTitle is the title of the question with key, or the key itself.
func QuestionTitle(q *assess.Questionnaire, key string) string {
	for _, qu := range q.Questions {
		if qu.Key == key {
			return qu.Title
		}
	}
	return key
}

// BarFraction is the part of a bar that a 0 to 100 figure fills, from 0 to 1.
func BarFraction(x float64) float64 { return min(max(x/100, 0), 1) }
