using Dapper;
using PhoneHub.Messaging;
using static PhoneHub.Stores.Sqlite.SqliteValues;

namespace PhoneHub.Stores.Sqlite;

/// <summary>The SQLite implementation of <see cref="ISmsUsageStore"/>.</summary>
/// <param name="database">The database.</param>
internal sealed class SqliteUsageStore(SqliteDatabase database) : ISmsUsageStore, ISqliteStore
{
    // Prices are decimal text; summed as whole millionths so the totals are exact (REAL only carries each value to round).
    private const string Micros = "CAST(round(abs(CAST(price AS REAL)) * 1000000) AS INTEGER)";

    // Sent in the period (by the partial index on group and sent time), or with a provider call in progress (by the
    // in-flight index). The two sets are disjoint: a completed call clears call_started_at when it sets sent_at.
    private const string Spend = $"""
        SELECT ifnull(sum(micros), 0) FROM (
            SELECT {Micros} AS micros FROM sms_messages
            WHERE group_id IS @group_id AND sent_at IS NOT NULL AND sent_at >= @since
              AND direction = 'outbound' AND is_test = 0 AND price IS NOT NULL
            UNION ALL
            SELECT {Micros} AS micros FROM sms_messages
            WHERE call_started_at IS NOT NULL AND group_id IS @group_id
              AND direction = 'outbound' AND is_test = 0 AND price IS NOT NULL);
        """;

    private const string UsageColumns = $"""
        SELECT created / 86400000 AS day, group_id, status, direction, provider, country, price_unit,
            count(*) AS messages, sum(segments) AS segments,
            sum(CASE WHEN is_test = 0 AND price IS NOT NULL THEN {Micros} ELSE 0 END) AS cost_micros,
            sum(CASE WHEN is_test = 0 AND price IS NOT NULL AND price_estimated = 1 THEN {Micros} ELSE 0 END) AS estimated_micros
        FROM sms_messages
        """;

    private const string UsageGroupBy = "GROUP BY day, group_id, status, direction, provider, country, price_unit;";

    private const string GroupUsage = $"{UsageColumns} WHERE group_id IS @group_id AND created >= @from AND created < @to {UsageGroupBy}";

    private const string AllUsage = $"{UsageColumns} WHERE created >= @from AND created < @to {UsageGroupBy}";

    private const string AddLookups = """
        INSERT INTO lookup_usage (day, source, count) VALUES (@day, @source, @count)
        ON CONFLICT (day, source) DO UPDATE SET count = count + excluded.count;
        """;

    private const string Lookups = "SELECT day, source, count FROM lookup_usage WHERE day >= @from AND day <= @to ORDER BY day, source;";

    public async Task<decimal> GetSpendAsync(string? group, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var micros = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Spend, new { group_id = group, since = ToDb(since) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return FromMicros(micros);
    }

    public async Task<IReadOnlyList<SmsUsageRow>> GetMessageUsageAsync(SmsUsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UsageRow>(new CommandDefinition(
            query.AllGroups ? AllUsage : GroupUsage,
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

        var rows = usage.Select(u => new { day = DayToDb(u.Day), source = u.Source, count = u.Count }).ToList();
        await database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var row in rows)
            {
                await connection.ExecuteAsync(new CommandDefinition(AddLookups, row, transaction)).ConfigureAwait(false);
            }

            return rows.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LookupUsage>> GetLookupUsageAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Day, string Source, long Count)>(new CommandDefinition(
            Lookups, new { from = DayToDb(firstDay), to = DayToDb(lastDay) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new LookupUsage(DayFromDb(r.Day), r.Source, r.Count))];
    }

#pragma warning disable IDE1006, CA1707
    private sealed class UsageRow
    {
        public long day { get; set; }
        public string? group_id { get; set; }
        public string status { get; set; } = "";
        public string direction { get; set; } = "";
        public string? provider { get; set; }
        public string? country { get; set; }
        public string? price_unit { get; set; }
        public long messages { get; set; }
        public long segments { get; set; }
        public long cost_micros { get; set; }
        public long estimated_micros { get; set; }

        public SmsUsageRow ToModel() => new()
        {
            Day = DayFromDb(day),
            Group = group_id,
            Status = SmsStatuses.TryParse(status, out var s) ? s : SmsStatus.Queued,
            Direction = direction == "inbound" ? SmsDirection.Inbound : SmsDirection.Outbound,
            Provider = provider,
            Country = country,
            Currency = price_unit,
            Messages = messages,
            Segments = segments,
            Cost = FromMicros(cost_micros),
            EstimatedCost = FromMicros(estimated_micros),
        };
    }
#pragma warning restore IDE1006, CA1707
}
