namespace PhoneHub.Messaging;

/// <summary>One SMS or MMS, sent or received.</summary>
public sealed record SmsMessage
{
    /// <summary>Store identifier.</summary>
    public long Id { get; init; }

    /// <summary>The group (organization) the message belongs to; <see langword="null"/> for none.</summary>
    public string? Group { get; init; }

    /// <summary>The user who sent it, as the host identifies users; <see langword="null"/> for none.</summary>
    public string? User { get; init; }

    /// <summary>The config the message was sent or received through, if known.</summary>
    public long? ConfigId { get; init; }

    /// <summary>Outbound or inbound.</summary>
    public SmsDirection Direction { get; init; } = SmsDirection.Outbound;

    /// <summary>The sender (E.164, alphanumeric sender ID or messaging service).</summary>
    public string? From { get; init; }

    /// <summary>The recipient in E.164.</summary>
    public required string To { get; init; }

    /// <summary>The text.</summary>
    public required string Body { get; init; }

    /// <summary>Media URLs of an MMS; empty for plain SMS.</summary>
    public IReadOnlyList<string> MediaUrls { get; init; } = [];

    /// <summary>The current state.</summary>
    public SmsStatus Status { get; init; } = SmsStatus.Queued;

    /// <summary>The provider that handled the message (<c>twilio</c>, <c>aws</c>, <c>test</c>, ...).</summary>
    public string? Provider { get; init; }

    /// <summary>The provider account the message went through (for example the Twilio AccountSid), when the config has one; status reports must come from it.</summary>
    public string? ProviderAccount { get; init; }

    /// <summary>The provider's id for the message (Twilio SID, SNS MessageId).</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>The provider's or PhoneHub's error code when the message failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>A description of the error, safe to show (never contains credentials).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Free-form data the host attached to the message.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The number of SMS segments the body takes (GSM-7 or UCS-2).</summary>
    public int Segments { get; init; } = 1;

    /// <summary>What the provider charged, when it said.</summary>
    public decimal? Price { get; init; }

    /// <summary>The currency of <see cref="Price"/> (for example <c>USD</c>).</summary>
    public string? PriceUnit { get; init; }

    /// <summary>
    /// Whether <see cref="Price"/> is PhoneHub's estimate from the price table (<c>PhoneHub:Guards:Prices</c>) rather than
    /// what the provider charged: set when the message is stored, replaced when the provider reports its price.
    /// </summary>
    public bool PriceIsEstimate { get; init; }

    /// <summary>The region (ISO 3166-1) of the recipient of an outbound message or the sender of an inbound one, when it is a phone number.</summary>
    public string? Country { get; init; }

    /// <summary>Whether the message may go outside the config's quiet hours (see <see cref="SendSmsRequest.QuietHoursExempt"/>; replies to inbound messages are).</summary>
    public bool QuietHoursExempt { get; init; }

    /// <summary>Whether the message was handled in test mode (no provider was called).</summary>
    public bool IsTest { get; init; }

    /// <summary>When the message is to be sent, when it was scheduled for later (see <see cref="SendSmsRequest.SendAt"/>).</summary>
    public DateTimeOffset? SendAt { get; init; }

    /// <summary>How many times a provider was called for the message (a failover to another config makes it more than one).</summary>
    public int Attempts { get; init; }

    /// <summary>The caller's idempotency key, if the message was enqueued with one (unique per group).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The bulk batch the message belongs to, if any.</summary>
    public long? BatchId { get; init; }

    /// <summary>When the message was recorded.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When the provider accepted it.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When delivery was confirmed.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When the record last changed.</summary>
    public DateTimeOffset Modified { get; init; }
}
