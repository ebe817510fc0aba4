"""The audit trail is append-only: the database refuses UPDATE, and DELETE of rows younger
than 183 days (manyi.audit.triggers), on SQLite and PostgreSQL."""

from django.db import migrations

from manyi.audit import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor)


def backwards(apps, schema_editor):
    triggers.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
