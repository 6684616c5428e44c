"""Model-less helpers shared by the apps (settings parsing, the business-day calendar, locks)."""
