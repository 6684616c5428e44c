"""`make bench`: the portal's speed at scale, measured next to Django admin and raw SQL."""
