"""个人信息保护法 erasure (manyi.privacy.erasure) must replace the members' names of a filed team
or achievement, which the trigger of 0002 refuses (申报备案后不予修改). The trigger now lets
exactly one kind of UPDATE through: the one that also sets `erased_at` for the first time. Every
other change of the locked fields is still refused, and `erased_at`, once set, cannot be
cleared (so an erased nomination's locked fields are locked again)."""

from django.db import migrations, models

MESSAGE = "申报备案后不予修改：班组名称、优质服务成果名称及课题组成员不能更改"

SQLITE_DROP = "DROP TRIGGER IF EXISTS nomination_locked_fields;"
SQLITE_OLD = f"""
    CREATE TRIGGER nomination_locked_fields
    BEFORE UPDATE ON nominations_nomination
    WHEN OLD.filed_at IS NOT NULL AND (
        NEW.filed_at IS NULL
        OR NEW.locked_name IS NOT OLD.locked_name
        OR NEW.locked_members IS NOT OLD.locked_members
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""
SQLITE_NEW = f"""
    CREATE TRIGGER nomination_locked_fields
    BEFORE UPDATE ON nominations_nomination
    WHEN OLD.filed_at IS NOT NULL AND (
        (OLD.erased_at IS NOT NULL AND NEW.erased_at IS NULL)
        OR (
            NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
            AND (
                NEW.filed_at IS NULL
                OR NEW.locked_name IS NOT OLD.locked_name
                OR NEW.locked_members IS NOT OLD.locked_members
            )
        )
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""


def postgresql_function(erasure: bool) -> str:
    erasing = "AND NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)" if erasure else ""
    unerasing = "OR (OLD.erased_at IS NOT NULL AND NEW.erased_at IS NULL)" if erasure else ""
    return f"""
    CREATE OR REPLACE FUNCTION nomination_locked_fields() RETURNS trigger AS $$
    BEGIN
        IF OLD.filed_at IS NOT NULL AND ((
            NEW.filed_at IS NULL
            OR NEW.locked_name IS DISTINCT FROM OLD.locked_name
            OR NEW.locked_members::jsonb IS DISTINCT FROM OLD.locked_members::jsonb
        ) {erasing} {unerasing}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgresql_function(erasure=True))
    else:
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_NEW)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgresql_function(erasure=False))
    else:
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_OLD)


class Migration(migrations.Migration):
    dependencies = [("nominations", "0003_workflow")]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="erased_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="personal data erased at"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
