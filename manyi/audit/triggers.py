"""The database refuses to change the audit trail: no UPDATE ever, no DELETE of a row younger
than MINIMUM_RETENTION_DAYS (个人信息保护 and the issue: "kept at least six months"), on SQLite
and PostgreSQL alike. Written in the way of nominations' 0002_locked_fields_trigger."""

MINIMUM_RETENTION_DAYS = 183
TABLE = "audit_auditevent"
NO_UPDATE = "审计日志不可修改"
TOO_YOUNG = f"审计日志保存不足{MINIMUM_RETENTION_DAYS}天，不能删除"

SQLITE = [
    f"""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{NO_UPDATE}'); END;
    """,
    # Django stores UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares as text.
    f"""
    CREATE TRIGGER audit_no_early_delete BEFORE DELETE ON {TABLE}
    WHEN OLD.at > datetime('now', '-{MINIMUM_RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, '{TOO_YOUNG}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_early_delete;",
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION '{NO_UPDATE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.at > now() - interval '{MINIMUM_RETENTION_DAYS} days' THEN
            RAISE EXCEPTION '{TOO_YOUNG}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER audit_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_append_only();",
]


def install(schema_editor) -> None:  # type: ignore[no-untyped-def]
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRESQL if postgresql else SQLITE:
        schema_editor.execute(sql)


def remove(schema_editor) -> None:  # type: ignore[no-untyped-def]
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(sql)
