namespace PhoneHub.Messaging;

/// <summary>A message to send.</summary>
public sealed record SendSmsRequest
{
    /// <summary>The recipient as written; it is normalized to E.164.</summary>
    public required string To { get; init; }

    /// <summary>The text (up to <see cref="PhoneHubOptions.MaxBodyLength"/> characters). May be empty only when media is attached.</summary>
    public required string Body { get; init; }

    /// <summary>
    /// An explicit sender; by default the config's. A phone number, or what the config's provider declares
    /// (<see cref="Providers.ProviderDefinition.SenderPattern"/>): an alphanumeric sender ID or Twilio Messaging Service
    /// SID by default, a sender ID, pool ID or ARN for <c>aws-sms</c>.
    /// </summary>
    public string? From { get; init; }

    /// <summary>
    /// Media to send as MMS (at most 10): URLs in the schemes the config's provider declares
    /// (<see cref="Providers.ProviderDefinition.MediaUrlSchemes"/>), public http(s) URLs by default, <c>s3://</c> for <c>aws-sms</c>.
    /// </summary>
    public IReadOnlyList<string>? MediaUrls { get; init; }

    /// <summary>Free-form data stored with the message.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>When to send it; <see langword="null"/> or a time already past sends as soon as possible. At most a year ahead.</summary>
    public DateTimeOffset? SendAt { get; init; }

    /// <summary>
    /// A key the caller chooses (1 to 255 printable characters) so that a retried request never sends twice: within a
    /// group, the same key with the same request returns the message stored the first time; the same key with a
    /// different request is refused (<see cref="IdempotencyConflictException"/>).
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Sends even outside the config's quiet hours, for example a one-time code the recipient is waiting for.</summary>
    public bool QuietHoursExempt { get; init; }
}

/// <summary>An inbound message as a provider webhook delivered it.</summary>
public sealed record IncomingSms
{
    /// <summary>The provider name (<c>twilio</c>, <c>aws</c>, ...).</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's message id; inbound messages are stored once per id.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>The sender.</summary>
    public required string From { get; init; }

    /// <summary>The number that received the message; unless <see cref="ConfigId"/> is given, the active config holding it decides the group.</summary>
    public required string To { get; init; }

    /// <summary>
    /// The config the caller verified the message for (a webhook checked its signature with that config's secret); when
    /// <see langword="null"/>, the active config that holds the receiving number is used, and without one the message is
    /// stored without a group and gets no reply.
    /// </summary>
    public long? ConfigId { get; init; }

    /// <summary>
    /// Whether the caller hands the handler's reply back to the provider itself (as Twilio's TwiML answer does). When
    /// <see langword="false"/>, PhoneHub sends the reply as a new message through the receiving config.
    /// </summary>
    public bool ReplyByProvider { get; init; }

    /// <summary>The text.</summary>
    public string Body { get; init; } = "";

    /// <summary>Media URLs of an MMS.</summary>
    public IReadOnlyList<string>? MediaUrls { get; init; }

    /// <summary>Extra provider data worth keeping.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>The result of storing an inbound message.</summary>
/// <param name="Message">The stored message (new, or the one stored by an earlier delivery).</param>
/// <param name="Created">Whether this call stored it; <see langword="false"/> for a provider retry.</param>
public sealed record IncomingSmsResult(SmsMessage Message, bool Created)
{
    /// <summary>The <see cref="IInboundSmsHandler"/>'s reply, when there is one to send (only for a new message bound to a config).</summary>
    public string? Reply { get; init; }

    /// <summary>The reply as PhoneHub sent it, when <see cref="IncomingSms.ReplyByProvider"/> was off.</summary>
    public SmsMessage? ReplyMessage { get; init; }
}
