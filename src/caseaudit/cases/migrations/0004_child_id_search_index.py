"""On PostgreSQL, an index for the register's search by part of a Child Unique ID (`child_id__icontains`,
which PostgreSQL runs as `UPPER(child_id) LIKE UPPER('%...%')`): trigrams (the `pg_trgm` extension), which
no B-tree can serve, so that the search reads the matching cases rather than all 100,000 open ones.

`pg_trgm` ships with PostgreSQL and is trusted: the database's owner may add it. Where it cannot be added
(an account without the right, a server built without it), the search works as before, only slower, and
the migration says so rather than stop the upgrade. SQLite searches the index of Child Unique IDs as it is."""

from __future__ import annotations

import sys

from django.db import DatabaseError, migrations, transaction

INDEX = "case_open_child_id_trigrams"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
                "USING gin (UPPER(child_id::text) gin_trgm_ops) WHERE closed_on IS NULL"
            )
    except DatabaseError as error:
        print(
            f"\n  The register's search by part of a Child Unique ID has no index ({error}). It still works; "
            "add the pg_trgm extension and migrate again to make it faster.",
            file=sys.stderr,
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_register_indexes")]

    operations = [migrations.RunPython(add_index, drop_index, elidable=False)]
