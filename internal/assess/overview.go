package assess

// Overview is the portfolio at a glance, for the home page: how many providers there are, how
// their evaluations stand, how their completed scores fall into tiers, and what moved lately.
// Archived providers are in none of it, only in Archived.
type Overview struct {
	Total          int
	Archived       int // archived providers, left out of everything else
	Completed      int // providers with a completed evaluation speaking for them
	Drafting       int // providers with a draft in progress (some also have a completed one)
	NeverEvaluated int // providers with no evaluation at all
	// ByTier counts providers by the tier of their completed evaluation; a provider without
	// one counts as NotAssessed.
	ByTier map[Tier]int
	Drafts []ProviderListing // drafts in progress, most recently changed first
	Recent []ProviderListing // providers whose evaluations changed most recently
	// Overdue are requests to providers' contacts past their due day, unanswered, the most
	// overdue first.
	Overdue []OverdueRequest
}

// OverviewTiers are the tiers the overview counts, in the order it shows them.
var OverviewTiers = []Tier{Strong, Adequate, Weak, Poor, NotAssessed}
