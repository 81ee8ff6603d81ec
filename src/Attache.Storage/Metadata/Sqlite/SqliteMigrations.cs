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
    ];
}
