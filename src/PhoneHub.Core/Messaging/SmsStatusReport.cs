namespace PhoneHub.Messaging;

/// <summary>A delivery report from a provider, after the webhook that carried it was verified.</summary>
public sealed record SmsStatusReport
{
    /// <summary>The provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's message id.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>The reported status.</summary>
    public required SmsStatus Status { get; init; }

    /// <summary>The reported error code, if any.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The reported error text, if any.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The price the provider reported, if any.</summary>
    public decimal? Price { get; init; }

    /// <summary>The currency of <see cref="Price"/>.</summary>
    public string? PriceUnit { get; init; }

    /// <summary>
    /// The provider account the report came from (for example the callback's Twilio AccountSid). When the message records
    /// the account it went through, a report from any other account is refused.
    /// </summary>
    public string? Account { get; init; }

    /// <summary>The config whose secret verified the report, when known; a report for a message of another group is refused.</summary>
    public long? ConfigId { get; init; }
}

/// <summary>What <see cref="ISmsService.ApplyStatusAsync"/> did with a report.</summary>
public enum StatusUpdateOutcome
{
    /// <summary>The status moved forward.</summary>
    Updated = 1,

    /// <summary>The report was older than (or equal to) what is stored, and was ignored.</summary>
    Ignored,

    /// <summary>No message has that provider id, and the report could not be kept for later.</summary>
    NotFound,

    /// <summary>No message has that provider id yet (the send may not have stored it): the report is kept and applied when it does.</summary>
    Pending,

    /// <summary>The report came from another account or tenant than the message went through, and was refused.</summary>
    Refused,
}
