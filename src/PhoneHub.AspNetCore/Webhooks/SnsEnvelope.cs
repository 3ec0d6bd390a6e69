using System.Text;
using System.Text.Json;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>An Amazon SNS HTTP(S) delivery: the JSON envelope SNS posts to a subscribed endpoint.</summary>
internal sealed record SnsEnvelope
{
    public const string Notification = "Notification";
    public const string SubscriptionConfirmation = "SubscriptionConfirmation";
    public const string UnsubscribeConfirmation = "UnsubscribeConfirmation";

    private static readonly string[] RequiredFields = ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL"];
    private static readonly string[] ConfirmationFields = ["Token", "SubscribeURL"];

    public required string Type { get; init; }
    public required string MessageId { get; init; }
    public required string TopicArn { get; init; }
    public required string Message { get; init; }
    public required string Timestamp { get; init; }
    public required string SignatureVersion { get; init; }
    public required string Signature { get; init; }
    public required string SigningCertUrl { get; init; }
    public string? Subject { get; init; }
    public string? Token { get; init; }
    public string? SubscribeUrl { get; init; }
    public string? UnsubscribeUrl { get; init; }

    /// <summary>Reads an envelope; <see langword="null"/> with a reason when it is not one.</summary>
    public static SnsEnvelope? TryParse(ReadOnlySpan<byte> json, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "The body is not a JSON object.";
                return null;
            }

            var root = doc.RootElement;
            if (!SafeJson.TryReadStrings(root, out var strings))
            {
                error = "The body holds a string that is not valid Unicode.";
                return null;
            }

            string? Get(string name) => strings.GetValueOrDefault(name);

            var type = Get("Type");
            var missing = RequiredFields.Where(name => string.IsNullOrEmpty(Get(name)) && !(name == "Message" && Get(name) is not null)).ToList();
            if (type is SubscriptionConfirmation or UnsubscribeConfirmation)
            {
                missing.AddRange(ConfirmationFields.Where(name => string.IsNullOrEmpty(Get(name))));
            }

            if (missing.Count > 0)
            {
                error = "Missing fields: " + string.Join(", ", missing) + ".";
                return null;
            }

            if (type is not (Notification or SubscriptionConfirmation or UnsubscribeConfirmation))
            {
                error = "Unknown message type.";
                return null;
            }

            return new SnsEnvelope
            {
                Type = type,
                MessageId = Get("MessageId")!,
                TopicArn = Get("TopicArn")!,
                Message = Get("Message")!,
                Timestamp = Get("Timestamp")!,
                SignatureVersion = Get("SignatureVersion")!,
                Signature = Get("Signature")!,
                SigningCertUrl = Get("SigningCertURL")!,
                Subject = Get("Subject"),
                Token = Get("Token"),
                SubscribeUrl = Get("SubscribeURL"),
                UnsubscribeUrl = Get("UnsubscribeURL"),
            };
        }
        catch (JsonException)
        {
            error = "The body is not valid JSON.";
            return null;
        }
        catch (ArgumentException)
        {
            error = "The body is not valid UTF-8 JSON.";
            return null;
        }
    }

    /// <summary>
    /// The string SNS signs: <c>name\nvalue\n</c> for each field of the message type, in the documented order —
    /// Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type;
    /// Subscription/UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
    /// </summary>
    public string StringToSign()
    {
        var builder = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                builder.Append(name).Append('\n').Append(value).Append('\n');
            }
        }

        Add("Message", Message);
        Add("MessageId", MessageId);
        if (Type == Notification)
        {
            Add("Subject", Subject);
            Add("Timestamp", Timestamp);
            Add("TopicArn", TopicArn);
        }
        else
        {
            Add("SubscribeURL", SubscribeUrl);
            Add("Timestamp", Timestamp);
            Add("Token", Token);
            Add("TopicArn", TopicArn);
        }

        Add("Type", Type);
        return builder.ToString();
    }
}
