package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	"shareline/internal/assess"
)

// The words provider names are made of. A few are not ASCII, so that every page, file and sort
// meets names like the ones real portfolios hold.
var (
	nameFirst = []string{
		"Nordic", "Acme", "Blue Harbor", "Granite", "Northwind", "Silverline", "Cobalt", "Evergreen",
		"Lighthouse", "Summit", "Redwood", "Polar", "Quantum", "Atlas", "Meridian", "Aurora", "Cedar",
		"Ironbridge", "Bluefin", "Orchid", "Kestrel", "Sable", "Vantage", "Pioneer", "Beacon", "Helix",
		"Tandem", "Zephyr", "Copperleaf", "Fjord", "Stratus", "Nimbus", "Harborview", "Juniper",
		"Keystone", "Lumen", "Magnolia", "Obsidian", "Pinecrest", "Riverbend", "Saffron", "Tidewater",
		"Umbra", "Willow", "Yellowstone", "Alder", "Bramble", "Crescent", "Driftwood", "Ember",
		"Nordić", "Ünited", "Øresund", "Åland", "Société Générale de", "Zürich", "Kraków", "São Paulo",
	}
	nameSecond = []string{
		"Cloud", "Systems", "Data", "Networks", "Hosting", "Software", "Labs", "Digital", "Technologies",
		"Works", "Compute", "Services", "Platforms", "Security", "Solutions", "Infrastructure", "Mail",
		"Analytics",
	}
	nameSuffix = []string{"", "", "", "", "", "Inc.", "AG", "GmbH", "Ltd", "AB", "Oy", "SA", "AS", "B.V."}
	// Names in another script, used whole.
	nameWhole = []string{"Облачные Системы", "Облачные Данные", "Северный Хостинг", "Ünited Cloud Ünion"}
)

// offering is an offering a provider sells, with the service model it is delivered as.
type offering struct {
	name  string
	model assess.ServiceModel
}

var offerings = []offering{
	{"Object storage", assess.IaaS}, {"Virtual machines", assess.IaaS}, {"Block storage", assess.IaaS},
	{"Bare-metal servers", assess.IaaS}, {"Content delivery network", assess.IaaS},
	{"Managed Kubernetes", assess.PaaS}, {"Managed PostgreSQL", assess.PaaS},
	{"Serverless functions", assess.PaaS}, {"Message queue", assess.PaaS},
	{"Data warehouse", assess.PaaS}, {"Log analytics", assess.PaaS},
	{"CRM", assess.SaaS}, {"Email security", assess.SaaS}, {"HR platform", assess.SaaS},
	{"Payroll", assess.SaaS}, {"Video conferencing", assess.SaaS}, {"Ticketing and help desk", assess.SaaS},
	{"Source code hosting", assess.SaaS}, {"Endpoint protection", assess.SaaS}, {"File sharing", assess.SaaS},
	{"Identity and access management", assess.SaaS}, {"Backup and recovery", assess.SaaS},
}

var providerNotes = []string{
	"", "", "", "",
	"Shortlisted by the platform team.",
	"Renewal due next quarter; security review requested by legal.",
	"Used by two business units; consolidate onto one contract.",
	"Data processing agreement signed. Sub-processors listed on their trust page.",
	"Pilot only: no production data yet.",
}

// namer makes provider names that are unique whatever their case, against the names already in
// the database and those it made before.
type namer struct {
	taken map[string]bool
}

func newNamer(existing []string) *namer {
	n := &namer{taken: make(map[string]bool, len(existing))}
	for _, name := range existing {
		n.taken[foldName(name)] = true
	}
	return n
}

// foldName is the key two names collide on. It folds more than the database's lower() can
// (which may only fold ASCII), so a name it lets through is also unique there.
func foldName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// next draws a name and, when it is taken, numbers it ("Acme Cloud 2") until it is free.
func (n *namer) next(rng *rand.Rand) string {
	base := drawName(rng)
	name := base
	for i := 2; n.taken[foldName(name)]; i++ {
		name = base + " " + strconv.Itoa(i)
	}
	n.taken[foldName(name)] = true
	return name
}

func drawName(rng *rand.Rand) string {
	if rng.IntN(60) == 0 {
		return pick(rng, nameWhole)
	}
	name := pick(rng, nameFirst) + " " + pick(rng, nameSecond)
	if s := pick(rng, nameSuffix); s != "" {
		name += " " + s
	}
	return name
}

// website makes a plausible home page for a name, on the reserved .example domain.
func website(name string, index int) string {
	var b strings.Builder
	dash := false
	for _, r := range asciiFold.Replace(strings.ToLower(name)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.Trim(b.String(), "-")
	if len(slug) < 3 {
		slug = "provider-" + strconv.Itoa(index)
	}
	return "https://" + slug + ".example"
}

// asciiFold spells the accented letters of the word lists in ASCII, for host names.
var asciiFold = strings.NewReplacer("ć", "c", "ü", "u", "ø", "o", "å", "a", "é", "e", "ã", "a", "ó", "o")

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }
