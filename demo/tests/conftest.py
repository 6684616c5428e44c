"""The demo's tests share a seeded database (``seeded``)."""

import pytest

from demo.tests.helpers import seed


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    seed()
