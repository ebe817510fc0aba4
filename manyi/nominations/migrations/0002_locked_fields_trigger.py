"""申报备案后不予修改: once a nomination is filed, its locked name and members cannot change —
not through the form, the admin, QuerySet.update() or raw SQL. The database refuses it."""

from django.db import migrations

MESSAGE = "申报备案后不予修改：班组名称、优质服务成果名称及课题组成员不能更改"

SQLITE = [
    f"""
    CREATE TRIGGER nomination_locked_fields
    BEFORE UPDATE ON nominations_nomination
    WHEN OLD.filed_at IS NOT NULL AND (
        NEW.filed_at IS NULL
        OR NEW.locked_name IS NOT OLD.locked_name
        OR NEW.locked_members IS NOT OLD.locked_members
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS nomination_locked_fields;"]

POSTGRESQL = [
    f"""
    CREATE FUNCTION nomination_locked_fields() RETURNS trigger AS $$
    BEGIN
        IF OLD.filed_at IS NOT NULL AND (
            NEW.filed_at IS NULL
            OR NEW.locked_name IS DISTINCT FROM OLD.locked_name
            OR NEW.locked_members::jsonb IS DISTINCT FROM OLD.locked_members::jsonb
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER nomination_locked_fields
    BEFORE UPDATE ON nominations_nomination
    FOR EACH ROW EXECUTE FUNCTION nomination_locked_fields();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS nomination_locked_fields ON nominations_nomination;",
    "DROP FUNCTION IF EXISTS nomination_locked_fields();",
]


def forwards(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = (
        POSTGRESQL_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("nominations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
