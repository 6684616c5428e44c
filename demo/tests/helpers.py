"""Shared by the demo's tests: run ``seed_demo`` and count every table."""

import io

from django.apps import apps
from django.core.management import call_command


def seed(*args) -> str:
    """``manage.py seed_demo *args``; returns what it printed."""
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def model_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}
