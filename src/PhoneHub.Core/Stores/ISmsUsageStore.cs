using PhoneHub.Messaging;

namespace PhoneHub.Stores;

/// <summary>
/// Read-mostly figures over the messages (spend for the spend limits, totals for the reports) and the lookup counts.
/// Amounts are absolute values of <see cref="SmsMessage.Price"/> (Twilio reports a charge as a negative amount), rounded
/// to millionths; test-mode messages cost nothing. Days are UTC.
/// </summary>
public interface ISmsUsageStore
{
    /// <summary>
    /// What a group's outbound messages cost since <paramref name="since"/>: those sent at or after it, and those whose
    /// provider call is in progress (their estimate). Called before a provider call when a spend limit applies.
    /// </summary>
    /// <param name="group">The group (<see langword="null"/>: messages without a group).</param>
    /// <param name="since">The start of the period.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The amount, in the currency the prices are in.</returns>
    Task<decimal> GetSpendAsync(string? group, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Message totals created in [<see cref="SmsUsageQuery.From"/>, <see cref="SmsUsageQuery.To"/>), one row per UTC day, group, status, direction, provider, country and currency.</summary>
    /// <param name="query">Which messages.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rows, in no particular order.</returns>
    Task<IReadOnlyList<SmsUsageRow>> GetMessageUsageAsync(SmsUsageQuery query, CancellationToken cancellationToken = default);

    /// <summary>Adds lookup counts (a process's counts since its last flush) to the stored ones.</summary>
    /// <param name="usage">Counts per day and source.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task AddLookupUsageAsync(IReadOnlyList<LookupUsage> usage, CancellationToken cancellationToken = default);

    /// <summary>The stored lookup counts of the days from <paramref name="firstDay"/> to <paramref name="lastDay"/>, both included.</summary>
    /// <param name="firstDay">The first day.</param>
    /// <param name="lastDay">The last day.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Counts per day and source.</returns>
    Task<IReadOnlyList<LookupUsage>> GetLookupUsageAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);
}

/// <summary>Which messages <see cref="ISmsUsageStore.GetMessageUsageAsync"/> totals.</summary>
public sealed record SmsUsageQuery
{
    /// <summary>Only this group's messages (<see langword="null"/>: messages without a group), unless <see cref="AllGroups"/>.</summary>
    public string? Group { get; init; }

    /// <summary>Every group's messages.</summary>
    public bool AllGroups { get; init; }

    /// <summary>Created at or after this time.</summary>
    public DateTimeOffset From { get; init; }

    /// <summary>Created before this time.</summary>
    public DateTimeOffset To { get; init; }
}

/// <summary>Totals of the messages sharing one day, group, status, direction, provider, country and currency.</summary>
public sealed record SmsUsageRow
{
    /// <summary>The UTC day they were created.</summary>
    public DateOnly Day { get; init; }

    /// <summary>Their group.</summary>
    public string? Group { get; init; }

    /// <summary>Their status.</summary>
    public SmsStatus Status { get; init; }

    /// <summary>Their direction.</summary>
    public SmsDirection Direction { get; init; }

    /// <summary>Their provider.</summary>
    public string? Provider { get; init; }

    /// <summary>The region of the recipient (outbound) or sender (inbound), when known.</summary>
    public string? Country { get; init; }

    /// <summary>The currency of their prices; <see langword="null"/> for unpriced messages.</summary>
    public string? Currency { get; init; }

    /// <summary>How many.</summary>
    public long Messages { get; init; }

    /// <summary>Their segments.</summary>
    public long Segments { get; init; }

    /// <summary>What they cost (absolute values, test-mode messages excluded).</summary>
    public decimal Cost { get; init; }

    /// <summary>The part of <see cref="Cost"/> that is an estimate (no provider price yet).</summary>
    public decimal EstimatedCost { get; init; }
}

/// <summary>How many lookups one source answered on one UTC day.</summary>
/// <param name="Day">The day.</param>
/// <param name="Source">Where answers came from: <c>memory</c>, <c>store</c>, <c>provider</c>, <c>metadata</c> or <c>test</c>.</param>
/// <param name="Count">How many.</param>
public sealed record LookupUsage(DateOnly Day, string Source, long Count);
