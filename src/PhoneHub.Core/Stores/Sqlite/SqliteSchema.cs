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

        // 2: provider-owned settings instead of provider columns; identities (numbers, messaging services, accounts,
        // topics) exclusive among active configs, backed by a unique index; status reports that arrive before the send
        // stored the provider id; the provider account each message went through.
        """
        ALTER TABLE phone_configs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

        -- The provider columns become settings under the provider's own names. json_patch drops null members, so unset
        -- columns leave no key. A value the provider does not use (an AWS region on a Twilio config) is kept under its old
        -- column name rather than lost; the next write of that config reports it as an unknown setting.
        UPDATE phone_configs SET settings = json_patch('{}', CASE provider
            WHEN 'twilio' THEN json_object(
                'from_number', twilio_from_number, 'messaging_service_sid', twilio_messaging_service_sid,
                'aws_region', aws_region, 'aws_sender_id', aws_sender_id, 'aws_origination_number', aws_origination_number)
            WHEN 'aws' THEN json_object(
                'region', aws_region, 'sender_id', aws_sender_id, 'origination_number', aws_origination_number,
                'twilio_from_number', twilio_from_number, 'twilio_messaging_service_sid', twilio_messaging_service_sid)
            ELSE json_object(
                'twilio_from_number', twilio_from_number, 'twilio_messaging_service_sid', twilio_messaging_service_sid,
                'aws_region', aws_region, 'aws_sender_id', aws_sender_id, 'aws_origination_number', aws_origination_number)
            END);

        CREATE TABLE phone_config_identities (
            config_id INTEGER NOT NULL,
            kind      TEXT    NOT NULL,
            value     TEXT    NOT NULL,
            is_active INTEGER NOT NULL,
            PRIMARY KEY (config_id, kind, value)
        ) WITHOUT ROWID;
        -- Among active configs an identity has one owner: a webhook about it maps to exactly one tenant.
        CREATE UNIQUE INDEX ux_phone_config_identities_active ON phone_config_identities (kind, value) WHERE is_active = 1;
        CREATE INDEX ix_phone_config_identities_value ON phone_config_identities (kind, value);

        -- Before this version two groups could both hold one receiving number, though inbound could reach only one of
        -- them. The older config keeps the number; a newer active config claiming it is deactivated (its data is kept).
        UPDATE phone_configs SET is_active = 0 WHERE is_active = 1 AND EXISTS (
            SELECT 1 FROM phone_configs o
            WHERE o.is_active = 1 AND o.id < phone_configs.id AND (
                (o.provider = 'twilio' AND o.twilio_from_number IS NOT NULL AND o.twilio_from_number IN
                    (CASE phone_configs.provider WHEN 'twilio' THEN phone_configs.twilio_from_number WHEN 'aws' THEN phone_configs.aws_origination_number END))
                OR (o.provider = 'aws' AND o.aws_origination_number IS NOT NULL AND o.aws_origination_number IN
                    (CASE phone_configs.provider WHEN 'twilio' THEN phone_configs.twilio_from_number WHEN 'aws' THEN phone_configs.aws_origination_number END))
                OR (o.provider = 'twilio' AND phone_configs.provider = 'twilio' AND o.twilio_messaging_service_sid IS NOT NULL
                    AND o.twilio_messaging_service_sid = phone_configs.twilio_messaging_service_sid)));

        INSERT OR IGNORE INTO phone_config_identities (config_id, kind, value, is_active)
            SELECT id, 'phone_number', twilio_from_number, is_active FROM phone_configs WHERE provider = 'twilio' AND twilio_from_number IS NOT NULL;
        INSERT OR IGNORE INTO phone_config_identities (config_id, kind, value, is_active)
            SELECT id, 'messaging_service', twilio_messaging_service_sid, is_active FROM phone_configs WHERE provider = 'twilio' AND twilio_messaging_service_sid IS NOT NULL;
        INSERT OR IGNORE INTO phone_config_identities (config_id, kind, value, is_active)
            SELECT id, 'phone_number', aws_origination_number, is_active FROM phone_configs WHERE provider = 'aws' AND aws_origination_number IS NOT NULL;

        DROP INDEX ix_phone_configs_twilio_from;
        DROP INDEX ix_phone_configs_aws_origination;
        ALTER TABLE phone_configs DROP COLUMN twilio_from_number;
        ALTER TABLE phone_configs DROP COLUMN twilio_messaging_service_sid;
        ALTER TABLE phone_configs DROP COLUMN aws_region;
        ALTER TABLE phone_configs DROP COLUMN aws_sender_id;
        ALTER TABLE phone_configs DROP COLUMN aws_origination_number;

        ALTER TABLE sms_messages ADD COLUMN provider_account TEXT;

        CREATE TABLE sms_status_reports (
            id                  INTEGER PRIMARY KEY AUTOINCREMENT,
            provider            TEXT    NOT NULL,
            provider_message_id TEXT    NOT NULL,
            status              TEXT    NOT NULL,
            error_code          TEXT,
            error_message       TEXT,
            price               TEXT,
            price_unit          TEXT,
            account             TEXT,
            config_id           INTEGER,
            received_at         INTEGER NOT NULL
        );
        CREATE INDEX ix_sms_status_reports_message ON sms_status_reports (provider, provider_message_id);
        CREATE INDEX ix_sms_status_reports_received ON sms_status_reports (received_at);
        """,

        // 3: the durable send pipeline. A message waits with a due time until a dispatcher (or an inline sender) claims
        // it with a lease; a provider call is recorded as started before the request leaves, so a dead process's call is
        // resolved as "outcome unknown" instead of being sent twice; idempotency keys are unique per group; bulk batches.
        """
        ALTER TABLE phone_configs ADD COLUMN fallback_config_id INTEGER;
        ALTER TABLE phone_configs ADD COLUMN send_rate REAL;
        ALTER TABLE phone_configs ADD COLUMN account_send_rate REAL;

        ALTER TABLE sms_messages ADD COLUMN send_at INTEGER;
        ALTER TABLE sms_messages ADD COLUMN due_at INTEGER;
        ALTER TABLE sms_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sms_messages ADD COLUMN idempotency_key TEXT;
        ALTER TABLE sms_messages ADD COLUMN request_hash TEXT;
        ALTER TABLE sms_messages ADD COLUMN batch_id INTEGER;
        ALTER TABLE sms_messages ADD COLUMN lease_owner TEXT;
        ALTER TABLE sms_messages ADD COLUMN lease_until INTEGER;
        ALTER TABLE sms_messages ADD COLUMN attempt_token TEXT;
        ALTER TABLE sms_messages ADD COLUMN call_started_at INTEGER;

        CREATE UNIQUE INDEX ux_sms_messages_idempotency ON sms_messages (ifnull(group_id, ''), idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        -- What dispatchers claim: waiting messages by due time.
        CREATE INDEX ix_sms_messages_due ON sms_messages (due_at, id) WHERE due_at IS NOT NULL;
        -- Provider calls in flight, for crash recovery.
        CREATE INDEX ix_sms_messages_in_flight ON sms_messages (lease_until) WHERE call_started_at IS NOT NULL;
        CREATE INDEX ix_sms_messages_batch ON sms_messages (batch_id, status) WHERE batch_id IS NOT NULL;

        CREATE TABLE sms_batches (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,
            group_id TEXT,
            user_id  TEXT,
            total    INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            created  INTEGER NOT NULL
        );

        -- Before this version a send that died mid-call left its row queued, without a provider id, for ever; the
        -- provider may have taken it, so it becomes final as "outcome unknown" (never sent again).
        UPDATE sms_messages SET status = 'failed', error_code = 'outcome_unknown',
            error_message = 'The send was interrupted while the provider call was in progress; the provider may have accepted the message.'
        WHERE direction = 'outbound' AND status = 'queued' AND provider_message_id IS NULL;
        """,

        // 4: one-time-code verifications. A code is kept only as a salted keyed hash; every code sent is a row of
        // verification_sends, so the per-number send limit counts resends too and holds across verifications.
        """
        CREATE TABLE verifications (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            group_id     TEXT,
            phone_number TEXT    NOT NULL,
            country      TEXT,
            prefix       TEXT    NOT NULL,
            status       TEXT    NOT NULL,
            code_length  INTEGER NOT NULL,
            code_salt    BLOB    NOT NULL,
            code_hash    BLOB    NOT NULL,
            checks       INTEGER NOT NULL DEFAULT 0,
            sends        INTEGER NOT NULL DEFAULT 1,
            message_id   INTEGER,
            created      INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL,
            approved_at  INTEGER,
            modified     INTEGER NOT NULL
        );
        CREATE INDEX ix_verifications_number ON verifications (ifnull(group_id, ''), phone_number, id);
        CREATE INDEX ix_verifications_created ON verifications (created);

        CREATE TABLE verification_sends (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            group_id        TEXT,
            phone_number    TEXT    NOT NULL,
            verification_id INTEGER NOT NULL,
            sent_at         INTEGER NOT NULL
        );
        CREATE INDEX ix_verification_sends_number ON verification_sends (ifnull(group_id, ''), phone_number, sent_at);
        """,

        // 5: the send guards. Each config's rules as one JSON document; per message the recipient's country, whether its
        // price is an estimate, and whether it may go in quiet hours; the opt-out lists and their history; lookup counts
        // per day for the lookup report.
        """
        ALTER TABLE phone_configs ADD COLUMN guards TEXT;

        ALTER TABLE sms_messages ADD COLUMN country TEXT;
        ALTER TABLE sms_messages ADD COLUMN price_estimated INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sms_messages ADD COLUMN quiet_hours_exempt INTEGER NOT NULL DEFAULT 0;
        -- Spend limits add up what a group's messages cost by when they were sent.
        CREATE INDEX ix_sms_messages_group_sent ON sms_messages (group_id, sent_at) WHERE sent_at IS NOT NULL;

        -- One list per group; '' is "no group" (group names are never empty), so the key has no NULL in it.
        CREATE TABLE sms_opt_outs (
            group_key    TEXT    NOT NULL,
            phone_number TEXT    NOT NULL,
            created      INTEGER NOT NULL,
            source       TEXT    NOT NULL,
            detail       TEXT,
            actor        TEXT,
            PRIMARY KEY (group_key, phone_number)
        ) WITHOUT ROWID;

        CREATE TABLE sms_opt_out_changes (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            group_key    TEXT    NOT NULL,
            phone_number TEXT    NOT NULL,
            action       TEXT    NOT NULL,
            source       TEXT    NOT NULL,
            detail       TEXT,
            actor        TEXT,
            at           INTEGER NOT NULL
        );
        CREATE INDEX ix_sms_opt_out_changes_group ON sms_opt_out_changes (group_key, id);
        CREATE INDEX ix_sms_opt_out_changes_number ON sms_opt_out_changes (group_key, phone_number, id);

        -- Days are days since the Unix epoch (UTC).
        CREATE TABLE lookup_usage (
            day    INTEGER NOT NULL,
            source TEXT    NOT NULL,
            count  INTEGER NOT NULL,
            PRIMARY KEY (day, source)
        ) WITHOUT ROWID;
        """,
    ];
}
