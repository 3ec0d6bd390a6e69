using PhoneHub.Messaging;

namespace PhoneHub.Reports;

/// <summary>
/// Figures over what PhoneHub stored: messages (counts, segments, cost) by day, group, status, direction, provider and
/// country; lookups by where the answer came from, with the money the cache saved; a group's spend against its limits.
/// Days are UTC.
/// </summary>
public interface ISmsReportService
{
    /// <summary>Message counts, segments and cost, grouped as <see cref="MessageReportQuery.GroupBy"/> says.</summary>
    /// <param name="query">Which messages and how to group them.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The report.</returns>
    /// <exception cref="PhoneHubValidationException">The period is empty, reversed or longer than 366 days.</exception>
    Task<MessageReport> GetMessagesAsync(MessageReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lookups answered from memory, from the store and by the provider on the days of the period (all groups: the
    /// cache is shared), the hit ratio, and what they cost and saved at <see cref="Guards.SendGuardOptions.LookupPrice"/>.
    /// This process's counts not yet stored are included.
    /// </summary>
    /// <param name="firstDay">The first day.</param>
    /// <param name="lastDay">The last day (included).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The report.</returns>
    /// <exception cref="PhoneHubValidationException">The period is reversed or longer than 366 days.</exception>
    Task<LookupReport> GetLookupsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);

    /// <summary>What a group spent today and this month (UTC), against the limits of the config that applies to it.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The spend.</returns>
    Task<SpendReport> GetSpendAsync(string? group, CancellationToken cancellationToken = default);
}

/// <summary>What a message report covers.</summary>
public sealed record MessageReportQuery
{
    /// <summary>Only this group's messages (<see langword="null"/>: messages without a group), unless <see cref="AllGroups"/>.</summary>
    public string? Group { get; init; }

    /// <summary>Every group's messages.</summary>
    public bool AllGroups { get; init; }

    /// <summary>Created at or after this time.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Created before this time.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>The dimensions of the rows; none gives one row of totals. Default: day.</summary>
    public IReadOnlyList<MessageReportDimension> GroupBy { get; init; } = [MessageReportDimension.Day];
}

/// <summary>What a message report's rows are grouped by.</summary>
public enum MessageReportDimension
{
    /// <summary>The UTC day the message was created.</summary>
    Day = 1,

    /// <summary>The group.</summary>
    Group,

    /// <summary>The status.</summary>
    Status,

    /// <summary>Inbound or outbound.</summary>
    Direction,

    /// <summary>The provider.</summary>
    Provider,

    /// <summary>The recipient's (outbound) or sender's (inbound) country.</summary>
    Country,
}

/// <summary>A message report.</summary>
/// <param name="Query">What it covers.</param>
/// <param name="Rows">One row per combination of the dimensions that has messages, ordered by them.</param>
/// <param name="Totals">All rows together.</param>
public sealed record MessageReport(MessageReportQuery Query, IReadOnlyList<MessageReportRow> Rows, MessageReportRow Totals);

/// <summary>One row of a message report; the dimensions not grouped by are <see langword="null"/>.</summary>
public sealed record MessageReportRow
{
    /// <summary>The day, when grouped by day.</summary>
    public DateOnly? Day { get; init; }

    /// <summary>The group, when grouped by group (<see langword="null"/> also for messages without a group).</summary>
    public string? Group { get; init; }

    /// <summary>The status, when grouped by status.</summary>
    public SmsStatus? Status { get; init; }

    /// <summary>The direction, when grouped by direction.</summary>
    public SmsDirection? Direction { get; init; }

    /// <summary>The provider, when grouped by provider.</summary>
    public string? Provider { get; init; }

    /// <summary>The country, when grouped by country.</summary>
    public string? Country { get; init; }

    /// <summary>Messages.</summary>
    public long Messages { get; init; }

    /// <summary>Their segments.</summary>
    public long Segments { get; init; }

    /// <summary>What they cost, by currency (absolute amounts; test-mode messages cost nothing).</summary>
    public IReadOnlyDictionary<string, decimal> Cost { get; init; } = new Dictionary<string, decimal>();

    /// <summary>The part of <see cref="Cost"/> that is PhoneHub's estimate, by currency.</summary>
    public IReadOnlyDictionary<string, decimal> EstimatedCost { get; init; } = new Dictionary<string, decimal>();
}

/// <summary>A lookup report.</summary>
public sealed record LookupReport
{
    /// <summary>The first day.</summary>
    public DateOnly From { get; init; }

    /// <summary>The last day.</summary>
    public DateOnly To { get; init; }

    /// <summary>Answers from the process's memory tier.</summary>
    public long Memory { get; init; }

    /// <summary>Answers from the store (fresh for the reader).</summary>
    public long Store { get; init; }

    /// <summary>Answers bought from a provider (provider calls).</summary>
    public long Provider { get; init; }

    /// <summary>Metadata-only answers (lookups off, or a provider without a lookup API): no provider call, nothing saved.</summary>
    public long Metadata { get; init; }

    /// <summary>Test-mode answers.</summary>
    public long Test { get; init; }

    /// <summary>(memory + store) / (memory + store + provider); <see langword="null"/> when there were none.</summary>
    public double? HitRatio { get; init; }

    /// <summary>The price of one provider lookup, when configured.</summary>
    public decimal? LookupPrice { get; init; }

    /// <summary>What the provider calls cost (provider × price).</summary>
    public decimal? Spent { get; init; }

    /// <summary>What the cache saved (memory + store) × price.</summary>
    public decimal? Saved { get; init; }

    /// <summary>The currency of the amounts.</summary>
    public string? Currency { get; init; }
}

/// <summary>A group's spend against its limits.</summary>
public sealed record SpendReport
{
    /// <summary>The group.</summary>
    public string? Group { get; init; }

    /// <summary>The start of the current UTC day.</summary>
    public DateTimeOffset DayStart { get; init; }

    /// <summary>Spent today.</summary>
    public decimal Today { get; init; }

    /// <summary>The daily limit, if any.</summary>
    public decimal? DailyLimit { get; init; }

    /// <summary>The start of the current UTC month.</summary>
    public DateTimeOffset MonthStart { get; init; }

    /// <summary>Spent this month.</summary>
    public decimal ThisMonth { get; init; }

    /// <summary>The monthly limit, if any.</summary>
    public decimal? MonthlyLimit { get; init; }

    /// <summary>What happens at the limit.</summary>
    public Guards.Spend.SpendLimitAction AtLimit { get; init; }

    /// <summary>The currency.</summary>
    public required string Currency { get; init; }
}
