using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PhoneHub.Configuration;
using PhoneHub.Messaging;

namespace PhoneHub.Providers.AwsSms;

/// <summary>One SMS or MMS delivery event of AWS End User Messaging SMS, as PhoneHub reads it (see <see cref="AwsSmsDeliveryEvents"/>).</summary>
public sealed record AwsSmsDeliveryEvent
{
    /// <summary>AWS's message id (<c>messageId</c>), the one <c>SendTextMessage</c> returned.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>AWS's event type, for example <c>TEXT_DELIVERED</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>AWS's <c>messageStatus</c>, for example <c>DELIVERED</c> or <c>UNKNOWN</c>.</summary>
    public string? MessageStatus { get; init; }

    /// <summary>AWS's <c>messageStatusDescription</c>.</summary>
    public string? StatusDescription { get; init; }

    /// <summary>
    /// The PhoneHub status the event means, or <see langword="null"/> for events PhoneHub does not map (voice, RCS, event
    /// types newer than this code); those are to be acknowledged and ignored.
    /// </summary>
    public SmsStatus? Status { get; init; }

    /// <summary>Whether AWS says no later event will follow (<c>isFinal</c>).</summary>
    public bool IsFinal { get; init; }

    /// <summary>Why the message did not arrive (one of <see cref="AwsSmsErrorCodes"/>), for failure events.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>AWS's description of the failure.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>What AWS charged for the message (<c>totalMessagePrice</c>), when the event says.</summary>
    public decimal? Price { get; init; }

    /// <summary>The currency of <see cref="Price"/> and <see cref="CarrierFee"/>: AWS prices in US dollars and the event has no currency field.</summary>
    public string? PriceUnit { get; init; }

    /// <summary>The carrier's fee (<c>totalCarrierFee</c>), when the event says.</summary>
    public decimal? CarrierFee { get; init; }

    /// <summary>Parts the message was split into (<c>totalMessageParts</c>).</summary>
    public int? Segments { get; init; }

    /// <summary>When AWS reported the event (<c>eventTimestamp</c>, Unix milliseconds).</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>When AWS received the send request (<c>messageRequestTimestamp</c>).</summary>
    public DateTimeOffset? RequestTime { get; init; }

    /// <summary>The <c>Context</c> the message was sent with (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Context { get; init; } = new Dictionary<string, string>();

    /// <summary>PhoneHub's message id from <see cref="Context"/>, when the message was sent by PhoneHub.</summary>
    public long? PhoneHubMessageId { get; init; }

    /// <summary>The recipient (<c>destinationPhoneNumber</c>).</summary>
    public string? Destination { get; init; }

    /// <summary>The sender (<c>originationPhoneNumber</c>: a number, or a sender ID).</summary>
    public string? Origination { get; init; }

    /// <summary>The recipient's country (<c>isoCountryCode</c>).</summary>
    public string? IsoCountryCode { get; init; }

    /// <summary>The recipient's carrier (<c>carrierName</c>).</summary>
    public string? CarrierName { get; init; }

    /// <summary>
    /// The event as a report for <see cref="ISmsService.ApplyStatusAsync"/>, matched by <see cref="ProviderMessageId"/>;
    /// <see langword="null"/> for events PhoneHub does not map (acknowledge and ignore those).
    /// </summary>
    /// <param name="configId">The config that owns the topic (or event bus) the event came through, so that Core refuses it for another tenant's message.</param>
    /// <returns>The report, or <see langword="null"/>.</returns>
    /// <remarks>
    /// Only failures carry the error code and text: a reason AWS reports while it is still retrying (a temporary carrier
    /// error) would otherwise stay on a message that is later delivered. The price is what AWS charged for the message,
    /// <c>totalMessagePrice</c> plus <c>totalCarrierFee</c>, in US dollars.
    /// </remarks>
    public SmsStatusReport? ToStatusReport(long? configId = null)
    {
        if (Status is not { } status)
        {
            return null;
        }

        var failed = status is SmsStatus.Failed or SmsStatus.Undelivered;
        var price = Price is null && CarrierFee is null ? (decimal?)null : (Price ?? 0) + (CarrierFee ?? 0);
        return new SmsStatusReport
        {
            Provider = PhoneProviders.AwsSms,
            ProviderMessageId = ProviderMessageId,
            Status = status,
            ErrorCode = failed ? ErrorCode : null,
            ErrorMessage = failed ? ErrorMessage : null,
            Price = price,
            PriceUnit = price is null ? null : PriceUnit,
            ConfigId = configId,
        };
    }
}

/// <summary>
/// Reads the delivery events AWS End User Messaging SMS publishes through a configuration set's event destination (an
/// SNS topic, or EventBridge), in the documented format: <c>eventType</c>, <c>eventVersion</c>, <c>eventTimestamp</c>,
/// <c>isFinal</c>, <c>originationPhoneNumber</c>, <c>destinationPhoneNumber</c>, <c>messageId</c>, <c>messageStatus</c>,
/// <c>messageStatusDescription</c>, <c>context</c>, <c>totalMessageParts</c>, <c>totalMessagePrice</c>, <c>totalCarrierFee</c> and more.
/// </summary>
/// <remarks>
/// <para>
/// The input is the event document: the <c>Message</c> of an SNS notification whose signature was already verified, or
/// an EventBridge event (its <c>detail</c> is read). An SNS envelope itself is refused, so that an unverified one cannot
/// slip through here. The SNS webhook of <c>PhoneHub.AspNetCore</c> uses this for topics an <c>aws-sms</c> config owns;
/// a host that receives events another way (EventBridge, SQS) can parse them here and apply
/// <see cref="AwsSmsDeliveryEvent.ToStatusReport"/> itself.
/// </para>
/// <para>
/// A document with a string that is not Unicode (an escaped lone surrogate) is refused: it could be neither stored nor logged faithfully.
/// </para>
/// </remarks>
public static class AwsSmsDeliveryEvents
{
    private const int MaxTextLength = 300;

    // AWS message ids are UUIDs; anything much longer is not one and is not worth storing.
    private const int MaxMessageIdLength = 256;

    private const int MaxDepth = 16;

    /// <summary>The PhoneHub meaning of each event type after its channel prefix (<c>TEXT_</c>, <c>MEDIA_</c>).</summary>
    private static readonly Dictionary<string, (SmsStatus Status, string? ErrorCode)> Outcomes = new(StringComparer.Ordinal)
    {
        ["QUEUED"] = (SmsStatus.Queued, null),
        ["PENDING"] = (SmsStatus.Sending, null),
        ["SENT"] = (SmsStatus.Sent, null),

        // "Accepted by the recipient's carrier": handed over, not confirmed on the handset. Some countries only ever report
        // this (AWS says TEXT_DELIVERED and TEXT_SUCCESSFUL may be used interchangeably there); claiming delivery anyway
        // would overstate it, so it stays sent.
        ["SUCCESSFUL"] = (SmsStatus.Sent, null),
        ["DELIVERED"] = (SmsStatus.Delivered, null),

        // The carrier or the handset did not take it.
        ["BLOCKED"] = (SmsStatus.Undelivered, AwsSmsErrorCodes.Blocked),
        ["CARRIER_BLOCKED"] = (SmsStatus.Undelivered, AwsSmsErrorCodes.CarrierBlocked),
        ["SPAM"] = (SmsStatus.Undelivered, AwsSmsErrorCodes.Spam),
        ["UNREACHABLE"] = (SmsStatus.Undelivered, AwsSmsErrorCodes.DestinationUnreachable),
        ["CARRIER_UNREACHABLE"] = (SmsStatus.Undelivered, AwsSmsErrorCodes.CarrierUnreachable),
        ["INVALID"] = (SmsStatus.Undelivered, AwsSmsErrorCodes.InvalidDestination),

        // It never reached a carrier.
        ["INVALID_MESSAGE"] = (SmsStatus.Failed, AwsSmsErrorCodes.InvalidMessage),
        ["PROTECT_BLOCKED"] = (SmsStatus.Failed, AwsSmsErrorCodes.ProtectBlocked),
        ["TTL_EXPIRED"] = (SmsStatus.Failed, AwsSmsErrorCodes.TtlExpired),
        ["FILE_INACCESSIBLE"] = (SmsStatus.Failed, AwsSmsErrorCodes.MediaInaccessible),
        ["FILE_TYPE_UNSUPPORTED"] = (SmsStatus.Failed, AwsSmsErrorCodes.MediaTypeUnsupported),
        ["FILE_SIZE_EXCEEDED"] = (SmsStatus.Failed, AwsSmsErrorCodes.MediaTooLarge),

        // Nobody knows, not even AWS (no final carrier event within 72 hours, or a reason no other type covers): failed, with
        // its own code, because delivery was never confirmed.
        ["UNKNOWN"] = (SmsStatus.Failed, AwsSmsErrorCodes.DeliveryUnknown),
    };

    private static readonly string[] Channels = ["TEXT_", "MEDIA_"];

    /// <summary>Reads one event.</summary>
    /// <param name="json">The event document (see the remarks of this class).</param>
    /// <param name="delivery">The event, when it could be read.</param>
    /// <param name="error">Why it could not be, for a 4xx answer.</param>
    /// <returns>Whether it could be read.</returns>
    public static bool TryParse(string json, [NotNullWhen(true)] out AwsSmsDeliveryEvent? delivery, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        delivery = null;
        AwsSmsEventDocument? document;
        try
        {
            if (!AllStringsAreUnicode(json))
            {
                error = "The event holds a string that is not valid Unicode.";
                return false;
            }

            document = JsonSerializer.Deserialize(json, AwsSmsJsonContext.Default.AwsSmsEventDocument);
        }
        catch (JsonException)
        {
            error = "The event is not a JSON object of the AWS End User Messaging event format.";
            return false;
        }

        if (document is null)
        {
            error = "The event is empty.";
            return false;
        }

        if (document.SnsType is not null && document.SnsMessage is not null)
        {
            error = "This is an SNS envelope: verify its signature and pass its Message.";
            return false;
        }

        if (document.Detail is { } detail)
        {
            document = detail;
        }

        if (string.IsNullOrEmpty(document.MessageId) || string.IsNullOrEmpty(document.EventType))
        {
            error = "The event needs messageId and eventType.";
            return false;
        }

        if (document.MessageId.Length > MaxMessageIdLength || document.EventType.Length > MaxMessageIdLength)
        {
            error = "The event's messageId or eventType is too long.";
            return false;
        }

        var context = document.Context ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var (status, errorCode) = Interpret(document);
        var failed = errorCode is not null;
        delivery = new AwsSmsDeliveryEvent
        {
            ProviderMessageId = document.MessageId,
            EventType = document.EventType,
            MessageStatus = document.MessageStatus,
            StatusDescription = Bounded(document.MessageStatusDescription),
            Status = status,
            IsFinal = document.IsFinal ?? (status?.IsFinal() ?? false),
            ErrorCode = errorCode,
            ErrorMessage = failed ? Bounded(document.MessageStatusDescription) ?? document.EventType : null,
            Price = document.TotalMessagePrice,
            CarrierFee = document.TotalCarrierFee,
            PriceUnit = document.TotalMessagePrice is not null || document.TotalCarrierFee is not null ? "USD" : null,
            Segments = document.TotalMessageParts,
            EventTime = Time(document.EventTimestamp),
            RequestTime = Time(document.MessageRequestTimestamp),
            Context = context,
            PhoneHubMessageId = context.TryGetValue(AwsSmsProvider.MessageIdContextKey, out var id)
                && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var messageId) ? messageId : null,
            Destination = document.DestinationPhoneNumber,
            Origination = document.OriginationPhoneNumber,
            IsoCountryCode = document.IsoCountryCode,
            CarrierName = document.CarrierName,
        };
        error = null;
        return true;
    }

    // An escaped lone surrogate ("\ud800") is well-formed JSON; reading it as a string throws (or, on some paths, yields a
    // lone surrogate). Walking every string, names included, finds both before anything is deserialized.
    private static bool AllStringsAreUnicode(string json)
    {
        // Raw lone surrogates would be replaced silently while the text is transcoded; they are refused the same way.
        if (!IsUnicode(json))
        {
            return false;
        }

        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        try
        {
            return IsUnicode(doc.RootElement);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsUnicode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsUnicode(element.GetString()!);
            case JsonValueKind.Array:
                return element.EnumerateArray().All(IsUnicode);
            case JsonValueKind.Object:
                return element.EnumerateObject().All(p => IsUnicode(p.Name) && IsUnicode(p.Value));
            default:
                return true;
        }
    }

    private static bool IsUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static (SmsStatus? Status, string? ErrorCode) Interpret(AwsSmsEventDocument document)
    {
        var channel = Channels.FirstOrDefault(p => document.EventType!.StartsWith(p, StringComparison.Ordinal));
        if (channel is null)
        {
            // Voice and RCS events share the destinations but are not SMS.
            return (null, null);
        }

        var kind = document.EventType![channel.Length..];
        var known = Outcomes.TryGetValue(kind, out var outcome);

        // AWS ends a message it never heard back about with messageStatus UNKNOWN. When the event type says no more than
        // "in progress" (or is newer than this table), that status is the news.
        if (document.MessageStatus == "UNKNOWN" && document.IsFinal != false && (!known || (outcome.ErrorCode is null && outcome.Status != SmsStatus.Delivered)))
        {
            return (Outcomes["UNKNOWN"].Status, Outcomes["UNKNOWN"].ErrorCode);
        }

        if (!known)
        {
            return (null, null);
        }

        if (outcome.ErrorCode is not null && document.IsFinal == false)
        {
            // A failure AWS has not given up on (a temporary carrier error, say): still in progress, the reason kept for callers.
            return (SmsStatus.Sending, outcome.ErrorCode);
        }

        return (outcome.Status, outcome.ErrorCode);
    }

    private static DateTimeOffset? Time(long? unixMilliseconds) =>
        unixMilliseconds is { } ms && ms > 0 && ms < 253_402_300_800_000 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static string? Bounded(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : text.Length <= MaxTextLength ? text
        : string.Concat(text.AsSpan(0, MaxTextLength), "…");
}

/// <summary>The event document (and the EventBridge and SNS envelope members that tell the envelopes apart).</summary>
internal sealed record AwsSmsEventDocument
{
    [JsonPropertyName("eventType")]
    public string? EventType { get; init; }

    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; init; }

    [JsonPropertyName("eventTimestamp")]
    public long? EventTimestamp { get; init; }

    [JsonPropertyName("isFinal")]
    public bool? IsFinal { get; init; }

    [JsonPropertyName("originationPhoneNumber")]
    public string? OriginationPhoneNumber { get; init; }

    [JsonPropertyName("destinationPhoneNumber")]
    public string? DestinationPhoneNumber { get; init; }

    [JsonPropertyName("isoCountryCode")]
    public string? IsoCountryCode { get; init; }

    [JsonPropertyName("isInternationalSend")]
    public bool? IsInternationalSend { get; init; }

    [JsonPropertyName("mcc")]
    public string? Mcc { get; init; }

    [JsonPropertyName("mnc")]
    public string? Mnc { get; init; }

    [JsonPropertyName("carrierName")]
    public string? CarrierName { get; init; }

    [JsonPropertyName("messageId")]
    public string? MessageId { get; init; }

    [JsonPropertyName("messageRequestTimestamp")]
    public long? MessageRequestTimestamp { get; init; }

    [JsonPropertyName("messageEncoding")]
    public string? MessageEncoding { get; init; }

    [JsonPropertyName("messageType")]
    public string? MessageType { get; init; }

    [JsonPropertyName("messageStatus")]
    public string? MessageStatus { get; init; }

    [JsonPropertyName("messageStatusDescription")]
    public string? MessageStatusDescription { get; init; }

    [JsonPropertyName("context")]
    public Dictionary<string, string>? Context { get; init; }

    [JsonPropertyName("totalMessageParts")]
    public int? TotalMessageParts { get; init; }

    [JsonPropertyName("totalMessagePrice")]
    public decimal? TotalMessagePrice { get; init; }

    [JsonPropertyName("totalCarrierFee")]
    public decimal? TotalCarrierFee { get; init; }

    /// <summary>EventBridge: the event itself.</summary>
    [JsonPropertyName("detail")]
    public AwsSmsEventDocument? Detail { get; init; }

    /// <summary>SNS envelope: <c>Type</c>.</summary>
    [JsonPropertyName("Type")]
    public string? SnsType { get; init; }

    /// <summary>SNS envelope: <c>Message</c>.</summary>
    [JsonPropertyName("Message")]
    public string? SnsMessage { get; init; }
}
