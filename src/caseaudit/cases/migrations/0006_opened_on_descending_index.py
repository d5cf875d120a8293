"""On PostgreSQL, an index for the register sorted by opening date, latest first: `opened_on DESC NULLS
LAST, child_id`, the order the register asks for (cases with no opening date last either way). The index of
`opened_on` read backwards gives the latest first but the cases without a date first too, so PostgreSQL
sorted every open case to find one page. SQLite cannot say NULLS LAST in an index, and reads its own index
of `opened_on` for this order, so it needs none."""

from __future__ import annotations

from django.db import migrations

INDEX = "case_open_opened_on_desc"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case (opened_on DESC NULLS LAST, child_id) "
            "WHERE closed_on IS NULL"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_child_characteristics")]

    operations = [migrations.RunPython(add_index, drop_index, elidable=False)]
