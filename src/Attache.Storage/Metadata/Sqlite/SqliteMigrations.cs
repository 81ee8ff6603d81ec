namespace Attache.Storage.Metadata.Sqlite;

/// <summary>
/// The schema, as an append-only list: version N is the state after script N-1 ran. Never edit a released script;
/// add a new one.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<string> Scripts =
    [
        """
        CREATE TABLE documents (
            id          TEXT NOT NULL PRIMARY KEY,
            kind        TEXT NOT NULL,
            title       TEXT NOT NULL,
            owner       TEXT NOT NULL,
            state       TEXT NULL,
            folder      TEXT NULL,
            properties  TEXT NOT NULL,
            attributes  TEXT NOT NULL,
            acl         TEXT NOT NULL,
            source_url  TEXT NULL,
            created     TEXT NOT NULL,
            modified    TEXT NOT NULL,
            deleted     TEXT NULL,
            revision    INTEGER NOT NULL
        );

        CREATE TABLE files (
            id              TEXT NOT NULL PRIMARY KEY,
            document_id     TEXT NOT NULL REFERENCES documents (id),
            slot            TEXT NOT NULL,
            idx             INTEGER NOT NULL,
            file_name       TEXT NOT NULL,
            media_type      TEXT NOT NULL,
            state           TEXT NOT NULL,
            current_version INTEGER NULL,
            size            INTEGER NOT NULL,
            sha256          TEXT NOT NULL,
            md5             TEXT NOT NULL,
            has_thumbnail   INTEGER NOT NULL,
            created         TEXT NOT NULL,
            modified        TEXT NOT NULL,
            removed         TEXT NULL,
            revision        INTEGER NOT NULL,
            CONSTRAINT uq_files_slot UNIQUE (document_id, slot, idx)
        );

        CREATE TABLE file_versions (
            file_id     TEXT NOT NULL REFERENCES files (id),
            number      INTEGER NOT NULL,
            size        INTEGER NOT NULL,
            sha256      TEXT NOT NULL,
            md5         TEXT NOT NULL,
            file_name   TEXT NOT NULL,
            media_type  TEXT NOT NULL,
            created     TEXT NOT NULL,
            created_by  TEXT NULL,
            PRIMARY KEY (file_id, number)
        );

        CREATE INDEX ix_file_versions_sha256 ON file_versions (sha256);

        CREATE TABLE sequences (
            name  TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        );

        INSERT INTO sequences (name, value) VALUES ('file_id', 0);
        """,
        """
        CREATE TABLE secrets (
            name    TEXT NOT NULL PRIMARY KEY,
            value   TEXT NOT NULL,
            created TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE principals (
            name                TEXT NOT NULL PRIMARY KEY,
            display_name        TEXT NOT NULL,
            kind                TEXT NOT NULL,
            groups              TEXT NOT NULL,
            enabled             INTEGER NOT NULL,
            email               TEXT NULL COLLATE NOCASE UNIQUE,
            password_hash       TEXT NULL,
            client_id           TEXT NULL UNIQUE,
            client_secret_hash  TEXT NULL,
            created             TEXT NOT NULL,
            modified            TEXT NOT NULL
        );

        CREATE TABLE api_keys (
            sha256      TEXT NOT NULL PRIMARY KEY,
            id          TEXT NOT NULL,
            principal   TEXT NOT NULL REFERENCES principals (name),
            created     TEXT NOT NULL,
            CONSTRAINT uq_api_keys_id UNIQUE (principal, id)
        );

        CREATE TABLE sessions (
            sha256      TEXT NOT NULL PRIMARY KEY,
            principal   TEXT NOT NULL REFERENCES principals (name),
            created     TEXT NOT NULL,
            expires     TEXT NOT NULL
        );

        CREATE INDEX ix_sessions_expires ON sessions (expires);

        CREATE TABLE server_api_keys (
            sha256      TEXT NOT NULL PRIMARY KEY,
            created     TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE audit_events (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            time           TEXT NOT NULL,
            action         TEXT NOT NULL,
            principal      TEXT NULL,
            document_id    TEXT NULL,
            file_id        TEXT NULL,
            version        INTEGER NULL,
            result         TEXT NOT NULL,
            status         INTEGER NULL,
            bytes          INTEGER NULL,
            byte_range     TEXT NULL,
            detail         TEXT NULL,
            client_address TEXT NULL,
            user_agent     TEXT NULL,
            correlation_id TEXT NULL
        );

        CREATE INDEX ix_audit_events_time ON audit_events (time);
        CREATE INDEX ix_audit_events_principal ON audit_events (principal, id);
        CREATE INDEX ix_audit_events_action ON audit_events (action, id);
        CREATE INDEX ix_audit_events_document ON audit_events (document_id, id);
        CREATE INDEX ix_audit_events_file ON audit_events (file_id, id);
        """,
        """
        CREATE TABLE renditions (
            file_id     TEXT NOT NULL,
            version     INTEGER NOT NULL,
            format      TEXT NOT NULL,
            charset     TEXT NOT NULL,
            variant     TEXT NOT NULL,
            document_id TEXT NOT NULL,
            size        INTEGER NOT NULL,
            sha256      TEXT NOT NULL,
            md5         TEXT NOT NULL,
            created     TEXT NOT NULL,
            PRIMARY KEY (file_id, version, format, charset, variant)
        );

        CREATE INDEX ix_renditions_sha256 ON renditions (sha256);
        CREATE INDEX ix_renditions_document_id ON renditions (document_id);
        """,
        """
        CREATE TABLE editor_sessions (
            id          TEXT NOT NULL PRIMARY KEY,
            file_id     TEXT NOT NULL,
            principal   TEXT NOT NULL,
            opened      TEXT NOT NULL,
            closed      TEXT NULL
        );

        CREATE INDEX ix_editor_sessions_file_id ON editor_sessions (file_id, opened);
        """,
        """
        CREATE TABLE jobs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,
            subject     TEXT NOT NULL,
            attempts    INTEGER NOT NULL,
            lease_owner TEXT NULL,
            due         TEXT NOT NULL,
            created     TEXT NOT NULL,
            CONSTRAINT uq_jobs_subject UNIQUE (kind, subject)
        );

        CREATE INDEX ix_jobs_due ON jobs (kind, due, id);
        """,
    ];
}
