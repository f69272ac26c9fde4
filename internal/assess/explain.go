package assess

import (
	"fmt"
	"strconv"
	"strings"
)

// CreditRule says in words how an element's answer earns credit, from the same rules
// ElementCredit applies, for the page that explains a questionnaire's scoring.
func CreditRule(el *Element) string {
	switch el.Type {
	case TypeStatus:
		return fmt.Sprintf("%s earns %s, %s %s, %s %s; %s leaves the element out of the question's score.",
			Yes.Label(), creditText(statusCredit[Yes]), Partial.Label(), creditText(statusCredit[Partial]),
			No.Label(), creditText(statusCredit[No]), StatusNotApplies.Label())
	case TypeMatrix:
		return fmt.Sprintf("The share of the %d layers given an owner: each layer answered earns 1/%d.", len(el.split.Keys()), len(el.split.Keys()))
	case TypeChoice, TypeMulti:
		parts := make([]string, 0, len(el.Options))
		for _, o := range el.Options {
			parts = append(parts, o.Label+" "+creditText(o.Credit))
		}
		rule := "Each choice earns its own credit: " + strings.Join(parts, ", ") + "."
		if el.Type == TypeMulti {
			rule += " With several ticked, the best of them counts."
		}
		return rule
	case TypeNumber:
		b := el.Bands
		if b == nil {
			return "Any number earns full credit."
		}
		cmp := "or more"
		if b.Better == "lower" {
			cmp = "or less"
		}
		return fmt.Sprintf("%s %s %s earns 1, %s %s %s earns 0.5, anything else 0.", number(b.Full), el.Unit, cmp, number(b.Half), el.Unit, cmp)
	case TypeDate:
		return fmt.Sprintf("A date at most %d days old earns 1, at most %d days old 0.5, older 0: the credit falls as the date ages.", FreshDays, StaleDays)
	case TypeText:
		return "Any answer earns full credit."
	}
	return ""
}

func creditText(c float64) string { return number(c) }

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
