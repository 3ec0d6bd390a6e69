using System.Text.Json.Serialization;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Rest.Contracts;

/// <summary>Body of <c>POST sms/send</c>.</summary>
internal sealed class SendSmsBody
{
    /// <summary>The recipient as written.</summary>
    [JsonPropertyName("to_number")]
    public string? ToNumber { get; init; }

    /// <summary>The text.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>An explicit sender; by default the config's. A phone number, a sender ID, a Messaging Service SID (Twilio), or a pool ID or ARN (aws-sms).</summary>
    [JsonPropertyName("from_number")]
    public string? FromNumber { get; init; }

    /// <summary>Media to send as MMS (at most 10): public http(s) URLs, or s3:// URLs for an aws-sms config.</summary>
    [JsonPropertyName("media_urls")]
    public IReadOnlyList<string>? MediaUrls { get; init; }

    /// <summary>Free-form data stored with the message.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>A sent or received message.</summary>
internal sealed class SmsMessageResponse
{
    /// <summary>The message id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The group the message belongs to.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    /// <summary>The user who sent it.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>The config it went through.</summary>
    [JsonPropertyName("config_id")]
    public long? ConfigId { get; init; }

    /// <summary><c>outbound</c> or <c>inbound</c>.</summary>
    [JsonPropertyName("direction")]
    public required string Direction { get; init; }

    /// <summary>The sender.</summary>
    [JsonPropertyName("from_number")]
    public string? FromNumber { get; init; }

    /// <summary>The recipient.</summary>
    [JsonPropertyName("to_number")]
    public required string ToNumber { get; init; }

    /// <summary>The text.</summary>
    [JsonPropertyName("body")]
    public required string Body { get; init; }

    /// <summary>Media URLs of an MMS.</summary>
    [JsonPropertyName("media_urls")]
    public required IReadOnlyList<string> MediaUrls { get; init; }

    /// <summary>The status, for example <c>queued</c>, <c>sent</c>, <c>delivered</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>The provider that handled it.</summary>
    [JsonPropertyName("provider")]
    public string? Provider { get; init; }

    /// <summary>The provider's id for it.</summary>
    [JsonPropertyName("provider_message_id")]
    public string? ProviderMessageId { get; init; }

    /// <summary>The error code when it failed.</summary>
    [JsonPropertyName("error_code")]
    public string? ErrorCode { get; init; }

    /// <summary>The error description when it failed.</summary>
    [JsonPropertyName("error_message")]
    public string? ErrorMessage { get; init; }

    /// <summary>Data attached when it was sent.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The number of SMS segments.</summary>
    [JsonPropertyName("segments")]
    public int Segments { get; init; }

    /// <summary>What the provider charged, when it said.</summary>
    [JsonPropertyName("price")]
    public decimal? Price { get; init; }

    /// <summary>The currency of the price.</summary>
    [JsonPropertyName("price_unit")]
    public string? PriceUnit { get; init; }

    /// <summary>Whether it was handled in test mode.</summary>
    [JsonPropertyName("is_test")]
    public bool IsTest { get; init; }

    /// <summary>When it was recorded.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>When the provider accepted it.</summary>
    [JsonPropertyName("sent_at")]
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When delivery was confirmed.</summary>
    [JsonPropertyName("delivered_at")]
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When it last changed.</summary>
    [JsonPropertyName("modified")]
    public DateTimeOffset Modified { get; init; }

    public static SmsMessageResponse From(SmsMessage m) => new()
    {
        Id = m.Id,
        Group = m.Group,
        User = m.User,
        ConfigId = m.ConfigId,
        Direction = m.Direction == SmsDirection.Inbound ? "inbound" : "outbound",
        FromNumber = m.From,
        ToNumber = m.To,
        Body = m.Body,
        MediaUrls = m.MediaUrls,
        Status = m.Status.ToWireName(),
        Provider = m.Provider,
        ProviderMessageId = m.ProviderMessageId,
        ErrorCode = m.ErrorCode,
        ErrorMessage = m.ErrorMessage,
        Metadata = m.Metadata,
        Segments = m.Segments,
        Price = m.Price,
        PriceUnit = m.PriceUnit,
        IsTest = m.IsTest,
        Created = m.Created,
        SentAt = m.SentAt,
        DeliveredAt = m.DeliveredAt,
        Modified = m.Modified,
    };
}
