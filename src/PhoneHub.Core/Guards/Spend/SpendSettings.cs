namespace PhoneHub.Guards.Spend;

/// <summary>
/// Spend limits of the group a message belongs to, set on the config it goes through and checked before each provider
/// call against what the group's messages cost (the provider's price, else the estimate) in the current UTC day and
/// month. Test-mode messages cost nothing.
/// </summary>
public sealed record SpendSettings
{
    /// <summary>The most a group may spend per UTC day, in the price table's currency. Default none.</summary>
    public decimal? DailyLimit { get; init; }

    /// <summary>The most a group may spend per UTC month, in the price table's currency. Default none.</summary>
    public decimal? MonthlyLimit { get; init; }

    /// <summary>What happens to a message at the limit. Default <see cref="SpendLimitAction.Wait"/>.</summary>
    public SpendLimitAction AtLimit { get; init; } = SpendLimitAction.Wait;
}

/// <summary>What happens to a message when its group's spend limit is reached.</summary>
public enum SpendLimitAction
{
    /// <summary>It waits (<c>scheduled</c>, reason <c>spend_limit</c>) until the next UTC day or month.</summary>
    Wait = 1,

    /// <summary>It is refused: <c>failed</c> with <c>spend_limit</c>.</summary>
    Fail,
}
