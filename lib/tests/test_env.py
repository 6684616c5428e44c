import pytest
from django.core.exceptions import ImproperlyConfigured

from lib.env import database_from_url, env_bool, env_choice, env_int, env_list


def test_env_bool_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True


def test_env_int_strict(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1, minimum=0)


def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_MODE", "staging")
    with pytest.raises(ImproperlyConfigured):
        env_choice("X_MODE", "development", {"development", "production"})


def test_database_from_url():
    pg = database_from_url("postgres://user:p%40ss@db.internal:5433/cpor?sslmode=require")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "cpor",
        "user",
        "p@ss",
        "db.internal",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://root@localhost/db")
    with pytest.raises(ImproperlyConfigured):
        database_from_url("postgres://localhost/")
