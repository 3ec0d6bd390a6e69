using Dapper;
using PhoneHub.Messaging;
using static PhoneHub.Stores.PostgreSql.PostgreSqlValues;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL implementation of <see cref="ISmsUsageStore"/>.</summary>
/// <remarks>The SQL is internal so the index tests can EXPLAIN exactly what the store runs (see README.md).</remarks>
internal sealed class PostgreSqlUsageStore : ISmsUsageStore, IPostgreSqlStore
{
    // Prices are numeric, so sums are exact; each is rounded to millionths first, as the store contract states.
    private const string Amount = "round(abs(price), 6)";

    // Sent in the period (by the partial index on group and sent time), or with a provider call in progress (by the
    // in-flight index). The two sets are disjoint: a completed call clears call_started_at when it sets sent_at.
    internal const string SpendSql = $$"""
        SELECT coalesce(sum(amount), 0) FROM (
            SELECT {{Amount}} AS amount FROM {schema}.sms_messages
            WHERE coalesce(group_id, '') = coalesce(@group_id, '') AND sent_at IS NOT NULL AND sent_at >= @since
              AND direction = 'outbound' AND NOT is_test AND price IS NOT NULL
            UNION ALL
            SELECT {{Amount}} AS amount FROM {schema}.sms_messages
            WHERE call_started_at IS NOT NULL AND coalesce(group_id, '') = coalesce(@group_id, '')
              AND direction = 'outbound' AND NOT is_test AND price IS NOT NULL) AS spent;
        """;

    private const string UsageColumns = $$"""
        SELECT (created AT TIME ZONE 'UTC')::date AS day, group_id, status, direction, provider, country, price_unit,
            count(*) AS messages, coalesce(sum(segments), 0) AS segments,
            coalesce(sum(CASE WHEN NOT is_test AND price IS NOT NULL THEN {{Amount}} END), 0) AS cost,
            coalesce(sum(CASE WHEN NOT is_test AND price IS NOT NULL AND price_estimated THEN {{Amount}} END), 0) AS estimated_cost
        FROM {schema}.sms_messages
        """;

    private const string UsageGroupBy = "GROUP BY 1, group_id, status, direction, provider, country, price_unit;";

    internal const string GroupUsageSql = $"{UsageColumns} WHERE coalesce(group_id, '') = coalesce(@group_id, '') AND created >= @from AND created < @to {UsageGroupBy}";

    internal const string AllUsageSql = $"{UsageColumns} WHERE created >= @from AND created < @to {UsageGroupBy}";

    // One statement for the whole flush; concurrent flushes of the same day and source add up (the row lock orders them).
    internal const string AddLookupsSql = """
        INSERT INTO {schema}.lookup_usage AS u (day, source, count)
        SELECT d, s, sum(c) FROM unnest(CAST(@days AS date[]), CAST(@sources AS text[]), CAST(@counts AS bigint[])) AS t (d, s, c) GROUP BY d, s ORDER BY d, s
        ON CONFLICT (day, source) DO UPDATE SET count = u.count + excluded.count;
        """;

    internal const string LookupsSql = "SELECT day, source, count FROM {schema}.lookup_usage WHERE day >= CAST(@from AS date) AND day <= CAST(@to AS date) ORDER BY day, source;";

    private readonly PostgreSqlDatabase _database;
    private readonly string _spend;
    private readonly string _groupUsage;
    private readonly string _allUsage;
    private readonly string _addLookups;
    private readonly string _lookups;

    public PostgreSqlUsageStore(PostgreSqlDatabase database)
    {
        _database = database;
        _spend = database.Qualify(SpendSql);
        _groupUsage = database.Qualify(GroupUsageSql);
        _allUsage = database.Qualify(AllUsageSql);
        _addLookups = database.Qualify(AddLookupsSql);
        _lookups = database.Qualify(LookupsSql);
    }

    public async Task<decimal> GetSpendAsync(string? group, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<decimal>(new CommandDefinition(
            _spend, new { group_id = group, since = ToDb(since) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SmsUsageRow>> GetMessageUsageAsync(SmsUsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UsageRow>(new CommandDefinition(
            query.AllGroups ? _allUsage : _groupUsage,
            new { group_id = query.Group, from = ToDb(query.From), to = ToDb(query.To) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToModel())];
    }

    public async Task AddLookupUsageAsync(IReadOnlyList<LookupUsage> usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (usage.Count == 0)
        {
            return;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(_addLookups, new
        {
            days = usage.Select(u => DayToDb(u.Day)).ToArray(),
            sources = usage.Select(u => u.Source).ToArray(),
            counts = usage.Select(u => u.Count).ToArray(),
        }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LookupUsage>> GetLookupUsageAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<LookupRow>(new CommandDefinition(
            _lookups, new { from = DayToDb(firstDay), to = DayToDb(lastDay) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new LookupUsage(r.day, r.source, r.count))];
    }

    // Npgsql reads a date as DateOnly, but Dapper binds no DateOnly parameter: days go in as midnight timestamps.
    private static DateTime DayToDb(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

#pragma warning disable IDE1006, CA1707
    private sealed class LookupRow
    {
        public DateOnly day { get; set; }
        public string source { get; set; } = "";
        public long count { get; set; }
    }

    private sealed class UsageRow
    {
        public DateOnly day { get; set; }
        public string? group_id { get; set; }
        public string status { get; set; } = "";
        public string direction { get; set; } = "";
        public string? provider { get; set; }
        public string? country { get; set; }
        public string? price_unit { get; set; }
        public long messages { get; set; }
        public long segments { get; set; }
        public decimal cost { get; set; }
        public decimal estimated_cost { get; set; }

        public SmsUsageRow ToModel() => new()
        {
            Day = day,
            Group = group_id,
            Status = SmsStatuses.TryParse(status, out var s) ? s : SmsStatus.Queued,
            Direction = direction == "inbound" ? SmsDirection.Inbound : SmsDirection.Outbound,
            Provider = provider,
            Country = country,
            Currency = price_unit,
            Messages = messages,
            Segments = segments,
            Cost = cost,
            EstimatedCost = estimated_cost,
        };
    }
#pragma warning restore IDE1006, CA1707
}
