"""The demo data behind ``manage.py seed_demo``, by concern:

- ``demo.reference``: partners, MPNs, users, catalog, tenants, subscriptions (specs, seeding);
- ``demo.cases``: the validation cases partners can replay (``seed_demo --cases``);
- ``demo.files``: small valid PDF and PNG files for PoE uploads;
- ``demo.clock``: telling a story as of a past moment (``as_of``), and the demo's calendar;
- ``demo.story`` and ``demo.stories``: the claim stories, told through the services;
- ``demo.seed``: ``seed_demo()``, the whole demo where missing;
- ``demo.bulk`` and ``demo.bulk_rows``: generated claims for volume tests (``--claims N``).
"""
