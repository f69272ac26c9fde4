package assess

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

// Layer is one layer of the stack whose security someone owns.
type Layer string

// The layers, bottom of the stack first.
const (
	Physical          Layer = "physical"
	Hypervisor        Layer = "hypervisor"
	Network           Layer = "network"
	OS                Layer = "os"
	Application       Layer = "application"
	UserActivity      Layer = "user_activity"
	UserPermissions   Layer = "user_permissions"
	PrivilegedActions Layer = "privileged_actions"
)

// Layers lists every layer in order.
var Layers = []Layer{Physical, Hypervisor, Network, OS, Application, UserActivity, UserPermissions, PrivilegedActions}

// Owner says who secures a layer.
type Owner string

// The owners a layer can have.
const (
	ProviderOwns  Owner = "provider"
	CustomerOwns  Owner = "customer"
	SharedOwns    Owner = "shared"
	NotApplicable Owner = "not_applicable"
)

// Owners lists every owner in display order.
var Owners = []Owner{ProviderOwns, CustomerOwns, SharedOwns, NotApplicable}

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

// validLayer reports whether l is a known layer.
func validLayer(l Layer) bool {
	_, ok := layerInfo[l]
	return ok
}

type layerText struct {
	label  string
	retain string // what the customer does for this layer, as an instruction
}

var layerInfo = map[Layer]layerText{
	Physical:          {"Physical", "Secure the physical sites and hardware that run this service."},
	Hypervisor:        {"Hypervisor", "Patch and harden the virtualisation layer that separates workloads."},
	Network:           {"Network", "Configure and watch network controls: firewalls, segmentation, exposure to the internet."},
	OS:                {"Operating system", "Patch, harden and monitor the operating systems of your instances."},
	Application:       {"Application", "Secure the application: its configuration, its code or settings, and its vulnerabilities."},
	UserActivity:      {"User activity", "Watch what your users do in the service and act on suspicious activity."},
	UserPermissions:   {"User permissions", "Decide who may do what: grant, review and revoke your users' access."},
	PrivilegedActions: {"Privileged actions", "Monitor your privileged users and review what they do with their rights."},
}

// Label is the layer's name for people.
func (l Layer) Label() string {
	if t, ok := layerInfo[l]; ok {
		return t.label
	}
	return string(l)
}

// Retain says, as an instruction to the customer, what keeping this layer means.
func (l Layer) Retain() string { return layerInfo[l].retain }

// referenceSplit is the split that a provider's own claim is compared against.
var referenceSplit = map[ServiceModel]map[Layer]Owner{
	SaaS: {
		Physical: ProviderOwns, Hypervisor: ProviderOwns, Network: ProviderOwns, OS: ProviderOwns,
		Application: ProviderOwns, UserActivity: SharedOwns, UserPermissions: CustomerOwns, PrivilegedActions: CustomerOwns,
	},
	PaaS: {
		Physical: ProviderOwns, Hypervisor: ProviderOwns, Network: ProviderOwns, OS: ProviderOwns,
		Application: SharedOwns, UserActivity: CustomerOwns, UserPermissions: CustomerOwns, PrivilegedActions: CustomerOwns,
	},
	IaaS: {
		Physical: ProviderOwns, Hypervisor: ProviderOwns, Network: SharedOwns, OS: CustomerOwns,
		Application: CustomerOwns, UserActivity: CustomerOwns, UserPermissions: CustomerOwns, PrivilegedActions: CustomerOwns,
	},
}

// ReferenceOwner is who owns layer l under model m in the reference split.
func ReferenceOwner(m ServiceModel, l Layer) Owner { return referenceSplit[m][l] }

// alwaysRetained are the layers the customer keeps whatever the provider claims.
var alwaysRetained = []Layer{UserPermissions, PrivilegedActions}
