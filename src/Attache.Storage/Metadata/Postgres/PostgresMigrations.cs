namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// The PostgreSQL schema, as an append-only list: version N is the state after script N-1 ran. Never edit a released
/// script; add a new one. Text that is compared or ordered uses the "C" collation, so ids page in ordinal order and
/// times sort as text, whatever the database's default collation; <c>lower()</c> under "C" folds ASCII only, as
/// SQLite's NOCASE does for e-mail addresses.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<string> Scripts =
    [
        """
        CREATE TABLE documents (
            id          text COLLATE "C" NOT NULL PRIMARY KEY,
            kind        text COLLATE "C" NOT NULL,
            title       text NOT NULL,
            owner       text COLLATE "C" NOT NULL,
            state       text COLLATE "C" NULL,
            folder      text COLLATE "C" NULL,
            properties  text NOT NULL,
            attributes  text NOT NULL,
            acl         text NOT NULL,
            source_url  text NULL,
            created     text COLLATE "C" NOT NULL,
            modified    text COLLATE "C" NOT NULL,
            deleted     text COLLATE "C" NULL,
            revision    bigint NOT NULL
        );

        CREATE TABLE files (
            id              text COLLATE "C" NOT NULL PRIMARY KEY,
            document_id     text COLLATE "C" NOT NULL REFERENCES documents (id),
            slot            text COLLATE "C" NOT NULL,
            idx             integer NOT NULL,
            file_name       text NOT NULL,
            media_type      text NOT NULL,
            state           text COLLATE "C" NOT NULL,
            current_version integer NULL,
            size            bigint NOT NULL,
            sha256          text COLLATE "C" NOT NULL,
            md5             text COLLATE "C" NOT NULL,
            has_thumbnail   boolean NOT NULL,
            created         text COLLATE "C" NOT NULL,
            modified        text COLLATE "C" NOT NULL,
            removed         text COLLATE "C" NULL,
            revision        bigint NOT NULL,
            CONSTRAINT uq_files_slot UNIQUE (document_id, slot, idx)
        );

        CREATE TABLE file_versions (
            file_id     text COLLATE "C" NOT NULL REFERENCES files (id),
            number      integer NOT NULL,
            size        bigint NOT NULL,
            sha256      text COLLATE "C" NOT NULL,
            md5         text COLLATE "C" NOT NULL,
            file_name   text NOT NULL,
            media_type  text NOT NULL,
            created     text COLLATE "C" NOT NULL,
            created_by  text COLLATE "C" NULL,
            PRIMARY KEY (file_id, number)
        );

        CREATE INDEX ix_file_versions_sha256 ON file_versions (sha256);

        CREATE TABLE sequences (
            name  text COLLATE "C" NOT NULL PRIMARY KEY,
            value bigint NOT NULL
        );

        INSERT INTO sequences (name, value) VALUES ('file_id', 0);

        CREATE TABLE secrets (
            name    text COLLATE "C" NOT NULL PRIMARY KEY,
            value   text NOT NULL,
            created text COLLATE "C" NOT NULL
        );

        CREATE TABLE principals (
            name                text COLLATE "C" NOT NULL PRIMARY KEY,
            display_name        text NOT NULL,
            kind                text COLLATE "C" NOT NULL,
            groups              text NOT NULL,
            enabled             boolean NOT NULL,
            email               text COLLATE "C" NULL,
            password_hash       text NULL,
            client_id           text COLLATE "C" NULL UNIQUE,
            client_secret_hash  text NULL,
            created             text COLLATE "C" NOT NULL,
            modified            text COLLATE "C" NOT NULL
        );

        CREATE UNIQUE INDEX ux_principals_email ON principals (lower(email));

        CREATE TABLE api_keys (
            sha256      text COLLATE "C" NOT NULL PRIMARY KEY,
            id          text COLLATE "C" NOT NULL,
            principal   text COLLATE "C" NOT NULL REFERENCES principals (name),
            created     text COLLATE "C" NOT NULL,
            CONSTRAINT uq_api_keys_id UNIQUE (principal, id)
        );

        CREATE TABLE sessions (
            sha256      text COLLATE "C" NOT NULL PRIMARY KEY,
            principal   text COLLATE "C" NOT NULL REFERENCES principals (name),
            created     text COLLATE "C" NOT NULL,
            expires     text COLLATE "C" NOT NULL
        );

        CREATE INDEX ix_sessions_expires ON sessions (expires);
        CREATE INDEX ix_sessions_principal ON sessions (principal);

        CREATE TABLE server_api_keys (
            sha256      text COLLATE "C" NOT NULL PRIMARY KEY,
            created     text COLLATE "C" NOT NULL
        );

        CREATE TABLE audit_events (
            id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time           text COLLATE "C" NOT NULL,
            action         text COLLATE "C" NOT NULL,
            principal      text COLLATE "C" NULL,
            document_id    text COLLATE "C" NULL,
            file_id        text COLLATE "C" NULL,
            version        integer NULL,
            result         text COLLATE "C" NOT NULL,
            status         integer NULL,
            bytes          bigint NULL,
            byte_range     text NULL,
            detail         text NULL,
            client_address text NULL,
            user_agent     text NULL,
            correlation_id text NULL
        );

        CREATE INDEX ix_audit_events_time ON audit_events (time);
        CREATE INDEX ix_audit_events_principal ON audit_events (principal, id);
        CREATE INDEX ix_audit_events_action ON audit_events (action, id);
        CREATE INDEX ix_audit_events_document ON audit_events (document_id, id);
        CREATE INDEX ix_audit_events_file ON audit_events (file_id, id);

        CREATE TABLE renditions (
            file_id     text COLLATE "C" NOT NULL,
            version     integer NOT NULL,
            format      text COLLATE "C" NOT NULL,
            charset     text COLLATE "C" NOT NULL,
            variant     text COLLATE "C" NOT NULL,
            document_id text COLLATE "C" NOT NULL,
            size        bigint NOT NULL,
            sha256      text COLLATE "C" NOT NULL,
            md5         text COLLATE "C" NOT NULL,
            created     text COLLATE "C" NOT NULL,
            PRIMARY KEY (file_id, version, format, charset, variant)
        );

        CREATE INDEX ix_renditions_sha256 ON renditions (sha256);
        CREATE INDEX ix_renditions_document_id ON renditions (document_id);
        """,
        """
        CREATE TABLE editor_sessions (
            id        text COLLATE "C" NOT NULL PRIMARY KEY,
            file_id   text COLLATE "C" NOT NULL,
            principal text COLLATE "C" NOT NULL,
            opened    text COLLATE "C" NOT NULL,
            closed    text COLLATE "C" NULL
        );

        CREATE INDEX ix_editor_sessions_file_id ON editor_sessions (file_id, opened);

        CREATE TABLE jobs (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind        text COLLATE "C" NOT NULL,
            subject     text COLLATE "C" NOT NULL,
            attempts    integer NOT NULL,
            lease_owner text COLLATE "C" NULL,
            due         text COLLATE "C" NOT NULL,
            created     text COLLATE "C" NOT NULL,
            CONSTRAINT uq_jobs_subject UNIQUE (kind, subject)
        );

        CREATE INDEX ix_jobs_due ON jobs (kind, due, id);
        """,
    ];
}
