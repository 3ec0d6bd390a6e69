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

    /// <summary>When to send it, RFC 3339 with an offset (for example <c>2026-03-01T09:30:00-08:00</c>); absent or past means now. At most a year ahead.</summary>
    [JsonPropertyName("send_at")]
    public string? SendAt { get; init; }
}

/// <summary>A message of <c>POST sms/bulk</c>: the fields of <c>POST sms/send</c>, and an idempotency key of its own.</summary>
internal sealed class BulkSmsMessageBody
{
    /// <summary>The recipient as written.</summary>
    [JsonPropertyName("to_number")]
    public string? ToNumber { get; init; }

    /// <summary>The text.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>An explicit sender; by default the config's.</summary>
    [JsonPropertyName("from_number")]
    public string? FromNumber { get; init; }

    /// <summary>Media to send as MMS.</summary>
    [JsonPropertyName("media_urls")]
    public IReadOnlyList<string>? MediaUrls { get; init; }

    /// <summary>Free-form data stored with the message.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>When to send it, RFC 3339 with an offset; absent or past means now.</summary>
    [JsonPropertyName("send_at")]
    public string? SendAt { get; init; }

    /// <summary>The message's idempotency key within the group: a retried upload does not send it twice.</summary>
    [JsonPropertyName("idempotency_key")]
    public string? IdempotencyKey { get; init; }
}

/// <summary>Body of <c>POST sms/bulk</c> as JSON.</summary>
internal sealed class BulkSmsBody
{
    /// <summary>The messages, each validated on its own.</summary>
    [JsonPropertyName("messages")]
    public IReadOnlyList<BulkSmsMessageBody?>? Messages { get; init; }
}

/// <summary>A bulk send's batch: its rows, and its messages' progress.</summary>
internal sealed class SmsBatchResponse
{
    /// <summary>The batch id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The group that sent it.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    /// <summary>The user who sent it.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>Rows uploaded, valid or not.</summary>
    [JsonPropertyName("total")]
    public int Total { get; init; }

    /// <summary>Rows refused.</summary>
    [JsonPropertyName("rejected")]
    public int Rejected { get; init; }

    /// <summary>Messages stored.</summary>
    [JsonPropertyName("enqueued")]
    public int Enqueued { get; init; }

    /// <summary>Messages no longer waiting to be sent (taken by the provider, or final).</summary>
    [JsonPropertyName("dispatched")]
    public int Dispatched { get; init; }

    /// <summary><c>dispatched</c> over <c>enqueued</c>, 0 to 1.</summary>
    [JsonPropertyName("progress")]
    public double Progress { get; init; }

    /// <summary>Messages by status, for example <c>{"queued": 10, "delivered": 90}</c>.</summary>
    [JsonPropertyName("counts")]
    public required IReadOnlyDictionary<string, int> Counts { get; init; }

    /// <summary>When it was uploaded.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    public static SmsBatchResponse From(Stores.SmsBatchStatus status) => new()
    {
        Id = status.Batch.Id,
        Group = status.Batch.Group,
        User = status.Batch.User,
        Total = status.Batch.Total,
        Rejected = status.Batch.Rejected,
        Enqueued = status.Enqueued,
        Dispatched = status.Dispatched,
        Progress = status.Progress,
        Counts = status.CountsByStatus.Where(p => p.Value > 0).ToDictionary(p => p.Key.ToWireName(), p => p.Value, StringComparer.Ordinal),
        Created = status.Batch.Created,
    };
}

/// <summary>A refused row of a bulk send.</summary>
internal sealed class BulkRowErrorResponse
{
    /// <summary>The row: the message's index in <c>messages</c>, or the data line of the CSV after its header, from 0.</summary>
    [JsonPropertyName("row")]
    public int Row { get; init; }

    /// <summary>Field name to messages.</summary>
    [JsonPropertyName("errors")]
    public required IReadOnlyDictionary<string, string[]> Errors { get; init; }
}

/// <summary>Answer of <c>POST sms/bulk</c>.</summary>
internal sealed class BulkSmsResponse
{
    /// <summary>The batch.</summary>
    [JsonPropertyName("batch")]
    public required SmsBatchResponse Batch { get; init; }

    /// <summary>The stored messages, in row order.</summary>
    [JsonPropertyName("message_ids")]
    public required IReadOnlyList<long> MessageIds { get; init; }

    /// <summary>The refused rows.</summary>
    [JsonPropertyName("rejected")]
    public required IReadOnlyList<BulkRowErrorResponse> Rejected { get; init; }
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

    /// <summary>When it is to be sent, when it was scheduled.</summary>
    [JsonPropertyName("send_at")]
    public DateTimeOffset? SendAt { get; init; }

    /// <summary>Provider calls made for it (more than one after a failover, or after a throttle).</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>The idempotency key it was sent with.</summary>
    [JsonPropertyName("idempotency_key")]
    public string? IdempotencyKey { get; init; }

    /// <summary>The bulk send it belongs to.</summary>
    [JsonPropertyName("batch_id")]
    public long? BatchId { get; init; }

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
        SendAt = m.SendAt,
        Attempts = m.Attempts,
        IdempotencyKey = m.IdempotencyKey,
        BatchId = m.BatchId,
    };
}
