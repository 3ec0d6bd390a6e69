using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using PhoneHub.Messaging;
using static PhoneHub.Stores.PostgreSql.PostgreSqlValues;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL implementation of <see cref="ISmsStore"/>.</summary>
/// <remarks>The SQL is internal so the index tests can EXPLAIN exactly what the store runs (see README.md).</remarks>
internal sealed class PostgreSqlSmsStore : ISmsStore, IPostgreSqlStore
{
    private const string ProviderIdIndex = "ux_sms_messages_provider_id";

    private const string Columns =
        "id, group_id, user_id, config_id, direction, from_number, to_number, body, media_urls, status, provider, provider_account, provider_message_id, " +
        "error_code, error_message, metadata, segments, price, price_unit, is_test, created, sent_at, delivered_at, modified, " +
        "send_at, attempts, idempotency_key, batch_id";

    private const string InsertColumns =
        "group_id, user_id, config_id, direction, from_number, to_number, body, media_urls, status, provider, provider_account, provider_message_id, " +
        "error_code, error_message, metadata, segments, price, price_unit, is_test, created, sent_at, delivered_at, modified, " +
        "send_at, attempts, idempotency_key, batch_id";

    private const string InsertValues =
        "@group_id, @user_id, @config_id, @direction, @from_number, @to_number, @body, @media_urls, @status, @provider, @provider_account, @provider_message_id, " +
        "@error_code, @error_message, CAST(@metadata AS jsonb), @segments, @price, @price_unit, @is_test, @created, @sent_at, @delivered_at, @modified, " +
        "@send_at, @attempts, @idempotency_key, @batch_id";

    // Inserts return only the new id: every other column holds exactly the value bound (times already cut to
    // microseconds), so the stored message is the bound row.
    internal const string InsertSql = $"INSERT INTO {{schema}}.sms_messages ({InsertColumns}) VALUES ({InsertValues}) RETURNING id;";

    // A concurrent insert of the same provider id makes this one wait for it and then do nothing: exactly one creates.
    internal const string InsertIfNewSql = $$"""
        INSERT INTO {schema}.sms_messages ({{InsertColumns}}) VALUES ({{InsertValues}})
        ON CONFLICT (provider, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
        RETURNING id;
        """;

    internal const string UpdateSql = $$"""
        UPDATE {schema}.sms_messages SET status = @status, provider = @provider, provider_account = @provider_account, provider_message_id = @provider_message_id,
            from_number = @from_number, error_code = @error_code, error_message = @error_message, segments = @segments,
            price = @price, price_unit = @price_unit, sent_at = @sent_at, delivered_at = @delivered_at, modified = @modified
        WHERE id = @id
        RETURNING {{Columns}};
        """;

    // The forward-only rule is in the WHERE clause. A second report racing this one waits for the row lock and then
    // re-checks the WHERE clause against the committed row, so out-of-order reports cannot move a message backwards.
    internal const string AdvanceSql = $$"""
        UPDATE {schema}.sms_messages SET
            status = @status,
            error_code = coalesce(@error_code, error_code),
            error_message = coalesce(@error_message, error_message),
            sent_at = CASE WHEN sent_at IS NULL AND @marks_sent THEN @at ELSE sent_at END,
            delivered_at = CASE WHEN @marks_delivered THEN @at ELSE delivered_at END,
            price = coalesce(price, @price),
            price_unit = CASE WHEN price IS NULL AND @price IS NOT NULL THEN @price_unit ELSE price_unit END,
            modified = @at
        WHERE provider = @provider AND provider_message_id = @provider_message_id AND status = ANY(@earlier)
        RETURNING {{Columns}};
        """;

    internal const string SelectByIdSql = $"SELECT {Columns} FROM {{schema}}.sms_messages WHERE id = @id;";

    internal const string SelectByProviderIdSql =
        $"SELECT {Columns} FROM {{schema}}.sms_messages WHERE provider = @provider AND provider_message_id = @provider_message_id;";

    internal const string InsertPendingSql = """
        INSERT INTO {schema}.sms_status_reports (provider, provider_message_id, status, error_code, error_message, price, price_unit, account, config_id, received_at)
        VALUES (@provider, @provider_message_id, @status, @error_code, @error_message, @price, @price_unit, @account, @config_id, @received_at);
        """;

    // Two takers at once: the second waits on the first's deleted rows and then skips them, so each report is taken once.
    internal const string TakePendingSql = """
        DELETE FROM {schema}.sms_status_reports WHERE provider = @provider AND provider_message_id = @provider_message_id
        RETURNING id, provider, provider_message_id, status, error_code, error_message, price, price_unit, account, config_id, received_at;
        """;

    internal const string DeletePendingBeforeSql = "DELETE FROM {schema}.sms_status_reports WHERE received_at < @cutoff;";

    // The optional filters fold away: Npgsql's unprepared statements are planned with the bound values.
    private const string ListWhere = """
        WHERE (@all_groups OR coalesce(group_id, '') = coalesce(@group_id, ''))
          AND (@direction IS NULL OR direction = @direction)
          AND (@status IS NULL OR status = @status)
          AND (@number IS NULL OR to_number = @number OR from_number = @number)
          AND (@created_from IS NULL OR created >= @created_from)
          AND (@created_to IS NULL OR created < @created_to)
        """;

    internal const string ListSql = $$"""
        SELECT {{Columns}} FROM {schema}.sms_messages {{ListWhere}} ORDER BY created DESC, id DESC LIMIT @limit OFFSET @offset;
        SELECT count(*) FROM {schema}.sms_messages {{ListWhere}};
        """;


    // A waiting message carries its due time; a claim (lease) and a started call are kept beside it, never in the model.
    // A concurrent enqueue with the same key waits for the first and then does nothing: exactly one creates.
    internal const string EnqueueSql = $$"""
        INSERT INTO {schema}.sms_messages ({{InsertColumns}}, due_at, request_hash, lease_owner, lease_until, attempt_token, call_started_at)
        VALUES ({{InsertValues}}, @due_at, @request_hash, @lease_owner, @lease_until, @attempt_token, @call_started_at)
        ON CONFLICT ((coalesce(group_id, '')), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING id;
        """;

    // Array order is lock order (unnest yields the elements in order, and the aggregate takes them as they come).
    internal const string LockIdempotencyKeysSql = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(@locks) AS k;";

    internal const string SelectByIdempotencyKeySql = $$"""
        SELECT {{Columns}}, request_hash FROM {schema}.sms_messages
        WHERE coalesce(group_id, '') = coalesce(@group_id, '') AND idempotency_key = @idempotency_key;
        """;

    // Claimants never wait for each other: rows another claimant has locked are skipped, and a row claimed and committed
    // meanwhile fails the re-checked lease condition. So each due message goes to exactly one claimant.
    internal const string ClaimDueSql = $$"""
        WITH due AS (
            SELECT id AS due_id FROM {schema}.sms_messages
            WHERE due_at IS NOT NULL AND call_started_at IS NULL AND due_at <= @now AND (lease_until IS NULL OR lease_until < @now)
            ORDER BY due_at, id
            LIMIT @limit
            FOR UPDATE SKIP LOCKED)
        UPDATE {schema}.sms_messages SET lease_owner = @owner, lease_until = @lease_until,
            status = CASE WHEN status = 'scheduled' THEN 'queued' ELSE status END, modified = @now
        FROM due WHERE id = due.due_id
        RETURNING {{Columns}};
        """;

    internal const string ClaimOneSql = $$"""
        UPDATE {schema}.sms_messages SET lease_owner = @owner, lease_until = @lease_until,
            status = CASE WHEN status = 'scheduled' THEN 'queued' ELSE status END, modified = @now
        WHERE id = @id AND due_at IS NOT NULL AND call_started_at IS NULL AND (lease_until IS NULL OR lease_until < @now)
        RETURNING {{Columns}};
        """;

    internal const string StartAttemptSql = $$"""
        UPDATE {schema}.sms_messages SET call_started_at = @now, attempt_token = @token, lease_until = @lease_until, attempts = attempts + 1, modified = @now
        WHERE id = @id AND lease_owner = @owner AND lease_until > @now AND call_started_at IS NULL AND due_at IS NOT NULL
        RETURNING {{Columns}};
        """;

    internal const string CompleteAttemptSql = $$"""
        UPDATE {schema}.sms_messages SET status = @status, provider = @provider, provider_account = @provider_account,
            provider_message_id = @provider_message_id, config_id = @config_id, from_number = @from_number,
            error_code = @error_code, error_message = @error_message, segments = @segments, price = @price, price_unit = @price_unit,
            sent_at = @sent_at, modified = @modified,
            due_at = NULL, lease_owner = NULL, lease_until = NULL, call_started_at = NULL
        WHERE id = @id AND attempt_token = @token
        RETURNING {{Columns}};
        """;

    internal const string ReleaseSql = $$"""
        UPDATE {schema}.sms_messages SET due_at = @due_at, status = 'queued',
            config_id = coalesce(@config_id, config_id), provider = coalesce(@provider, provider),
            provider_account = CASE WHEN @config_id IS NULL THEN provider_account ELSE @provider_account END,
            error_code = @error_code, error_message = @error_message, modified = @now,
            lease_owner = NULL, lease_until = NULL, call_started_at = NULL
        WHERE id = @id AND attempt_token = @token AND call_started_at IS NOT NULL
        RETURNING {{Columns}};
        """;

    // A cancel racing a claim waits for the claim's row lock and then re-checks the lease: exactly one of them wins.
    internal const string CancelSql = $$"""
        UPDATE {schema}.sms_messages SET status = 'canceled', due_at = NULL, modified = @now
        WHERE id = @id AND due_at IS NOT NULL AND call_started_at IS NULL AND (lease_until IS NULL OR lease_until < @now)
        RETURNING {{Columns}};
        """;

    // Two hosts recovering at once skip each other's rows (and rows whose call is completing right now) instead of
    // waiting on them in different orders.
    internal const string ResolveLapsedSql = $$"""
        WITH lapsed AS (
            SELECT id AS lapsed_id FROM {schema}.sms_messages
            WHERE call_started_at IS NOT NULL AND lease_until < @now
            ORDER BY lease_until, id
            FOR UPDATE SKIP LOCKED)
        UPDATE {schema}.sms_messages SET status = 'failed', error_code = @error_code, error_message = @error_message, modified = @now,
            due_at = NULL, lease_owner = NULL, lease_until = NULL, call_started_at = NULL
        FROM lapsed WHERE id = lapsed.lapsed_id
        RETURNING {{Columns}};
        """;

    // An unclaimed message is due at its due time; a claimed one that is not yet called becomes claimable by others when
    // its lease lapses. (Counting live claims as due now would make every other dispatcher poll without pause.)
    internal const string NextDueSql = """
        SELECT least(
            (SELECT due_at FROM {schema}.sms_messages
             WHERE due_at IS NOT NULL AND call_started_at IS NULL AND lease_until IS NULL ORDER BY due_at, id LIMIT 1),
            (SELECT min(greatest(due_at, lease_until)) FROM {schema}.sms_messages
             WHERE due_at IS NOT NULL AND call_started_at IS NULL AND lease_until IS NOT NULL));
        """;

    internal const string InsertBatchSql = """
        INSERT INTO {schema}.sms_batches (group_id, user_id, total, rejected, created) VALUES (@group_id, @user_id, @total, @rejected, @created) RETURNING id;
        """;

    internal const string SelectBatchSql = "SELECT id, group_id, user_id, total, rejected, created FROM {schema}.sms_batches WHERE id = @id;";

    internal const string BatchCountsSql = "SELECT status, count(*) AS n FROM {schema}.sms_messages WHERE batch_id = @id GROUP BY status;";

    private readonly PostgreSqlDatabase _database;
    private readonly string _insert;
    private readonly string _insertIfNew;
    private readonly string _update;
    private readonly string _advance;
    private readonly string _selectById;
    private readonly string _selectByProviderId;
    private readonly string _insertPending;
    private readonly string _takePending;
    private readonly string _deletePendingBefore;
    private readonly string _list;
    private readonly string _enqueue;
    private readonly string _selectByIdempotencyKey;
    private readonly string _lockIdempotencyKeys;
    private readonly string _claimDue;
    private readonly string _claimOne;
    private readonly string _startAttempt;
    private readonly string _completeAttempt;
    private readonly string _release;
    private readonly string _cancel;
    private readonly string _resolveLapsed;
    private readonly string _nextDue;
    private readonly string _insertBatch;
    private readonly string _selectBatch;
    private readonly string _batchCounts;

    public PostgreSqlSmsStore(PostgreSqlDatabase database)
    {
        _database = database;
        _insert = database.Qualify(InsertSql);
        _insertIfNew = database.Qualify(InsertIfNewSql);
        _update = database.Qualify(UpdateSql);
        _advance = database.Qualify(AdvanceSql);
        _selectById = database.Qualify(SelectByIdSql);
        _selectByProviderId = database.Qualify(SelectByProviderIdSql);
        _insertPending = database.Qualify(InsertPendingSql);
        _takePending = database.Qualify(TakePendingSql);
        _deletePendingBefore = database.Qualify(DeletePendingBeforeSql);
        _list = database.Qualify(ListSql);
        _enqueue = database.Qualify(EnqueueSql);
        _selectByIdempotencyKey = database.Qualify(SelectByIdempotencyKeySql);
        _lockIdempotencyKeys = database.Qualify(LockIdempotencyKeysSql);
        _claimDue = database.Qualify(ClaimDueSql);
        _claimOne = database.Qualify(ClaimOneSql);
        _startAttempt = database.Qualify(StartAttemptSql);
        _completeAttempt = database.Qualify(CompleteAttemptSql);
        _release = database.Qualify(ReleaseSql);
        _cancel = database.Qualify(CancelSql);
        _resolveLapsed = database.Qualify(ResolveLapsedSql);
        _nextDue = database.Qualify(NextDueSql);
        _insertBatch = database.Qualify(InsertBatchSql);
        _selectBatch = database.Qualify(SelectBatchSql);
        _batchCounts = database.Qualify(BatchCountsSql);
    }

    public async Task<SmsMessage> InsertAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = Row.From(message);
            row.id = await connection.QuerySingleAsync<long>(new CommandDefinition(_insert, row, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row.ToModel();
        }
        catch (PostgresException ex) when (IsUniqueViolation(ex, ProviderIdIndex))
        {
            throw new DuplicateMessageException(message.Provider ?? "", message.ProviderMessageId ?? "", ex);
        }
    }

    public async Task<(SmsMessage Message, bool Created)> InsertIfNewAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.Provider, "message.Provider");
        ArgumentException.ThrowIfNullOrEmpty(message.ProviderMessageId, "message.ProviderMessageId");
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = Row.From(message);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_insertIfNew, row, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (id is { } newId)
        {
            row.id = newId;
            return (row.ToModel(), true);
        }

        // This statement's snapshot is taken after the conflicting insert committed, so the row is visible.
        var existing = await connection.QuerySingleAsync<Row>(new CommandDefinition(
            _selectByProviderId,
            new { provider = message.Provider, provider_message_id = message.ProviderMessageId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (existing.ToModel(), false);
    }

    public async Task<SmsMessage?> UpdateAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_update, Row.From(message), cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToModel();
        }
        catch (PostgresException ex) when (IsUniqueViolation(ex, ProviderIdIndex))
        {
            throw new DuplicateMessageException(message.Provider ?? "", message.ProviderMessageId ?? "", ex);
        }
    }

    public async Task<(StatusUpdateOutcome Outcome, SmsMessage? Message)> AdvanceStatusAsync(SmsStatusReport report, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(report.Provider, "report.Provider");
        ArgumentException.ThrowIfNullOrEmpty(report.ProviderMessageId, "report.ProviderMessageId");
        var status = report.Status;

        // The statuses this report may move a message out of, by the same rule the service applies (CanMoveTo).
        var earlier = Enum.GetValues<SmsStatus>().Where(s => s.CanMoveTo(status)).Select(s => s.ToWireName()).ToArray();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var parameters = new
        {
            status = status.ToWireName(),
            error_code = report.ErrorCode,
            error_message = report.ErrorMessage,
            price = report.Price,
            price_unit = report.PriceUnit,

            // A report at or past "sent" (other than an outcome that was never sent) marks the first send time.
            marks_sent = !status.CanMoveTo(SmsStatus.Sent) && status is not SmsStatus.Failed and not SmsStatus.Canceled and not SmsStatus.Received,
            marks_delivered = status is SmsStatus.Delivered or SmsStatus.Read,
            at = ToDb(at),
            provider = report.Provider,
            provider_message_id = report.ProviderMessageId,
            earlier,
        };
        while (true)
        {
            var updated = earlier.Length == 0 ? null : await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_advance, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (updated is not null)
            {
                return (StatusUpdateOutcome.Updated, updated.ToModel());
            }

            var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                _selectByProviderId, new { provider = report.Provider, provider_message_id = report.ProviderMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (existing is null)
            {
                return (StatusUpdateOutcome.NotFound, null);
            }

            // The update's snapshot missed a send completion that stored this provider id while it ran (the new row version
            // was not yet committed, so there was nothing to wait for); the select's later snapshot sees it. When the report
            // moves that message forward it must not be dropped as stale: the update runs again and now sees the row.
            var current = existing.ToModel();
            if (!current.Status.CanMoveTo(status))
            {
                return (StatusUpdateOutcome.Ignored, current);
            }
        }
    }

    public async Task SavePendingStatusAsync(SmsStatusReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(_insertPending, PendingRow.From(report, receivedAt), cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SmsStatusReport>> TakePendingStatusesAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(providerMessageId);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<PendingRow>(new CommandDefinition(
            _takePending, new { provider, provider_message_id = providerMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.id).Select(r => r.ToModel())];
    }

    public async Task<int> DeletePendingStatusesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(_deletePendingBefore, new { cutoff = ToDb(cutoff) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<SmsEnqueueResult> EnqueueAsync(SmsEnqueue item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return (await EnqueueManyAsync([item], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<SmsEnqueueResult>> EnqueueManyAsync(IReadOnlyList<SmsEnqueue> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var rows = items.Select(EnqueueRow.From).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        // Two chunks holding the same keys in different orders would wait on each other's uncommitted keys (a deadlock).
        // So a chunk with several keys first locks them all in one global order (by lock key), and only then inserts in
        // its own order: whoever holds a key's lock is the only uncommitted inserter of it. (One key alone cannot close a
        // cycle.) Should PostgreSQL still abort the transaction to break a deadlock, it is run again whole: nothing leaves
        // the database before the commit (an inline send calls its provider only after this returns).
        var locks = IdempotencyLocks(rows);
        return await _database.InTransactionAsync<IReadOnlyList<SmsEnqueueResult>>(async (connection, transaction) =>
        {
            if (locks.Length > 1)
            {
                await connection.ExecuteAsync(new CommandDefinition(_lockIdempotencyKeys, new { locks }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            var results = new List<SmsEnqueueResult>(rows.Count);
            foreach (var row in rows)
            {
                var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_enqueue, row, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (id is { } newId)
                {
                    results.Add(new SmsEnqueueResult(row.ToModel() with { Id = newId }, true, row.request_hash));
                    continue;
                }

                // The unique index on (group, key) kept the first one; this statement's snapshot sees it committed.
                var existing = await connection.QuerySingleAsync<IdempotentRow>(new CommandDefinition(
                    _selectByIdempotencyKey, new { row.group_id, row.idempotency_key }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                results.Add(new SmsEnqueueResult(existing.ToModel(), false, existing.request_hash));
            }

            return results;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SmsMessage>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            _claimDue, new { owner, now = ToDb(now), lease_until = ToDb(leaseUntil), limit = Math.Max(1, limit) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.id).Select(r => r.ToModel())];
    }

    public Task<SmsMessage?> ClaimAsync(long messageId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteOneAsync(_claimOne, new { id = messageId, owner, now = ToDb(now), lease_until = ToDb(leaseUntil) }, cancellationToken);
    }

    public Task<SmsMessage?> StartAttemptAsync(long messageId, SmsAttempt attempt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return WriteOneAsync(_startAttempt, new { id = messageId, owner = attempt.Owner, token = attempt.Token, now = ToDb(now), lease_until = ToDb(attempt.LeaseUntil) }, cancellationToken);
    }

    public Task<SmsMessage?> CompleteAttemptAsync(SmsMessage message, string attemptToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(attemptToken);
        var row = Row.From(message);
        return WriteOneAsync(_completeAttempt, new
        {
            row.id,
            token = attemptToken,
            row.status,
            row.provider,
            row.provider_account,
            row.provider_message_id,
            row.config_id,
            row.from_number,
            row.error_code,
            row.error_message,
            row.segments,
            row.price,
            row.price_unit,
            row.sent_at,
            row.modified,
        }, cancellationToken);
    }

    public Task<SmsMessage?> ReleaseAsync(long messageId, string attemptToken, SmsRelease release, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentException.ThrowIfNullOrEmpty(attemptToken);
        return WriteOneAsync(_release, new
        {
            id = messageId,
            token = attemptToken,
            due_at = ToDb(release.DueAt),
            now = ToDb(now),
            config_id = release.ConfigId,
            provider = release.Provider,
            provider_account = release.ProviderAccount,
            error_code = release.ErrorCode,
            error_message = release.ErrorMessage,
        }, cancellationToken);
    }

    public async Task<(SmsCancelOutcome Outcome, SmsMessage? Message)> CancelAsync(long messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var canceled = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_cancel, new { id = messageId, now = ToDb(now) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (canceled is not null)
        {
            return (SmsCancelOutcome.Canceled, canceled.ToModel());
        }

        var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_selectById, new { id = messageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return existing is null ? (SmsCancelOutcome.NotFound, null) : (SmsCancelOutcome.NotCancelable, existing.ToModel());
    }

    public async Task<IReadOnlyList<SmsMessage>> ResolveLapsedAttemptsAsync(DateTimeOffset now, string errorCode, string errorMessage, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            _resolveLapsed, new { now = ToDb(now), error_code = errorCode, error_message = errorMessage }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.id).Select(r => r.ToModel())];
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var due = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(_nextDue, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return due is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
    }

    public async Task<SmsBatch> CreateBatchAsync(SmsBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var created = ToDb(batch.Created);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.QuerySingleAsync<long>(new CommandDefinition(_insertBatch, new
        {
            group_id = batch.Group,
            user_id = batch.User,
            total = batch.Total,
            rejected = batch.Rejected,
            created,
        }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return batch with { Id = id, Created = created };
    }

    public async Task<SmsBatchStatus?> GetBatchAsync(long batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var batch = await connection.QuerySingleOrDefaultAsync<BatchRow>(new CommandDefinition(_selectBatch, new { id = batchId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (batch is null)
        {
            return null;
        }

        var counts = await connection.QueryAsync<(string Status, long N)>(new CommandDefinition(_batchCounts, new { id = batchId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new SmsBatchStatus(batch.ToModel(), counts.ToDictionary(c => SmsStatuses.TryParse(c.Status, out var s) ? s : SmsStatus.Queued, c => (int)c.N));
    }

    /// <summary>The advisory lock keys of a chunk's idempotency keys, distinct and sorted: the one order every chunk takes them in.</summary>
    private long[] IdempotencyLocks(List<EnqueueRow> rows)
    {
        var keyed = rows.Where(r => r.idempotency_key is not null).ToList();
        if (keyed.Count < 2)
        {
            return [];
        }

        // A stable 64-bit hash of schema, group and key: the same in every process, and per schema so tenants' schemas
        // never wait on each other. Two keys sharing a hash merely take turns.
        var locks = keyed.Select(r =>
        {
            var text = string.Concat(_database.Schema, "\0", r.group_id ?? "", "\0", r.idempotency_key);
            return BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }).Distinct().ToArray();
        Array.Sort(locks);
        return locks;
    }

    private async Task<SmsMessage?> WriteOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<SmsMessage?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_selectById, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<SmsMessage?> FindByProviderIdAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            _selectByProviderId, new { provider, provider_message_id = providerMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<Page<SmsMessage>> ListAsync(SmsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = ClampLimit(query.Limit);
        var offset = Math.Max(0, query.Offset);
        var parameters = new
        {
            all_groups = query.AllGroups,
            group_id = query.Group,
            direction = query.Direction is null ? null : DirectionToDb(query.Direction.Value),
            status = query.Status?.ToWireName(),
            number = query.Number,
            created_from = ToDb(query.CreatedFrom),
            created_to = ToDb(query.CreatedTo),
            limit,
            offset,
        };
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(_list, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await results.ReadAsync<Row>().ConfigureAwait(false);
        var total = await results.ReadSingleAsync<long>().ConfigureAwait(false);
        return new Page<SmsMessage>([.. rows.Select(r => r.ToModel())], total, offset, limit);
    }

    private static string DirectionToDb(SmsDirection direction) => direction == SmsDirection.Inbound ? "inbound" : "outbound";

#pragma warning disable IDE1006, CA1707
    private class Row
    {
        public long id { get; set; }
        public string? group_id { get; set; }
        public string? user_id { get; set; }
        public long? config_id { get; set; }
        public string direction { get; set; } = "outbound";
        public string? from_number { get; set; }
        public string to_number { get; set; } = "";
        public string body { get; set; } = "";
        public string[]? media_urls { get; set; }
        public string status { get; set; } = "queued";
        public string? provider { get; set; }
        public string? provider_account { get; set; }
        public string? provider_message_id { get; set; }
        public string? error_code { get; set; }
        public string? error_message { get; set; }
        public string? metadata { get; set; }
        public int segments { get; set; }
        public decimal? price { get; set; }
        public string? price_unit { get; set; }
        public bool is_test { get; set; }
        public DateTimeOffset created { get; set; }
        public DateTimeOffset? sent_at { get; set; }
        public DateTimeOffset? delivered_at { get; set; }
        public DateTimeOffset modified { get; set; }
        public DateTimeOffset? send_at { get; set; }
        public int attempts { get; set; }
        public string? idempotency_key { get; set; }
        public long? batch_id { get; set; }

        public static Row From(SmsMessage m)
        {
            var row = new Row();
            row.Fill(m);
            return row;
        }

        protected void Fill(SmsMessage m)
        {
            id = m.Id;
            group_id = m.Group;
            user_id = m.User;
            config_id = m.ConfigId;
            direction = DirectionToDb(m.Direction);
            from_number = m.From;
            to_number = m.To;
            body = m.Body;
            media_urls = ListToDb(m.MediaUrls);
            status = m.Status.ToWireName();
            provider = m.Provider;
            provider_account = m.ProviderAccount;
            provider_message_id = m.ProviderMessageId;
            error_code = m.ErrorCode;
            error_message = m.ErrorMessage;
            metadata = MapToDb(m.Metadata);
            segments = m.Segments;
            price = m.Price;
            price_unit = m.PriceUnit;
            is_test = m.IsTest;
            created = ToDb(m.Created);
            sent_at = ToDb(m.SentAt);
            delivered_at = ToDb(m.DeliveredAt);
            modified = ToDb(m.Modified);
            send_at = ToDb(m.SendAt);
            attempts = m.Attempts;
            idempotency_key = m.IdempotencyKey;
            batch_id = m.BatchId;
        }

        public SmsMessage ToModel() => new()
        {
            Id = id,
            Group = group_id,
            User = user_id,
            ConfigId = config_id,
            Direction = direction == "inbound" ? SmsDirection.Inbound : SmsDirection.Outbound,
            From = from_number,
            To = to_number,
            Body = body,
            MediaUrls = ListFromDb(media_urls),
            Status = SmsStatuses.TryParse(status, out var s) ? s : SmsStatus.Queued,
            Provider = provider,
            ProviderAccount = provider_account,
            ProviderMessageId = provider_message_id,
            ErrorCode = error_code,
            ErrorMessage = error_message,
            Metadata = MapFromDb(metadata),
            Segments = segments,
            Price = price,
            PriceUnit = price_unit,
            IsTest = is_test,
            Created = created,
            SentAt = sent_at,
            DeliveredAt = delivered_at,
            Modified = modified,
            SendAt = send_at,
            Attempts = attempts,
            IdempotencyKey = idempotency_key,
            BatchId = batch_id,
        };
    }

    /// <summary>A row with its pipeline columns, for inserts.</summary>
    private sealed class EnqueueRow : Row
    {
        public DateTimeOffset due_at { get; set; }
        public string? request_hash { get; set; }
        public string? lease_owner { get; set; }
        public DateTimeOffset? lease_until { get; set; }
        public string? attempt_token { get; set; }
        public DateTimeOffset? call_started_at { get; set; }

        public static EnqueueRow From(SmsEnqueue item)
        {
            var row = new EnqueueRow();
            row.Fill(item.Message);
            row.due_at = ToDb(item.DueAt);
            row.request_hash = item.RequestHash;
            if (item.Attempt is { } attempt)
            {
                // Stored already claimed and with its call started: never handed to a dispatcher, resolved if the caller dies.
                row.lease_owner = attempt.Owner;
                row.lease_until = ToDb(attempt.LeaseUntil);
                row.attempt_token = attempt.Token;
                row.call_started_at = row.created;
                row.attempts = Math.Max(1, row.attempts);
            }

            return row;
        }
    }

    private sealed class IdempotentRow : Row
    {
        public string? request_hash { get; set; }
    }

    private sealed class BatchRow
    {
        public long id { get; set; }
        public string? group_id { get; set; }
        public string? user_id { get; set; }
        public int total { get; set; }
        public int rejected { get; set; }
        public DateTimeOffset created { get; set; }

        public SmsBatch ToModel() => new() { Id = id, Group = group_id, User = user_id, Total = total, Rejected = rejected, Created = created };
    }

    private sealed class PendingRow
    {
        public long id { get; set; }
        public string provider { get; set; } = "";
        public string provider_message_id { get; set; } = "";
        public string status { get; set; } = "";
        public string? error_code { get; set; }
        public string? error_message { get; set; }
        public decimal? price { get; set; }
        public string? price_unit { get; set; }
        public string? account { get; set; }
        public long? config_id { get; set; }
        public DateTimeOffset received_at { get; set; }

        public static PendingRow From(SmsStatusReport r, DateTimeOffset receivedAt) => new()
        {
            provider = r.Provider,
            provider_message_id = r.ProviderMessageId,
            status = r.Status.ToWireName(),
            error_code = r.ErrorCode,
            error_message = r.ErrorMessage,
            price = r.Price,
            price_unit = r.PriceUnit,
            account = r.Account,
            config_id = r.ConfigId,
            received_at = ToDb(receivedAt),
        };

        public SmsStatusReport ToModel() => new()
        {
            Provider = provider,
            ProviderMessageId = provider_message_id,
            Status = SmsStatuses.TryParse(status, out var s) ? s : SmsStatus.Queued,
            ErrorCode = error_code,
            ErrorMessage = error_message,
            Price = price,
            PriceUnit = price_unit,
            Account = account,
            ConfigId = config_id,
        };
    }
#pragma warning restore IDE1006, CA1707
}
