package assess

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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

// FollowUps lists every element of q that earns less than full credit in s, the score of
// answers (unanswered elements included, not_applicable ones left out), heaviest first: by
// weight × (1 − credit) descending, then in questionnaire order. Each is phrased as a question
// to send back to the provider, built from the element's label, help text, options, bands or
// layers, and its current answer; dates are aged as of the day s was scored.
func FollowUps(q *Questionnaire, answers map[string]Answer, s Score) []FollowUp {
	var out []FollowUp
	for i := range q.Questions {
		qu := &q.Questions[i]
		for j := range qu.Elements {
			el := &qu.Elements[j]
			es, ok := s.Element(qu.Key, el.Key)
			if !ok {
				es = ElementScore{Question: qu.Key, Element: el.Key, Weight: el.Weight, Applies: true}
			}
			if !es.Applies || es.Credit >= 1 {
				continue
			}
			out = append(out, FollowUp{
				Question:      qu.Key,
				Element:       el.Key,
				QuestionTitle: qu.Title,
				ElementLabel:  el.Label,
				Weight:        es.Weight,
				Credit:        es.Credit,
				Text:          followUpText(el, answers[Ref(qu.Key, el.Key)], es.Credit, s.AsOf),
			})
		}
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int { return cmp.Compare(b.gap(), a.gap()) })
	return out
}

// Element finds one element's score.
func (s Score) Element(question, element string) (ElementScore, bool) {
	qs, _ := s.Question(question)
	for _, es := range qs.Elements {
		if es.Element == element {
			return es, true
		}
	}
	return ElementScore{}, false
}

func followUpText(el *Element, a Answer, credit float64, asOf Date) string {
	if !a.Answered() {
		return unansweredText(el)
	}
	v := a.Value
	label := Quote(el.Label)
	switch {
	case v.Type == TypeStatus && v.Status == Partial:
		return fmt.Sprintf("Your answer on %s was partial: what is missing to meet it in full, "+
			"and when do you expect to close the gap?", label)
	case v.Type == TypeStatus && v.Status == No:
		return fmt.Sprintf("You answered no on %s: is it planned, and if so, by when? "+
			"If not, what do you recommend customers do instead?", label)
	case v.Type == TypeMatrix:
		if text, ok := matrixFollowUp(el, v); ok {
			return text
		}
	case v.Type == TypeMulti:
		return multiFollowUp(el, v, credit)
	case v.Type == TypeChoice:
		if better := betterOptions(el, credit, 3); len(better) > 0 {
			return fmt.Sprintf("You chose %s for %s, which earns %s: would %s apply instead?",
				Quote(OptionLabel(el, v.Choice)), label, creditWords(credit), joinWords(better, "or"))
		}
	case v.Type == TypeNumber && el.Bands != nil:
		return numberFollowUp(el, v.Number)
	case v.Type == TypeDate:
		return dateFollowUp(el, v.Date, asOf)
	}
	return fmt.Sprintf("Your answer on %s earns part of its credit: what is missing to meet it in full?", label)
}

func unansweredText(el *Element) string {
	lead := "We have no answer yet on " + Quote(el.Label) + "."
	clause := helpClause(el.Help)
	switch {
	case el.Type == TypeMatrix && len(el.Split().Keys()) > 0:
		layers := layerWords(el.Split(), el.Split().Keys())
		return lead + " For each layer of the stack (" + joinWords(layers, "and") +
			"), who secures it for this offering: " + joinWords(ownerWords(el.Split()), "or") + "?"
	case clause == "":
		return lead + " Could you tell us where you stand?"
	case strings.Contains(el.Help, "?"):
		return lead + " " + strings.TrimSpace(el.Help)
	case el.Type == TypeDate:
		return lead + " Could you give us " + clause + "?"
	case el.Type == TypeNumber:
		if el.Unit != "" && !strings.Contains(clause, el.Unit) {
			clause += " (in " + el.Unit + ")"
		}
		return lead + " Could you tell us " + clause + "?"
	case el.Type == TypeMulti || el.Type == TypeChoice:
		if better := betterOptions(el, 0, 3); len(better) > 0 {
			clause += " (for example " + joinWords(better, "or") + ")"
		}
	}
	return lead + " Could you tell us about " + clause + "?"
}

// matrixFollowUp names the layers a matrix answer leaves without an owner; ok is false when
// it leaves none.
func matrixFollowUp(el *Element, v Value) (string, bool) {
	var missing []Layer
	for _, l := range el.Split().Keys() {
		if v.Matrix[l] == "" {
			missing = append(missing, l)
		}
	}
	words := layerWords(el.Split(), missing)
	switch len(words) {
	case 0:
		return "", false
	case 1:
		return fmt.Sprintf("%s leaves one layer without an owner: %s. Who secures it for this offering?",
			Quote(el.Label), words[0]), true
	}
	return fmt.Sprintf("%s leaves %d layers without an owner: %s. Who secures each of them for this offering?",
		Quote(el.Label), len(words), joinWords(words, "and")), true
}

// layerWords names layers of a split in running text.
func layerWords(s *Split, layers []Layer) []string {
	out := make([]string, 0, len(layers))
	for _, l := range layers {
		out = append(out, lowerFirst(s.Label(l)))
	}
	return out
}

// ownerWords names, as the provider reads them, the owners a layer of the split can be given
// ("you", "the customer", "both together"); not_applicable is no one to ask about.
func ownerWords(s *Split) []string {
	words := map[Owner]string{ProviderOwns: "you", CustomerOwns: "the customer", SharedOwns: "both together"}
	var out []string
	for _, o := range s.Owners {
		if w, ok := words[o]; ok {
			out = append(out, w)
		}
	}
	return out
}

// multiFollowUp asks a provider whose options earn less than full credit whether better ones
// apply as well, and for the evidence when the element asks for it.
func multiFollowUp(el *Element, v Value, credit float64) string {
	label := Quote(el.Label)
	better := betterOptions(el, credit, 3)
	if len(v.Multi) == 0 {
		if len(better) == 0 {
			return fmt.Sprintf("You listed nothing under %s: what applies to this offering?", label)
		}
		return fmt.Sprintf("You listed nothing under %s: what applies to this offering, for example %s?",
			label, joinWords(better, "or"))
	}
	chosen := make([]string, 0, len(v.Multi))
	for _, key := range v.Multi {
		chosen = append(chosen, Quote(OptionLabel(el, key)))
	}
	if len(better) == 0 {
		return fmt.Sprintf("You listed only %s under %s, which earns %s: what is missing to meet it in full?",
			joinWords(chosen, "and"), label, creditWords(credit))
	}
	ask := "?"
	if el.Evidence {
		ask = ", and can you share the evidence?"
	}
	return fmt.Sprintf("You listed only %s under %s, which earns %s: would %s apply to this offering as well%s",
		joinWords(chosen, "and"), label, creditWords(credit), joinWords(better, "or"), ask)
}

// creditWords says how much credit an answer with less than full credit earns.
func creditWords(credit float64) string {
	if credit <= 0 {
		return "no credit"
	}
	return "partial credit"
}

// betterOptions names up to n of the options that earn the most credit any option of el
// earns, as examples of a better answer; none when no option earns more than credit.
func betterOptions(el *Element, credit float64, n int) []string {
	best := 0.0
	for _, o := range el.Options {
		best = max(best, o.Credit)
	}
	if best <= credit {
		return nil
	}
	var out []string
	for _, o := range el.Options {
		if o.Credit == best && len(out) < n {
			out = append(out, o.Label)
		}
	}
	return out
}

func numberFollowUp(el *Element, n float64) string {
	full := NumberText(el.Bands.Full, el.Unit)
	if el.Bands.Better == "lower" {
		return fmt.Sprintf("%s is %s, above the %s that earn full credit: can you commit to %s or fewer?",
			Quote(el.Label), NumberText(n, el.Unit), full, full)
	}
	return fmt.Sprintf("%s is %s, below the %s that earn full credit: can you offer %s or more?",
		Quote(el.Label), NumberText(n, el.Unit), full, full)
}

func dateFollowUp(el *Element, d, asOf Date) string {
	age := "more than a year"
	if asOf.DaysSince(d) > 730 {
		age = "more than two years"
	}
	return fmt.Sprintf("%s is dated %s, %s before this report: is there a more recent one?",
		Quote(el.Label), d.String(), age)
}

// helpClause turns help text into a clause that can follow "Could you tell us about":
// trimmed, without its final full stop, lower-case first letter unless it starts an acronym.
func helpClause(help string) string {
	return lowerFirst(strings.TrimSuffix(strings.TrimSpace(help), "."))
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

// Quote puts a name in the quotation marks every message uses: “name”.
func Quote(s string) string { return "“" + s + "”" }

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
