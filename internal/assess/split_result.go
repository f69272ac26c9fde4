package assess

// Deviation is a layer whose claimed owner differs from the reference split for the offering's
// service model. It is not wrong by itself: it moves work across the line, so it is shown.
type Deviation struct {
	Question  string
	Element   string
	Layer     Layer
	Claimed   Owner
	Reference Owner
}

// Deviations lists, in layer order, every claimed owner that differs from the reference.
func Deviations(q *Questionnaire, model ServiceModel, answers map[string]Answer) []Deviation {
	var out []Deviation
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			if el.Type != TypeMatrix {
				continue
			}
			a := answers[Ref(qu.Key, el.Key)]
			for _, l := range q.Split.Keys() {
				claimed, ref := a.Value.Matrix[l], q.Split.ReferenceOwner(model, l)
				if claimed != "" && claimed != ref {
					out = append(out, Deviation{qu.Key, el.Key, l, claimed, ref})
				}
			}
		}
	}
	return out
}

// Where the retained layers come from.
const (
	FromClaimed   = "claimed"
	FromReference = "reference"
)

// RetainedLayer is a layer that stays with the customer, with its owner and where that owner
// was read from.
type RetainedLayer struct {
	Layer  Layer
	Owner  Owner  // customer or shared; customer for the layers the customer always keeps
	From   string // FromClaimed or FromReference
	Always bool   // the customer keeps it whatever anyone claims
}

// Retained is "What stays with you": the layers the customer keeps.
type Retained struct {
	Layers []RetainedLayer
	// From is FromClaimed when every layer's owner came from the provider's answered matrix,
	// FromReference when any came from the reference split, and empty when the questionnaire
	// has no responsibility split at all (nothing to say).
	From string
}

// Applies reports whether the questionnaire says anything about what stays with the customer.
func (r Retained) Applies() bool { return r.From != "" }

// RetainedLayers says what stays with the customer: every layer whose claimed owner is customer
// or shared, plus the layers the split says the customer always keeps. A layer the matrix
// leaves unanswered takes its owner from the reference split. A questionnaire without a split
// retains nothing.
func RetainedLayers(q *Questionnaire, model ServiceModel, answers map[string]Answer) Retained {
	if q.Split == nil {
		return Retained{}
	}
	claims := claimedOwners(q, answers)
	r := Retained{From: FromClaimed}
	for _, l := range q.Split.Keys() {
		owner, from := claims[l], FromClaimed
		if owner == "" {
			owner, from = q.Split.ReferenceOwner(model, l), FromReference
			r.From = FromReference
		}
		always := q.Split.AlwaysKept(l)
		switch {
		case owner.retained():
			r.Layers = append(r.Layers, RetainedLayer{l, owner, from, always})
		case always:
			r.Layers = append(r.Layers, RetainedLayer{l, CustomerOwns, from, true})
		}
	}
	return r
}

// claimedOwners reads the first matrix element's answer; a questionnaire without one has no
// claims, and the reference split speaks for every layer.
func claimedOwners(q *Questionnaire, answers map[string]Answer) map[Layer]Owner {
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			if el.Type == TypeMatrix {
				return answers[Ref(qu.Key, el.Key)].Value.Matrix
			}
		}
	}
	return nil
}
