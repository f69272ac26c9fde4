package assess

import (
	"fmt"
	"slices"
)

// ServiceModel is how the offering is delivered; it decides where the reference line sits.
type ServiceModel string

// The service models, from the provider doing the most to the provider doing the least.
const (
	SaaS ServiceModel = "saas"
	PaaS ServiceModel = "paas"
	IaaS ServiceModel = "iaas"
)

// ServiceModels lists the models in display order.
var ServiceModels = []ServiceModel{SaaS, PaaS, IaaS}

// Valid reports whether m is a known model.
func (m ServiceModel) Valid() bool { return m == SaaS || m == PaaS || m == IaaS }

// Label is the model's name for people.
func (m ServiceModel) Label() string {
	switch m {
	case SaaS:
		return "SaaS"
	case PaaS:
		return "PaaS"
	case IaaS:
		return "IaaS"
	}
	return string(m)
}

// Layer is one layer of the stack whose security someone owns. Which layers there are is part
// of a questionnaire's responsibility split, not of the code.
type Layer string

// Owner says who secures a layer. The four owners have fixed meanings: what stays with the
// customer is every layer owned by the customer or shared, and not_applicable is an answer.
type Owner string

// The owners a layer can have.
const (
	ProviderOwns  Owner = "provider"
	CustomerOwns  Owner = "customer"
	SharedOwns    Owner = "shared"
	NotApplicable Owner = "not_applicable"
)

// Valid reports whether o is a known owner.
func (o Owner) Valid() bool {
	return o == ProviderOwns || o == CustomerOwns || o == SharedOwns || o == NotApplicable
}

// Label is the owner's name for people.
func (o Owner) Label() string {
	switch o {
	case ProviderOwns:
		return "Provider"
	case CustomerOwns:
		return "Customer"
	case SharedOwns:
		return "Shared"
	case NotApplicable:
		return "Not applicable"
	}
	return string(o)
}

// retained reports whether a layer with this owner stays (at least partly) with the customer.
func (o Owner) retained() bool { return o == CustomerOwns || o == SharedOwns }

// Split is a questionnaire's responsibility split: the layers a matrix element asks about, the
// owners a layer can be given, the reference owner of each layer for each service model, and
// the layers the customer keeps whatever anyone claims. A questionnaire without a matrix
// element needs none; a nil *Split has no layers.
type Split struct {
	Layers         []LayerDef                       `json:"layers"`
	Owners         []Owner                          `json:"owners"`
	Reference      map[ServiceModel]map[Layer]Owner `json:"reference"`
	AlwaysRetained []Layer                          `json:"always_retained,omitempty"`
}

// LayerDef is one layer of a split: its key, its name, and what keeping it means for the
// customer, as an instruction.
type LayerDef struct {
	Key    Layer  `json:"key"`
	Label  string `json:"label"`
	Retain string `json:"retain"`
}

// Keys lists the split's layers in order, bottom of the stack first.
func (s *Split) Keys() []Layer {
	if s == nil {
		return nil
	}
	out := make([]Layer, 0, len(s.Layers))
	for _, l := range s.Layers {
		out = append(out, l.Key)
	}
	return out
}

func (s *Split) layer(l Layer) (LayerDef, bool) {
	if s == nil {
		return LayerDef{}, false
	}
	for _, d := range s.Layers {
		if d.Key == l {
			return d, true
		}
	}
	return LayerDef{}, false
}

// HasLayer reports whether l is one of the split's layers.
func (s *Split) HasLayer(l Layer) bool { _, ok := s.layer(l); return ok }

// Label is a layer's name for people.
func (s *Split) Label(l Layer) string {
	if d, ok := s.layer(l); ok {
		return d.Label
	}
	return string(l)
}

// Retain says, as an instruction to the customer, what keeping layer l means.
func (s *Split) Retain(l Layer) string {
	d, _ := s.layer(l)
	return d.Retain
}

// ReferenceOwner is who owns layer l under model m in the reference split.
func (s *Split) ReferenceOwner(m ServiceModel, l Layer) Owner {
	if s == nil {
		return ""
	}
	return s.Reference[m][l]
}

// AllowsOwner reports whether a layer may be given owner o.
func (s *Split) AllowsOwner(o Owner) bool { return s != nil && slices.Contains(s.Owners, o) }

// AlwaysKept reports whether the customer keeps layer l whatever anyone claims.
func (s *Split) AlwaysKept(l Layer) bool { return s != nil && slices.Contains(s.AlwaysRetained, l) }

func (s *Split) check() error {
	if len(s.Layers) == 0 {
		return fmt.Errorf("split: no layers")
	}
	seen := map[Layer]bool{}
	for _, l := range s.Layers {
		if !keyPattern.MatchString(string(l.Key)) || l.Label == "" {
			return fmt.Errorf("split: layer %q: want a lower-case key and a label", l.Key)
		}
		if seen[l.Key] {
			return fmt.Errorf("split: layer %q appears twice", l.Key)
		}
		seen[l.Key] = true
	}
	if len(s.Owners) == 0 {
		return fmt.Errorf("split: no owners")
	}
	for i, o := range s.Owners {
		if !o.Valid() || slices.Contains(s.Owners[:i], o) {
			return fmt.Errorf("split: owner %q: want each of provider, customer, shared, not_applicable at most once", o)
		}
	}
	for _, m := range ServiceModels {
		ref, ok := s.Reference[m]
		if !ok {
			return fmt.Errorf("split: no reference for %s", m)
		}
		for _, l := range s.Layers {
			if o := ref[l.Key]; !s.AllowsOwner(o) {
				return fmt.Errorf("split: reference for %s, layer %q: owner %q is not one of the split's owners", m, l.Key, o)
			}
		}
		for l := range ref {
			if !seen[l] {
				return fmt.Errorf("split: reference for %s names unknown layer %q", m, l)
			}
		}
	}
	for m := range s.Reference {
		if !m.Valid() {
			return fmt.Errorf("split: reference for unknown service model %q", m)
		}
	}
	for _, l := range s.AlwaysRetained {
		if !seen[l] {
			return fmt.Errorf("split: always_retained names unknown layer %q", l)
		}
	}
	return nil
}
