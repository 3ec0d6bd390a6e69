using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Guards;
using PhoneHub.Stores;

namespace PhoneHub.Reports;

/// <summary>The default <see cref="ISmsReportService"/>: totals from the usage store, grouped here by the dimensions asked for.</summary>
internal sealed class SmsReportService(
    ISmsUsageStore usage,
    IPhoneConfigService configs,
    LookupUsageFlusher lookups,
    IOptions<SendGuardOptions> options,
    TimeProvider time) : ISmsReportService
{
    private const int MaxDays = 366;

    public async Task<MessageReport> GetMessagesAsync(MessageReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.To <= query.From || query.To - query.From > TimeSpan.FromDays(MaxDays))
        {
            throw new PhoneHubValidationException("to", $"The period must end after it starts and span at most {MaxDays} days.");
        }

        var dimensions = (query.GroupBy ?? []).Distinct().ToArray();
        var rows = await usage.GetMessageUsageAsync(new SmsUsageQuery { Group = query.Group, AllGroups = query.AllGroups, From = query.From, To = query.To }, cancellationToken).ConfigureAwait(false);
        var grouped = rows
            .GroupBy(r => new MessageReportRow
            {
                Day = dimensions.Contains(MessageReportDimension.Day) ? r.Day : null,
                Group = dimensions.Contains(MessageReportDimension.Group) ? r.Group : null,
                Status = dimensions.Contains(MessageReportDimension.Status) ? r.Status : null,
                Direction = dimensions.Contains(MessageReportDimension.Direction) ? r.Direction : null,
                Provider = dimensions.Contains(MessageReportDimension.Provider) ? r.Provider : null,
                Country = dimensions.Contains(MessageReportDimension.Country) ? r.Country : null,
            }, KeyComparer.Instance)
            .Select(g => Sum(g.Key, g))
            .OrderBy(r => r.Day).ThenBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Status).ThenBy(r => r.Direction)
            .ThenBy(r => r.Provider, StringComparer.Ordinal).ThenBy(r => r.Country, StringComparer.Ordinal)
            .ToList();
        return new MessageReport(query with { GroupBy = dimensions }, grouped, Sum(new MessageReportRow(), rows));
    }

    public async Task<LookupReport> GetLookupsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        if (lastDay < firstDay || lastDay.DayNumber - firstDay.DayNumber >= MaxDays)
        {
            throw new PhoneHubValidationException("to", $"The period must not end before it starts and span at most {MaxDays} days.");
        }

        await lookups.FlushAsync(cancellationToken).ConfigureAwait(false);
        var counts = (await usage.GetLookupUsageAsync(firstDay, lastDay, cancellationToken).ConfigureAwait(false))
            .GroupBy(u => u.Source, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(u => u.Count), StringComparer.Ordinal);
        long Count(string source) => counts.GetValueOrDefault(source);
        var hits = Count("memory") + Count("store");
        var asked = hits + Count("provider");
        var price = options.Value.LookupPrice;
        return new LookupReport
        {
            From = firstDay,
            To = lastDay,
            Memory = Count("memory"),
            Store = Count("store"),
            Provider = Count("provider"),
            Metadata = Count("metadata"),
            Test = Count("test"),
            HitRatio = asked == 0 ? null : (double)hits / asked,
            LookupPrice = price,
            Spent = price * Count("provider"),
            Saved = price * hits,
            Currency = price is null ? null : options.Value.Currency,
        };
    }

    public async Task<SpendReport> GetSpendAsync(string? group, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var limits = (await configs.TryResolveAsync(group, cancellationToken).ConfigureAwait(false))?.Guards.Spend ?? new Guards.Spend.SpendSettings();
        return new SpendReport
        {
            Group = group,
            DayStart = day,
            Today = await usage.GetSpendAsync(group, day, cancellationToken).ConfigureAwait(false),
            DailyLimit = limits.DailyLimit,
            MonthStart = month,
            ThisMonth = await usage.GetSpendAsync(group, month, cancellationToken).ConfigureAwait(false),
            MonthlyLimit = limits.MonthlyLimit,
            AtLimit = limits.AtLimit,
            Currency = options.Value.Currency,
        };
    }

    private static MessageReportRow Sum(MessageReportRow key, IEnumerable<SmsUsageRow> rows)
    {
        long messages = 0, segments = 0;
        var cost = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        var estimated = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            messages += row.Messages;
            segments += row.Segments;
            if (row.Currency is { } currency && (row.Cost != 0 || row.EstimatedCost != 0))
            {
                cost[currency] = cost.GetValueOrDefault(currency) + row.Cost;
                estimated[currency] = estimated.GetValueOrDefault(currency) + row.EstimatedCost;
            }
        }

        return key with { Messages = messages, Segments = segments, Cost = cost, EstimatedCost = estimated };
    }

    /// <summary>Compares rows by their dimensions only.</summary>
    private sealed class KeyComparer : IEqualityComparer<MessageReportRow>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(MessageReportRow? x, MessageReportRow? y) =>
            x is not null && y is not null && x.Day == y.Day && x.Group == y.Group && x.Status == y.Status && x.Direction == y.Direction
            && x.Provider == y.Provider && x.Country == y.Country;

        public int GetHashCode(MessageReportRow obj) => HashCode.Combine(obj.Day, obj.Group, obj.Status, obj.Direction, obj.Provider, obj.Country);
    }
}
