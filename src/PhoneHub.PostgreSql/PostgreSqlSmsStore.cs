using Dapper;
using Npgsql;
using PhoneHub.Messaging;
using static PhoneHub.Stores.PostgreSql.PostgreSqlValues;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL implementation of <see cref="ISmsStore"/>.</summary>
/// <remarks>The SQL is internal so the index tests can EXPLAIN exactly what the store runs (see README.md).</remarks>
internal sealed class PostgreSqlSmsStore : ISmsStore
{
    private const string ProviderIdIndex = "ux_sms_messages_provider_id";

    private const string Columns =
        "id, group_id, user_id, config_id, direction, from_number, to_number, body, media_urls, status, provider, provider_account, provider_message_id, " +
        "error_code, error_message, metadata, segments, price, price_unit, is_test, created, sent_at, delivered_at, modified";

    private const string InsertColumns =
        "group_id, user_id, config_id, direction, from_number, to_number, body, media_urls, status, provider, provider_account, provider_message_id, " +
        "error_code, error_message, metadata, segments, price, price_unit, is_test, created, sent_at, delivered_at, modified";

    private const string InsertValues =
        "@group_id, @user_id, @config_id, @direction, @from_number, @to_number, @body, @media_urls, @status, @provider, @provider_account, @provider_message_id, " +
        "@error_code, @error_message, CAST(@metadata AS jsonb), @segments, @price, @price_unit, @is_test, @created, @sent_at, @delivered_at, @modified";

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
        var updated = earlier.Length == 0 ? null : await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            _advance,
            new
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
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated is not null)
        {
            return (StatusUpdateOutcome.Updated, updated.ToModel());
        }

        var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            _selectByProviderId, new { provider = report.Provider, provider_message_id = report.ProviderMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return existing is null ? (StatusUpdateOutcome.NotFound, null) : (StatusUpdateOutcome.Ignored, existing.ToModel());
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
    private sealed class Row
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

        public static Row From(SmsMessage m) => new()
        {
            id = m.Id,
            group_id = m.Group,
            user_id = m.User,
            config_id = m.ConfigId,
            direction = DirectionToDb(m.Direction),
            from_number = m.From,
            to_number = m.To,
            body = m.Body,
            media_urls = ListToDb(m.MediaUrls),
            status = m.Status.ToWireName(),
            provider = m.Provider,
            provider_account = m.ProviderAccount,
            provider_message_id = m.ProviderMessageId,
            error_code = m.ErrorCode,
            error_message = m.ErrorMessage,
            metadata = MapToDb(m.Metadata),
            segments = m.Segments,
            price = m.Price,
            price_unit = m.PriceUnit,
            is_test = m.IsTest,
            created = ToDb(m.Created),
            sent_at = ToDb(m.SentAt),
            delivered_at = ToDb(m.DeliveredAt),
            modified = ToDb(m.Modified),
        };

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
        };
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
