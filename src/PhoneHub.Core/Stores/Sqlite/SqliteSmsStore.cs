using Dapper;
using Microsoft.Data.Sqlite;
using PhoneHub.Messaging;
using static PhoneHub.Stores.Sqlite.SqliteValues;

namespace PhoneHub.Stores.Sqlite;

/// <summary>The SQLite implementation of <see cref="ISmsStore"/>.</summary>
/// <param name="database">The database.</param>
internal sealed class SqliteSmsStore(SqliteDatabase database) : ISmsStore, ISqliteStore
{
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
        "@error_code, @error_message, @metadata, @segments, @price, @price_unit, @is_test, @created, @sent_at, @delivered_at, @modified, " +
        "@send_at, @attempts, @idempotency_key, @batch_id";

    // Inserts return only the new id: every other column holds exactly the value bound, so the stored message is the
    // bound row read back through the same conversions, without the cost of selecting and mapping 23 columns.
    private const string Insert = $"INSERT INTO sms_messages ({InsertColumns}) VALUES ({InsertValues}) RETURNING id;";

    private const string InsertIfNew = $"""
        INSERT INTO sms_messages ({InsertColumns}) VALUES ({InsertValues})
        ON CONFLICT (provider, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
        RETURNING id;
        """;

    // A waiting message carries its due time; a claim (lease) and a started call are kept beside it, never in the model.
    private const string Enqueue = $"""
        INSERT INTO sms_messages ({InsertColumns}, due_at, request_hash, lease_owner, lease_until, attempt_token, call_started_at)
        VALUES ({InsertValues}, @due_at, @request_hash, @lease_owner, @lease_until, @attempt_token, @call_started_at)
        ON CONFLICT (ifnull(group_id, ''), idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING id;
        """;

    private const string SelectByIdempotencyKey =
        $"SELECT {Columns}, request_hash FROM sms_messages WHERE ifnull(group_id, '') = ifnull(@group_id, '') AND idempotency_key = @idempotency_key;";

    private const string ClaimDue = $"""
        UPDATE sms_messages SET lease_owner = @owner, lease_until = @lease_until,
            status = CASE WHEN status = 'scheduled' THEN 'queued' ELSE status END, modified = @now
        WHERE id IN (
            SELECT id FROM sms_messages
            WHERE due_at IS NOT NULL AND due_at <= @now AND call_started_at IS NULL AND (lease_until IS NULL OR lease_until < @now)
            ORDER BY due_at, id LIMIT @limit)
        RETURNING {Columns};
        """;

    private const string ClaimOne = $"""
        UPDATE sms_messages SET lease_owner = @owner, lease_until = @lease_until,
            status = CASE WHEN status = 'scheduled' THEN 'queued' ELSE status END, modified = @now
        WHERE id = @id AND due_at IS NOT NULL AND call_started_at IS NULL AND (lease_until IS NULL OR lease_until < @now)
        RETURNING {Columns};
        """;

    private const string StartAttempt = $"""
        UPDATE sms_messages SET call_started_at = @now, attempt_token = @token, lease_until = @lease_until, attempts = attempts + 1, modified = @now
        WHERE id = @id AND lease_owner = @owner AND lease_until > @now AND call_started_at IS NULL AND due_at IS NOT NULL
        RETURNING {Columns};
        """;

    private const string CompleteAttempt = $"""
        UPDATE sms_messages SET status = @status, provider = @provider, provider_account = @provider_account,
            provider_message_id = @provider_message_id, config_id = @config_id, from_number = @from_number,
            error_code = @error_code, error_message = @error_message, segments = @segments, price = @price, price_unit = @price_unit,
            sent_at = @sent_at, modified = @modified,
            due_at = NULL, lease_owner = NULL, lease_until = NULL, call_started_at = NULL
        WHERE id = @id AND attempt_token = @token
        RETURNING {Columns};
        """;

    private const string Release = $"""
        UPDATE sms_messages SET due_at = @due_at, status = 'queued',
            config_id = ifnull(@config_id, config_id), provider = ifnull(@provider, provider),
            provider_account = CASE WHEN @config_id IS NULL THEN provider_account ELSE @provider_account END,
            error_code = @error_code, error_message = @error_message, modified = @now,
            lease_owner = NULL, lease_until = NULL, call_started_at = NULL
        WHERE id = @id AND attempt_token = @token AND call_started_at IS NOT NULL
        RETURNING {Columns};
        """;

    private const string Cancel = $"""
        UPDATE sms_messages SET status = 'canceled', due_at = NULL, modified = @now
        WHERE id = @id AND due_at IS NOT NULL AND call_started_at IS NULL AND (lease_until IS NULL OR lease_until < @now)
        RETURNING {Columns};
        """;

    private const string ResolveLapsed = $"""
        UPDATE sms_messages SET status = 'failed', error_code = @error_code, error_message = @error_message, modified = @now,
            due_at = NULL, lease_owner = NULL, lease_until = NULL, call_started_at = NULL
        WHERE call_started_at IS NOT NULL AND lease_until < @now
        RETURNING {Columns};
        """;

    // A claimed message that is not yet called becomes claimable by others when its lease lapses; counting it as due at its
    // due time would make every other dispatcher poll without pause while the claimant waits for its sender's turn.
    private const string NextDue =
        "SELECT min(max(due_at, ifnull(lease_until, due_at))) FROM sms_messages WHERE due_at IS NOT NULL AND call_started_at IS NULL;";

    private const string InsertBatch = """
        INSERT INTO sms_batches (group_id, user_id, total, rejected, created) VALUES (@group_id, @user_id, @total, @rejected, @created) RETURNING id;
        """;

    private const string SelectBatch = "SELECT id, group_id, user_id, total, rejected, created FROM sms_batches WHERE id = @id;";

    private const string BatchCounts = "SELECT status, count(*) AS n FROM sms_messages WHERE batch_id = @id GROUP BY status;";

    private const string Update = $"""
        UPDATE sms_messages SET status = @status, provider = @provider, provider_account = @provider_account, provider_message_id = @provider_message_id,
            from_number = @from_number, error_code = @error_code, error_message = @error_message, segments = @segments,
            price = @price, price_unit = @price_unit, sent_at = @sent_at, delivered_at = @delivered_at, modified = @modified
        WHERE id = @id
        RETURNING {Columns};
        """;

    // The forward-only rule is in the WHERE clause, so two reports racing each other cannot move a message backwards.
    private const string Advance = $"""
        UPDATE sms_messages SET
            status = @status,
            error_code = CASE WHEN @error_code IS NULL THEN error_code ELSE @error_code END,
            error_message = CASE WHEN @error_message IS NULL THEN error_message ELSE @error_message END,
            sent_at = CASE WHEN sent_at IS NULL AND @marks_sent = 1 THEN @at ELSE sent_at END,
            delivered_at = CASE WHEN @marks_delivered = 1 THEN @at ELSE delivered_at END,
            price = CASE WHEN price IS NULL THEN @price ELSE price END,
            price_unit = CASE WHEN price IS NULL AND @price IS NOT NULL THEN @price_unit ELSE price_unit END,
            modified = @at
        WHERE provider = @provider AND provider_message_id = @provider_message_id AND status IN @earlier
        RETURNING {Columns};
        """;

    private const string SelectById = $"SELECT {Columns} FROM sms_messages WHERE id = @id;";

    private const string InsertPending = """
        INSERT INTO sms_status_reports (provider, provider_message_id, status, error_code, error_message, price, price_unit, account, config_id, received_at)
        VALUES (@provider, @provider_message_id, @status, @error_code, @error_message, @price, @price_unit, @account, @config_id, @received_at);
        """;

    private const string TakePending = """
        DELETE FROM sms_status_reports WHERE provider = @provider AND provider_message_id = @provider_message_id
        RETURNING id, provider, provider_message_id, status, error_code, error_message, price, price_unit, account, config_id, received_at;
        """;

    private const string SelectByProviderId =
        $"SELECT {Columns} FROM sms_messages WHERE provider = @provider AND provider_message_id = @provider_message_id;";

    private const string ListWhere = """
        WHERE (@all_groups = 1 OR ifnull(group_id, '') = ifnull(@group_id, ''))
          AND (@direction IS NULL OR direction = @direction)
          AND (@status IS NULL OR status = @status)
          AND (@number IS NULL OR to_number = @number OR from_number = @number)
          AND (@created_from IS NULL OR created >= @created_from)
          AND (@created_to IS NULL OR created < @created_to)
        """;

    private const string List = $"SELECT {Columns} FROM sms_messages {ListWhere} ORDER BY created DESC, id DESC LIMIT @limit OFFSET @offset;";
    private const string Count = $"SELECT count(*) FROM sms_messages {ListWhere};";

    public async Task<SmsMessage> InsertAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = Row.From(message);
        try
        {
            row.id = await database.WriteAsync((connection, transaction) =>
                connection.QuerySingleAsync<long>(new CommandDefinition(Insert, row, transaction)), cancellationToken).ConfigureAwait(false);
            return row.ToModel();
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            throw new DuplicateMessageException(message.Provider ?? "", message.ProviderMessageId ?? "", ex);
        }
    }

    public async Task<(SmsMessage Message, bool Created)> InsertIfNewAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.Provider, "message.Provider");
        ArgumentException.ThrowIfNullOrEmpty(message.ProviderMessageId, "message.ProviderMessageId");
        var row = Row.From(message);
        return await database.WriteAsync<(SmsMessage, bool)>(async (connection, transaction) =>
        {
            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(InsertIfNew, row, transaction)).ConfigureAwait(false);
            if (id is { } newId)
            {
                row.id = newId;
                return (row.ToModel(), true);
            }

            var existing = await connection.QuerySingleAsync<Row>(new CommandDefinition(
                SelectByProviderId, new { provider = message.Provider, provider_message_id = message.ProviderMessageId }, transaction)).ConfigureAwait(false);
            return (existing.ToModel(), false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SmsMessage?> UpdateAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parameters = Row.From(message);
        try
        {
            var row = await database.WriteAsync((connection, transaction) =>
                connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Update, parameters, transaction)), cancellationToken).ConfigureAwait(false);
            return row?.ToModel();
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
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
        var rank = SmsStatuses.Rank(status);
        var earlier = SmsStatuses.All.Where(s => s.Rank < rank).Select(s => s.Status.ToWireName()).ToArray();
        var parameters = new
            {
                status = status.ToWireName(),
                error_code = report.ErrorCode,
                error_message = report.ErrorMessage,
                price = ToDb(report.Price),
                price_unit = report.PriceUnit,
                marks_sent = rank >= SmsStatuses.Rank(SmsStatus.Sent) && status is not SmsStatus.Failed and not SmsStatus.Canceled and not SmsStatus.Received,
                marks_delivered = status is SmsStatus.Delivered or SmsStatus.Read,
                at = ToDb(at),
                provider = report.Provider,
                provider_message_id = report.ProviderMessageId,
                earlier,
            };
        return await database.WriteAsync<(StatusUpdateOutcome, SmsMessage?)>(async (connection, transaction) =>
        {
            var updated = earlier.Length == 0 ? null : await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Advance, parameters, transaction)).ConfigureAwait(false);
            if (updated is not null)
            {
                return (StatusUpdateOutcome.Updated, updated.ToModel());
            }

            var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                SelectByProviderId, new { provider = report.Provider, provider_message_id = report.ProviderMessageId }, transaction)).ConfigureAwait(false);
            return existing is null ? (StatusUpdateOutcome.NotFound, null) : (StatusUpdateOutcome.Ignored, existing.ToModel());
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task SavePendingStatusAsync(SmsStatusReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var row = PendingRow.From(report, receivedAt);
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(InsertPending, row, transaction)), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SmsStatusReport>> TakePendingStatusesAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(providerMessageId);
        var rows = await database.WriteAsync((connection, transaction) => connection.QueryAsync<PendingRow>(new CommandDefinition(
            TakePending, new { provider, provider_message_id = providerMessageId }, transaction)), cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.id).Select(r => r.ToModel())];
    }

    public async Task<int> DeletePendingStatusesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sms_status_reports WHERE received_at < @cutoff;", new { cutoff = ToDb(cutoff) }, transaction)), cancellationToken).ConfigureAwait(false);
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
        return await database.WriteAsync<IReadOnlyList<SmsEnqueueResult>>(async (connection, transaction) =>
        {
            var results = new List<SmsEnqueueResult>(rows.Count);
            foreach (var row in rows)
            {
                var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(Enqueue, row, transaction)).ConfigureAwait(false);
                if (id is { } newId)
                {
                    row.id = newId;
                    results.Add(new SmsEnqueueResult(row.ToModel(), true, row.request_hash));
                    continue;
                }

                // The unique index on (group, key) kept the first one: the caller gets that message back.
                var existing = await connection.QuerySingleAsync<IdempotentRow>(new CommandDefinition(
                    SelectByIdempotencyKey, new { row.group_id, row.idempotency_key }, transaction)).ConfigureAwait(false);
                results.Add(new SmsEnqueueResult(existing.ToModel(), false, existing.request_hash));
            }

            return results;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SmsMessage>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var parameters = new { owner, now = ToDb(now), lease_until = ToDb(leaseUntil), limit = Math.Max(1, limit) };
        var rows = await database.WriteAsync((connection, transaction) =>
            connection.QueryAsync<Row>(new CommandDefinition(ClaimDue, parameters, transaction)), cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.id).Select(r => r.ToModel())];
    }

    public Task<SmsMessage?> ClaimAsync(long messageId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        WriteOneAsync(ClaimOne, new { id = messageId, owner, now = ToDb(now), lease_until = ToDb(leaseUntil) }, cancellationToken);

    public Task<SmsMessage?> StartAttemptAsync(long messageId, SmsAttempt attempt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return WriteOneAsync(StartAttempt, new { id = messageId, owner = attempt.Owner, token = attempt.Token, now = ToDb(now), lease_until = ToDb(attempt.LeaseUntil) }, cancellationToken);
    }

    public Task<SmsMessage?> CompleteAttemptAsync(SmsMessage message, string attemptToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(attemptToken);
        var row = Row.From(message);
        return WriteOneAsync(CompleteAttempt, new
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
        return WriteOneAsync(Release, new
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

    public async Task<(SmsCancelOutcome Outcome, SmsMessage? Message)> CancelAsync(long messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.WriteAsync<(SmsCancelOutcome, SmsMessage?)>(async (connection, transaction) =>
        {
            var canceled = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Cancel, new { id = messageId, now = ToDb(now) }, transaction)).ConfigureAwait(false);
            if (canceled is not null)
            {
                return (SmsCancelOutcome.Canceled, canceled.ToModel());
            }

            var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { id = messageId }, transaction)).ConfigureAwait(false);
            return existing is null ? (SmsCancelOutcome.NotFound, null) : (SmsCancelOutcome.NotCancelable, existing.ToModel());
        }, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<SmsMessage>> ResolveLapsedAttemptsAsync(DateTimeOffset now, string errorCode, string errorMessage, CancellationToken cancellationToken = default)
    {
        var rows = await database.WriteAsync((connection, transaction) => connection.QueryAsync<Row>(new CommandDefinition(
            ResolveLapsed, new { now = ToDb(now), error_code = errorCode, error_message = errorMessage }, transaction)), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToModel())];
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return FromDb(await connection.ExecuteScalarAsync<long?>(new CommandDefinition(NextDue, cancellationToken: cancellationToken)).ConfigureAwait(false));
    }

    public async Task<SmsBatch> CreateBatchAsync(SmsBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var id = await database.WriteAsync((connection, transaction) => connection.QuerySingleAsync<long>(new CommandDefinition(InsertBatch, new
        {
            group_id = batch.Group,
            user_id = batch.User,
            total = batch.Total,
            rejected = batch.Rejected,
            created = ToDb(batch.Created),
        }, transaction)), cancellationToken).ConfigureAwait(false);
        return batch with { Id = id, Created = FromDb(ToDb(batch.Created)) };
    }

    public async Task<SmsBatchStatus?> GetBatchAsync(long batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var batch = await connection.QuerySingleOrDefaultAsync<BatchRow>(new CommandDefinition(SelectBatch, new { id = batchId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (batch is null)
        {
            return null;
        }

        var counts = await connection.QueryAsync<(string Status, long N)>(new CommandDefinition(BatchCounts, new { id = batchId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new SmsBatchStatus(batch.ToModel(), counts.ToDictionary(c => SmsStatuses.TryParse(c.Status, out var s) ? s : SmsStatus.Queued, c => (int)c.N));
    }

    private async Task<SmsMessage?> WriteOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var row = await database.WriteAsync((connection, transaction) =>
            connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, parameters, transaction)), cancellationToken).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<SmsMessage?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<SmsMessage?> FindByProviderIdAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectByProviderId, new { provider, provider_message_id = providerMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(List, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Count, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
        public string? media_urls { get; set; }
        public string status { get; set; } = "queued";
        public string? provider { get; set; }
        public string? provider_account { get; set; }
        public string? provider_message_id { get; set; }
        public string? error_code { get; set; }
        public string? error_message { get; set; }
        public string? metadata { get; set; }
        public long segments { get; set; }
        public string? price { get; set; }
        public string? price_unit { get; set; }
        public long is_test { get; set; }
        public long created { get; set; }
        public long? sent_at { get; set; }
        public long? delivered_at { get; set; }
        public long modified { get; set; }
        public long? send_at { get; set; }
        public long attempts { get; set; }
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
            price = ToDb(m.Price);
            price_unit = m.PriceUnit;
            is_test = ToDb(m.IsTest);
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
            Segments = (int)segments,
            Price = DecimalFromDb(price),
            PriceUnit = price_unit,
            IsTest = is_test != 0,
            Created = FromDb(created),
            SentAt = FromDb(sent_at),
            DeliveredAt = FromDb(delivered_at),
            Modified = FromDb(modified),
            SendAt = FromDb(send_at),
            Attempts = (int)attempts,
            IdempotencyKey = idempotency_key,
            BatchId = batch_id,
        };
    }

    /// <summary>A row with its pipeline columns, for inserts.</summary>
    private sealed class EnqueueRow : Row
    {
        public long due_at { get; set; }
        public string? request_hash { get; set; }
        public string? lease_owner { get; set; }
        public long? lease_until { get; set; }
        public string? attempt_token { get; set; }
        public long? call_started_at { get; set; }

        public static EnqueueRow From(SmsEnqueue item)
        {
            var row = new EnqueueRow();
            row.Fill(item.Message);
            row.due_at = ToDb(item.DueAt);
            row.request_hash = item.RequestHash;
            if (item.Attempt is { } attempt)
            {
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
        public long total { get; set; }
        public long rejected { get; set; }
        public long created { get; set; }

        public SmsBatch ToModel() => new() { Id = id, Group = group_id, User = user_id, Total = (int)total, Rejected = (int)rejected, Created = FromDb(created) };
    }

    private sealed class PendingRow
    {
        public long id { get; set; }
        public string provider { get; set; } = "";
        public string provider_message_id { get; set; } = "";
        public string status { get; set; } = "";
        public string? error_code { get; set; }
        public string? error_message { get; set; }
        public string? price { get; set; }
        public string? price_unit { get; set; }
        public string? account { get; set; }
        public long? config_id { get; set; }
        public long received_at { get; set; }

        public static PendingRow From(SmsStatusReport r, DateTimeOffset receivedAt) => new()
        {
            provider = r.Provider,
            provider_message_id = r.ProviderMessageId,
            status = r.Status.ToWireName(),
            error_code = r.ErrorCode,
            error_message = r.ErrorMessage,
            price = ToDb(r.Price),
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
            Price = DecimalFromDb(price),
            PriceUnit = price_unit,
            Account = account,
            ConfigId = config_id,
        };
    }
#pragma warning restore IDE1006, CA1707
}
