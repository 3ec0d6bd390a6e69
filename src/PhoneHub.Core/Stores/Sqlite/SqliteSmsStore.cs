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
        "error_code, error_message, metadata, segments, price, price_unit, is_test, created, sent_at, delivered_at, modified";

    private const string InsertColumns =
        "group_id, user_id, config_id, direction, from_number, to_number, body, media_urls, status, provider, provider_account, provider_message_id, " +
        "error_code, error_message, metadata, segments, price, price_unit, is_test, created, sent_at, delivered_at, modified";

    private const string InsertValues =
        "@group_id, @user_id, @config_id, @direction, @from_number, @to_number, @body, @media_urls, @status, @provider, @provider_account, @provider_message_id, " +
        "@error_code, @error_message, @metadata, @segments, @price, @price_unit, @is_test, @created, @sent_at, @delivered_at, @modified";

    // Inserts return only the new id: every other column holds exactly the value bound, so the stored message is the
    // bound row read back through the same conversions, without the cost of selecting and mapping 23 columns.
    private const string Insert = $"INSERT INTO sms_messages ({InsertColumns}) VALUES ({InsertValues}) RETURNING id;";

    private const string InsertIfNew = $"""
        INSERT INTO sms_messages ({InsertColumns}) VALUES ({InsertValues})
        ON CONFLICT (provider, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
        RETURNING id;
        """;

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
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = Row.From(message);
            row.id = await connection.QuerySingleAsync<long>(new CommandDefinition(Insert, row, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = Row.From(message);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(InsertIfNew, row, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (id is { } newId)
        {
            row.id = newId;
            return (row.ToModel(), true);
        }

        var existing = await connection.QuerySingleAsync<Row>(new CommandDefinition(
            SelectByProviderId,
            new { provider = message.Provider, provider_message_id = message.ProviderMessageId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (existing.ToModel(), false);
    }

    public async Task<SmsMessage?> UpdateAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Update, Row.From(message), cancellationToken: cancellationToken)).ConfigureAwait(false);
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
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var updated = earlier.Length == 0 ? null : await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Advance,
            new
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
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated is not null)
        {
            return (StatusUpdateOutcome.Updated, updated.ToModel());
        }

        var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectByProviderId, new { provider = report.Provider, provider_message_id = report.ProviderMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return existing is null ? (StatusUpdateOutcome.NotFound, null) : (StatusUpdateOutcome.Ignored, existing.ToModel());
    }

    public async Task SavePendingStatusAsync(SmsStatusReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(InsertPending, PendingRow.From(report, receivedAt), cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SmsStatusReport>> TakePendingStatusesAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(providerMessageId);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<PendingRow>(new CommandDefinition(
            TakePending, new { provider, provider_message_id = providerMessageId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.id).Select(r => r.ToModel())];
    }

    public async Task<int> DeletePendingStatusesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sms_status_reports WHERE received_at < @cutoff;", new { cutoff = ToDb(cutoff) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
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
            price = ToDb(m.Price),
            price_unit = m.PriceUnit,
            is_test = ToDb(m.IsTest),
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
            Segments = (int)segments,
            Price = DecimalFromDb(price),
            PriceUnit = price_unit,
            IsTest = is_test != 0,
            Created = FromDb(created),
            SentAt = FromDb(sent_at),
            DeliveredAt = FromDb(delivered_at),
            Modified = FromDb(modified),
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
