namespace PhoneHub.Stores.Sqlite;

/// <summary>
/// The schema as an ordered list of migrations. Applied migrations are recorded in <c>phonehub_schema_version</c>;
/// a released migration is never edited, only followed by a new one.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: initial schema. Times are Unix epoch milliseconds (UTC): compact, sortable, no text parsing.
        """
        CREATE TABLE phone_numbers (
            id                  INTEGER PRIMARY KEY AUTOINCREMENT,
            phone_number        TEXT    NOT NULL UNIQUE,
            country_code        TEXT,
            region              TEXT,
            carrier             TEXT,
            line_type           TEXT,
            is_mobile           INTEGER,
            is_voip             INTEGER,
            is_valid            INTEGER NOT NULL DEFAULT 0,
            caller_name         TEXT,
            caller_type         TEXT,
            address_street      TEXT,
            address_city        TEXT,
            address_state       TEXT,
            address_postal_code TEXT,
            address_country     TEXT,
            lookup_provider     TEXT,
            lookup_expires_at   INTEGER,
            lookup_count        INTEGER NOT NULL DEFAULT 0,
            last_lookup_at      INTEGER,
            lookup_data         TEXT,
            created             INTEGER NOT NULL,
            modified            INTEGER NOT NULL
        );

        CREATE TABLE phone_configs (
            id                           INTEGER PRIMARY KEY AUTOINCREMENT,
            group_id                     TEXT,
            name                         TEXT    NOT NULL,
            is_active                    INTEGER NOT NULL,
            provider                     TEXT    NOT NULL,
            twilio_from_number           TEXT,
            twilio_messaging_service_sid TEXT,
            aws_region                   TEXT,
            aws_sender_id                TEXT,
            aws_origination_number       TEXT,
            lookup_enabled               INTEGER NOT NULL,
            lookup_cache_days            INTEGER NOT NULL,
            test_mode                    INTEGER NOT NULL,
            credentials                  BLOB,
            created                      INTEGER NOT NULL,
            modified                     INTEGER NOT NULL
        );
        -- At most one active config per group; the system default is the group ''.
        CREATE UNIQUE INDEX ux_phone_configs_active ON phone_configs (ifnull(group_id, '')) WHERE is_active = 1;
        CREATE INDEX ix_phone_configs_twilio_from ON phone_configs (twilio_from_number);
        CREATE INDEX ix_phone_configs_aws_origination ON phone_configs (aws_origination_number);

        CREATE TABLE sms_messages (
            id                  INTEGER PRIMARY KEY AUTOINCREMENT,
            group_id            TEXT,
            user_id             TEXT,
            config_id           INTEGER,
            direction           TEXT    NOT NULL,
            from_number         TEXT,
            to_number           TEXT    NOT NULL,
            body                TEXT    NOT NULL,
            media_urls          TEXT,
            status              TEXT    NOT NULL,
            provider            TEXT,
            provider_message_id TEXT,
            error_code          TEXT,
            error_message       TEXT,
            metadata            TEXT,
            segments            INTEGER NOT NULL,
            price               TEXT,
            price_unit          TEXT,
            is_test             INTEGER NOT NULL,
            created             INTEGER NOT NULL,
            sent_at             INTEGER,
            delivered_at        INTEGER,
            modified            INTEGER NOT NULL
        );
        -- Providers retry webhooks: one row per provider message id.
        CREATE UNIQUE INDEX ux_sms_messages_provider_id ON sms_messages (provider, provider_message_id)
            WHERE provider_message_id IS NOT NULL;
        CREATE INDEX ix_sms_messages_group_created ON sms_messages (group_id, created);
        CREATE INDEX ix_sms_messages_to ON sms_messages (to_number);
        CREATE INDEX ix_sms_messages_from ON sms_messages (from_number);
        """,
    ];
}
