namespace PhoneHub.Providers;

/// <summary>
/// Sends SMS through one provider (Twilio, AWS SNS, ...). Registered in DI (for example with
/// <c>builder.AddProvider&lt;TProvider&gt;()</c>); chosen by its <see cref="Definition"/>'s name against <c>PhoneConfig.Provider</c>.
/// </summary>
public interface ISmsProvider
{
    /// <summary>The provider's name, settings, identities and credential names.</summary>
    ProviderDefinition Definition { get; }

    /// <summary>The provider name (<see cref="ProviderDefinition.Name"/>), matched against <c>PhoneConfig.Provider</c>.</summary>
    string Name => Definition.Name;

    /// <summary>Sends one message.</summary>
    /// <param name="request">What to send. The message is already stored as queued.</param>
    /// <param name="context">The config and its credentials.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The provider's answer.</returns>
    /// <exception cref="SmsProviderException">The provider refused the message, or its outcome is unknown.</exception>
    Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default);

    /// <summary>Checks that the config's credentials work, with a cheap call that sends nothing.</summary>
    /// <param name="context">The config and its credentials.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A structured result; never throws for provider or network failures.</returns>
    Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default);
}

/// <summary>One outbound message as handed to a provider.</summary>
/// <param name="MessageId">PhoneHub's id of the stored message (for correlation; providers may ignore it).</param>
/// <param name="To">The recipient in E.164.</param>
/// <param name="Body">The text.</param>
/// <param name="From">An explicit sender; when <see langword="null"/> the provider uses the config's.</param>
/// <param name="MediaUrls">MMS media URLs; empty for SMS.</param>
public sealed record SmsSendRequest(long MessageId, string To, string Body, string? From, IReadOnlyList<string> MediaUrls);

/// <summary>A provider's answer to a send.</summary>
public sealed record SmsSendResult
{
    /// <summary>The provider's message id (Twilio SID, SNS MessageId).</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>The status the provider reported (usually queued, accepted or sent).</summary>
    public Messaging.SmsStatus Status { get; init; } = Messaging.SmsStatus.Sent;

    /// <summary>The sender the provider used, if it said.</summary>
    public string? From { get; init; }

    /// <summary>Segments the provider counted, if it said.</summary>
    public int? Segments { get; init; }

    /// <summary>The price, if the provider said.</summary>
    public decimal? Price { get; init; }

    /// <summary>The currency of <see cref="Price"/>.</summary>
    public string? PriceUnit { get; init; }

    /// <summary>An error code the provider attached to an accepted message, if any.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The text of <see cref="ErrorCode"/>.</summary>
    public string? ErrorMessage { get; init; }
}
