using Dapper;
using PhoneHub.Verification;
using static PhoneHub.Stores.Sqlite.SqliteValues;

namespace PhoneHub.Stores.Sqlite;

/// <summary>The SQLite implementation of <see cref="IVerificationStore"/>; decisions are conditional statements inside one write.</summary>
/// <param name="database">The database.</param>
internal sealed class SqliteVerificationStore(SqliteDatabase database) : IVerificationStore, ISqliteStore
{
    private const string Columns =
        "id, group_id, phone_number, country, prefix, status, code_length, code_salt, code_hash, checks, sends, message_id, created, expires_at, approved_at, modified";

    private const string SelectById = $"SELECT {Columns} FROM verifications WHERE id = @id;";

    private const string SelectLatest = $"""
        SELECT {Columns} FROM verifications
        WHERE ifnull(group_id, '') = ifnull(@group_id, '') AND phone_number = @phone_number
        ORDER BY id DESC LIMIT 1;
        """;

    private const string SendsInWindow = """
        SELECT count(*) AS count, min(sent_at) AS oldest FROM verification_sends
        WHERE ifnull(group_id, '') = ifnull(@group_id, '') AND phone_number = @phone_number AND sent_at > @window_start;
        """;

    // Sends that left the window no longer count for anything: dropped for this number on each start.
    private const string PruneSends = """
        DELETE FROM verification_sends
        WHERE ifnull(group_id, '') = ifnull(@group_id, '') AND phone_number = @phone_number AND sent_at <= @window_start;
        """;

    private const string Resend = $"""
        UPDATE verifications SET code_length = @code_length, code_salt = @code_salt, code_hash = @code_hash, sends = sends + 1, modified = @now
        WHERE id = (SELECT id FROM verifications
                    WHERE ifnull(group_id, '') = ifnull(@group_id, '') AND phone_number = @phone_number
                      AND status = 'pending' AND expires_at > @now
                    ORDER BY id DESC LIMIT 1)
        RETURNING {Columns};
        """;

    private const string Insert = $"""
        INSERT INTO verifications (group_id, phone_number, country, prefix, status, code_length, code_salt, code_hash, checks, sends, created, expires_at, modified)
        VALUES (@group_id, @phone_number, @country, @prefix, 'pending', @code_length, @code_salt, @code_hash, 0, 1, @now, @expires_at, @now)
        RETURNING {Columns};
        """;

    private const string RecordSend = """
        INSERT INTO verification_sends (group_id, phone_number, verification_id, sent_at) VALUES (@group_id, @phone_number, @verification_id, @now);
        """;

    private const string CountCheck = """
        UPDATE verifications SET checks = checks + 1, modified = @now
        WHERE id = @id AND status = 'pending' AND expires_at > @now AND checks < @max_checks
        RETURNING checks;
        """;

    private const string Approve = $"""
        UPDATE verifications SET status = 'approved', approved_at = @now, modified = @now
        WHERE id = @id AND status = 'pending' AND expires_at > @now AND code_salt = @code_salt
        RETURNING {Columns};
        """;

    private const string AttemptsUsed = """
        UPDATE verifications SET status = 'max_attempts_reached', modified = @now
        WHERE id = @id AND status = 'pending' AND checks >= @max_checks;
        """;

    private const string SetMessage = "UPDATE verifications SET message_id = @message_id, modified = @now WHERE id = @id;";

    private const string Cancel = $"""
        UPDATE verifications SET status = 'canceled', modified = @now WHERE id = @id AND status = 'pending'
        RETURNING {Columns};
        """;

    private const string Conversion = """
        SELECT CASE WHEN @by_prefix = 1 THEN prefix ELSE ifnull(country, '') END AS key,
               count(*) AS started,
               sum(CASE WHEN status = 'approved' THEN 1 ELSE 0 END) AS approved
        FROM verifications
        WHERE (@all_groups = 1 OR ifnull(group_id, '') = ifnull(@group_id, ''))
          AND (@from IS NULL OR created >= @from)
          AND (@to IS NULL OR created < @to)
        GROUP BY 1
        ORDER BY started DESC, key
        LIMIT 500;
        """;

    public async Task<VerificationStartRecord> StartAsync(VerificationStartWrite start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        var parameters = new
        {
            group_id = start.Group,
            phone_number = start.PhoneNumber,
            country = start.Country,
            prefix = start.Prefix,
            code_length = start.CodeLength,
            code_salt = start.CodeSalt,
            code_hash = start.CodeHash,
            now = ToDb(start.Now),
            expires_at = ToDb(start.ExpiresAt),
            window_start = ToDb(start.WindowStart),
        };

        // One write on the single writer, inside its transaction: the count and the send it allows cannot interleave
        // with another start (in this process or, through BEGIN IMMEDIATE, another).
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var window = await connection.QuerySingleAsync<WindowRow>(new CommandDefinition(SendsInWindow, parameters, transaction)).ConfigureAwait(false);
            if (window.count >= start.MaxStarts)
            {
                return new VerificationStartRecord(null, false, FromDb(window.oldest));
            }

            await connection.ExecuteAsync(new CommandDefinition(PruneSends, parameters, transaction)).ConfigureAwait(false);
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Resend, parameters, transaction)).ConfigureAwait(false);
            var resent = row is not null;
            row ??= await connection.QuerySingleAsync<Row>(new CommandDefinition(Insert, parameters, transaction)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(RecordSend, new { parameters.group_id, parameters.phone_number, verification_id = row.id, parameters.now }, transaction)).ConfigureAwait(false);
            return new VerificationStartRecord(row.ToModel(), resent, null);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredVerification?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToStored();
    }

    public async Task<StoredVerification?> FindLatestAsync(string? group, string phoneNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumber);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectLatest, new { group_id = group, phone_number = phoneNumber }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToStored();
    }

    public async Task<int?> TryCountCheckAsync(long id, int maxChecks, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var parameters = new { id, max_checks = maxChecks, now = ToDb(now) };
        var checks = await database.WriteAsync((connection, transaction) =>
            connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(CountCheck, parameters, transaction)), cancellationToken).ConfigureAwait(false);
        return checks is null ? null : (int)checks.Value;
    }

    public async Task<PhoneVerification?> TryApproveAsync(long id, byte[] codeSalt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeSalt);
        var parameters = new { id, code_salt = codeSalt, now = ToDb(now) };
        var row = await database.WriteAsync((connection, transaction) =>
            connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Approve, parameters, transaction)), cancellationToken).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task MarkAttemptsUsedAsync(long id, int maxChecks, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var parameters = new { id, max_checks = maxChecks, now = ToDb(now) };
        await database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync(new CommandDefinition(AttemptsUsed, parameters, transaction)), cancellationToken).ConfigureAwait(false);
    }

    public async Task SetMessageAsync(long id, long messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var parameters = new { id, message_id = messageId, now = ToDb(now) };
        await database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync(new CommandDefinition(SetMessage, parameters, transaction)), cancellationToken).ConfigureAwait(false);
    }

    public async Task<PhoneVerification?> CancelAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var parameters = new { id, now = ToDb(now) };
        var row = await database.WriteAsync(async (connection, transaction) =>
            await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Cancel, parameters, transaction)).ConfigureAwait(false)
            ?? await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { id }, transaction)).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<IReadOnlyList<VerificationConversion>> GetConversionAsync(VerificationConversionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new
        {
            by_prefix = ToDb(query.ByPrefix),
            all_groups = ToDb(query.AllGroups),
            group_id = query.Group,
            from = ToDb(query.From),
            to = ToDb(query.To),
        };
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ConversionRow>(new CommandDefinition(Conversion, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new VerificationConversion(r.key, r.started, r.approved))];
    }

    private static VerificationStatus StatusFromDb(string status) => status switch
    {
        "pending" => VerificationStatus.Pending,
        "approved" => VerificationStatus.Approved,
        "canceled" => VerificationStatus.Canceled,
        "max_attempts_reached" => VerificationStatus.MaxAttemptsReached,
        _ => throw new InvalidOperationException($"Unknown verification status '{status}' in the store."),
    };

    // Property names are the column names, so Dapper maps them without any process-wide configuration.
#pragma warning disable IDE1006, CA1707, CA1819
    private sealed class WindowRow
    {
        public long count { get; set; }
        public long? oldest { get; set; }
    }

    private sealed class ConversionRow
    {
        public string key { get; set; } = "";
        public long started { get; set; }
        public long approved { get; set; }
    }

    private sealed class Row
    {
        public long id { get; set; }
        public string? group_id { get; set; }
        public string phone_number { get; set; } = "";
        public string? country { get; set; }
        public string prefix { get; set; } = "";
        public string status { get; set; } = "";
        public long code_length { get; set; }
        public byte[] code_salt { get; set; } = [];
        public byte[] code_hash { get; set; } = [];
        public long checks { get; set; }
        public long sends { get; set; }
        public long? message_id { get; set; }
        public long created { get; set; }
        public long expires_at { get; set; }
        public long? approved_at { get; set; }
        public long modified { get; set; }

        public StoredVerification ToStored() => new(ToModel(), code_salt, code_hash);

        public PhoneVerification ToModel() => new()
        {
            Id = id,
            Group = group_id,
            PhoneNumber = phone_number,
            Country = country,
            Prefix = prefix,
            Status = StatusFromDb(status),
            CodeLength = (int)code_length,
            Checks = (int)checks,
            Sends = (int)sends,
            MessageId = message_id,
            Created = FromDb(created),
            ExpiresAt = FromDb(expires_at),
            ApprovedAt = FromDb(approved_at),
            Modified = FromDb(modified),
        };
    }
#pragma warning restore IDE1006, CA1707, CA1819
}
