"""Database helpers the ORM does not have: which constraint a write violated, one raw
statement with server-side binding on PostgreSQL, the planner's row estimate, and an index
expression for prefix search."""

import json
import re

from django.db import DatabaseError, connection
from django.db.models import Func, OrderBy, UniqueConstraint
from django.db.models.indexes import IndexExpression

# SQLite names the columns of a violated unique index, not the index:
# "UNIQUE constraint failed: claims_claim.partner_id, claims_claim.association_key".
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)$")


def violated_constraint(exc: Exception, model) -> str | None:
    """The name of ``model``'s constraint that ``exc`` (an ``IntegrityError``) violated, or
    ``None``. PostgreSQL reports the name itself (psycopg's ``diag.constraint_name``); SQLite
    reports the columns, which are matched against the model's unique constraints."""
    cause = exc.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    if name:
        return name
    found = _SQLITE_UNIQUE.search(str(exc))
    if not found:
        return None
    table = model._meta.db_table
    columns = {c.strip().removeprefix(f"{table}.") for c in found["columns"].split(",")}
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields:
            wanted = {model._meta.get_field(f).column for f in constraint.fields}
            if wanted == columns:
                return constraint.name
    return None


def pg_execute(sql: str, params) -> list[tuple]:
    """Run one statement on PostgreSQL with server-side binding (arrays go as binary with
    ``%b``, named ``%(name)b``) and return its rows, if any. At 100,000 rows the ORM's per-field
    preparation and client-side quoting took four times as long as the statement itself (the SLA
    sweep, README "Performance")."""
    import psycopg  # PostgreSQL only; SQLite deployments need not install the driver

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def planner_rows(queryset) -> int | None:
    """PostgreSQL's estimate of how many rows ``queryset`` returns (``EXPLAIN``, nothing run);
    None on another database or when the plan cannot be read. An estimate from the table
    statistics: good to say "about 1.2 million", never to count with."""
    if connection.vendor != "postgresql":
        return None
    try:
        plan = json.loads(queryset.explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])
    except (ValueError, KeyError, IndexError, TypeError, DatabaseError):
        return None


class PatternOps(Func):
    """An index expression that ``LIKE 'prefix%'`` can use whatever the database's collation:
    the expression with ``text_pattern_ops`` on PostgreSQL (under a collation other than C a
    plain btree cannot serve LIKE), the bare expression elsewhere. Django's ``OpClass`` writes
    the operator class on every database, which SQLite refuses (and needs
    ``django.contrib.postgres``, which we do not install)."""

    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="%(expressions)s text_pattern_ops", **extra_context)


def _register_index_wrapper() -> None:
    """Index expressions put their wrappers (``OrderBy``, ``Collate``) around the parenthesised
    expression, ``(UPPER("name")) text_pattern_ops``; ``PatternOps`` is one, registered as
    ``django.contrib.postgres`` registers ``OpClass`` (after ``OrderBy``, which comes last in SQL)."""
    classes = [cls for cls in IndexExpression.wrapper_classes if cls is not PatternOps]
    at = 1 if classes and classes[0] is OrderBy else 0
    IndexExpression.register_wrappers(*classes[:at], PatternOps, *classes[at:])


_register_index_wrapper()
