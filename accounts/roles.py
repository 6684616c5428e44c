"""Microsoft-side roles. Partner-side roles live on ``partners.Membership``."""

REVIEWERS_GROUP = "Reviewers"
REVIEW_LEADS_GROUP = "Review leads"
