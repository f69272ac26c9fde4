package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"shareline/internal/assess"
)

// FollowUp is a question to send back to the provider about one element that earns less than
// full credit.
type FollowUp struct {
	Question      string  // question key
	Element       string  // element key
	QuestionTitle string  // the question's title
	ElementLabel  string  // the element's label
	Weight        float64 // the element's weight
	Credit        float64 // what the element earns now, 0 to 1
	Text          string  // the question, in plain English, addressed to the provider
}

// gap is the weight the element leaves unearned: the larger, the more a better answer moves
// the score.
func (f FollowUp) gap() float64 { return f.Weight * (1 - f.Credit) }

// FollowUps lists every element with less than full credit (unanswered included,
// not_applicable excluded), heaviest first: by weight × (1 − credit) descending, then in
// questionnaire order. Each is phrased as a question to send back to the provider, built from
// the element's label, its help text and its current answer.
func FollowUps(r Report) []FollowUp {
	var out []FollowUp
	for _, row := range elementRows(r) {
		if !row.score.Applies || row.score.Credit >= 1 {
			continue
		}
		out = append(out, FollowUp{
			Question:      row.question.Key,
			Element:       row.element.Key,
			QuestionTitle: row.question.Title,
			ElementLabel:  row.element.Label,
			Weight:        row.score.Weight,
			Credit:        row.score.Credit,
			Text:          followUpText(row, r.Summary.Score.AsOf),
		})
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int { return cmp.Compare(b.gap(), a.gap()) })
	return out
}

func followUpText(row elementRow, asOf assess.Date) string {
	el := row.element
	if !row.answered() {
		return unansweredText(el)
	}
	v := row.answer.Value
	label := quote(el.Label)
	switch {
	case v.Type == assess.TypeStatus && v.Status == assess.Partial:
		return fmt.Sprintf("Your answer on %s was partial: what is missing to meet it in full, "+
			"and when do you expect to close the gap?", label)
	case v.Type == assess.TypeStatus && v.Status == assess.No:
		return fmt.Sprintf("You answered no on %s: is it planned, and if so, by when? "+
			"If not, what do you recommend customers do instead?", label)
	case v.Type == assess.TypeMatrix:
		return matrixFollowUp(el, v)
	case v.Type == assess.TypeMulti:
		return multiFollowUp(el, v)
	case v.Type == assess.TypeChoice:
		return fmt.Sprintf("You chose %s for %s, which earns partial credit: would %s apply instead?",
			quote(optionLabel(el, v.Choice)), label, joinWords(fullOptions(el, 3), "or"))
	case v.Type == assess.TypeNumber && el.Bands != nil:
		return numberFollowUp(el, v.Number)
	case v.Type == assess.TypeDate:
		return dateFollowUp(el, v.Date, asOf)
	}
	return fmt.Sprintf("Your answer on %s earns part of its credit: what is missing to meet it in full?", label)
}

func unansweredText(el *assess.Element) string {
	lead := "We have no answer yet on " + quote(el.Label) + "."
	clause := helpClause(el.Help)
	switch {
	case el.Type == assess.TypeMatrix:
		layers := make([]string, 0, len(assess.Layers))
		for _, l := range assess.Layers {
			layers = append(layers, lowerFirst(l.Label()))
		}
		return lead + " For each layer of the stack (" + joinWords(layers, "and") +
			"), who secures it for this offering: you, the customer, or both together?"
	case clause == "":
		return lead + " Could you tell us where you stand?"
	case strings.Contains(el.Help, "?"):
		return lead + " " + strings.TrimSpace(el.Help)
	case el.Type == assess.TypeDate:
		return lead + " Could you give us " + clause + "?"
	case el.Type == assess.TypeNumber:
		if el.Unit != "" && !strings.Contains(clause, el.Unit) {
			clause += " (in " + el.Unit + ")"
		}
		return lead + " Could you tell us " + clause + "?"
	case el.Type == assess.TypeMulti || el.Type == assess.TypeChoice:
		return lead + " Could you tell us about " + clause + " (for example " +
			joinWords(fullOptions(el, 3), "or") + ")?"
	}
	return lead + " Could you tell us about " + clause + "?"
}

func matrixFollowUp(el *assess.Element, v assess.Value) string {
	var missing []string
	for _, l := range assess.Layers {
		if v.Matrix[l] == "" {
			missing = append(missing, lowerFirst(l.Label()))
		}
	}
	if len(missing) == 1 {
		return fmt.Sprintf("%s leaves one layer without an owner: %s. Who secures it for this offering?",
			quote(el.Label), missing[0])
	}
	return fmt.Sprintf("%s leaves %d layers without an owner: %s. Who secures each of them for this offering?",
		quote(el.Label), len(missing), joinWords(missing, "and"))
}

func multiFollowUp(el *assess.Element, v assess.Value) string {
	examples := joinWords(fullOptions(el, 3), "or")
	if len(v.Multi) == 0 {
		return fmt.Sprintf("You listed nothing under %s: which of these applies to this offering, for example %s?",
			quote(el.Label), examples)
	}
	chosen := make([]string, 0, len(v.Multi))
	for _, key := range v.Multi {
		chosen = append(chosen, quote(optionLabel(el, key)))
	}
	if el.Key == "certifications" {
		return fmt.Sprintf("You listed only %s under %s: which independent certification or attestation "+
			"covers this offering (for example %s), and can you share its report?",
			joinWords(chosen, "and"), quote(el.Label), examples)
	}
	return fmt.Sprintf("You listed only %s under %s, which earns partial credit: would %s apply as well?",
		joinWords(chosen, "and"), quote(el.Label), examples)
}

func numberFollowUp(el *assess.Element, n float64) string {
	b := el.Bands
	full := numberText(b.Full, el.Unit)
	if b.Better == "lower" {
		return fmt.Sprintf("%s is %s, above the %s that earn full credit: can you commit to %s or fewer?",
			quote(el.Label), numberText(n, el.Unit), full, full)
	}
	return fmt.Sprintf("%s is %s, below the %s that earn full credit: can you offer %s or more?",
		quote(el.Label), numberText(n, el.Unit), full, full)
}

func dateFollowUp(el *assess.Element, d, asOf assess.Date) string {
	age := "more than a year"
	if asOf.DaysSince(d) > 730 {
		age = "more than two years"
	}
	return fmt.Sprintf("%s is dated %s, %s before this report: is there a more recent one?",
		quote(el.Label), d.String(), age)
}

// fullOptions names up to n options that earn full credit, as examples of a better answer.
func fullOptions(el *assess.Element, n int) []string {
	var out []string
	for _, o := range el.Options {
		if o.Credit >= 1 && len(out) < n {
			out = append(out, o.Label)
		}
	}
	return out
}

// helpClause turns help text into a clause that can follow "Could you tell us about":
// trimmed, without its final full stop, lower-case first letter unless it starts an acronym.
func helpClause(help string) string {
	s := strings.TrimSpace(help)
	s = strings.TrimSuffix(s, ".")
	return lowerFirst(s)
}

// lowerFirst lowers the first letter of s unless the second is upper-case too (an acronym
// such as "SOC" keeps its case).
func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	next, _ := utf8.DecodeRuneInString(s[size:])
	if unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[size:]
}

func quote(s string) string { return "“" + s + "”" }

// joinWords joins a list as English does: "a", "a or b", "a, b or c".
func joinWords(words []string, conj string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}
