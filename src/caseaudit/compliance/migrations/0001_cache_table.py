"""The table of Django's database cache (settings.CACHES), where the register's compliance and other results
are kept between requests (caseaudit/kept.py). Created here so that `caseaudit migrate` makes it, with the
rest of the database, on a new service and on an upgrade."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
