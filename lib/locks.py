"""Serialising work on one association key across transactions.

On PostgreSQL a transaction-scoped advisory lock on the key's hash makes "check who holds
the key, then write" atomic between concurrent submissions and awards. SQLite serialises
all writers already (``transaction_mode=IMMEDIATE``), so there it is a no-op.
"""

from django.db import connection


def lock_association_key(key: str) -> None:
    if connection.vendor == "postgresql" and key:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
