using System.Text.Json;

namespace PhoneHub.Providers.AwsSms;

/// <summary>How a call to the API ended without a usable answer. What it means for a send differs by kind.</summary>
internal enum AwsSmsFailure
{
    /// <summary>AWS answered 4xx with an error document: a definite refusal.</summary>
    Rejected,

    /// <summary>AWS answered 5xx: it may have done the work anyway.</summary>
    ServerError,

    /// <summary>No complete answer within the timeout.</summary>
    Timeout,

    /// <summary>The connection broke after the request may have left.</summary>
    NetworkFailure,

    /// <summary>No connection could be made (name resolution or connect failed): the request never left.</summary>
    NotConnected,

    /// <summary>AWS answered 2xx with a body that is not the expected document.</summary>
    InvalidResponse,
}

/// <summary>
/// An error document of the JSON 1.0 protocol. The type comes from the <c>X-Amzn-ErrorType</c> header, else the body's
/// <c>code</c>, else its <c>__type</c>, reduced to the bare shape name (text before <c>:</c>, after <c>#</c>); the text is
/// <c>message</c> or <c>Message</c>. The other members are the service's own (<c>Reason</c>, <c>ResourceType</c>,
/// <c>ResourceId</c>, <c>Fields</c>, <c>RequestId</c>).
/// </summary>
internal sealed record AwsSmsError(
    int StatusCode,
    string? Type,
    string? Message,
    string? Reason,
    string? ResourceType,
    string? ResourceId,
    IReadOnlyList<AwsSmsFieldError> Fields)
{
    // The ValidationException member that lists the fields (a wire name, not this record's property).
    private const string FieldsMember = "Fields";

    /// <summary>AWS's request id (<c>X-Amzn-RequestId</c>), for support cases and logs.</summary>
    public string? RequestId { get; init; }

    /// <summary>Reads an error answer; every part is optional, since proxies and overloaded front ends answer with anything.</summary>
    public static AwsSmsError Parse(int statusCode, string? errorTypeHeader, string body)
    {
        string? code = null, message = null, reason = null, resourceType = null, resourceId = null, dunderType = null;
        var fields = new List<AwsSmsFieldError>();
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    var root = doc.RootElement;
                    code = String(root, "code");
                    dunderType = String(root, "__type");
                    message = String(root, "message") ?? String(root, "Message");
                    reason = String(root, "Reason");
                    resourceType = String(root, "ResourceType");
                    resourceId = String(root, "ResourceId");
                    if (root.TryGetProperty(FieldsMember, out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var field in list.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object))
                        {
                            fields.Add(new AwsSmsFieldError(String(field, "Name"), String(field, "Message")));
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON (an HTML page from a proxy, say): the status alone has to do.
            }
        }

        var type = Sanitize(errorTypeHeader) ?? Sanitize(code) ?? Sanitize(dunderType);
        return new AwsSmsError(statusCode, type, message, reason, resourceType, resourceId, fields);
    }

    /// <summary>Whether the answer is throttling (the <c>ThrottlingException</c> shape, or HTTP 429 from a front end).</summary>
    public bool IsThrottling => Type is "ThrottlingException" or "Throttling" or "ThrottledException" or "TooManyRequestsException" || StatusCode == 429;

    /// <summary>The type and reason for people, for example <c>ConflictException (DESTINATION_PHONE_NUMBER_OPTED_OUT)</c>.</summary>
    public string Describe() =>
        (Type ?? $"HTTP {StatusCode}") + (Reason is null ? "" : $" ({Reason})");

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string? Sanitize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            value = value[..colon];
        }

        var hash = value.LastIndexOf('#');
        if (hash >= 0)
        {
            value = value[(hash + 1)..];
        }

        value = value.Trim();
        return value.Length == 0 ? null : value;
    }
}

/// <summary><c>ValidationExceptionField</c>: the field that failed validation and why.</summary>
internal sealed record AwsSmsFieldError(string? Name, string? Message);

/// <summary>A call to the API that did not produce its result document. Carries no secrets: messages are PhoneHub's own.</summary>
internal sealed class AwsSmsApiException : Exception
{
    public AwsSmsApiException(string action, AwsSmsFailure failure, string message, AwsSmsError? error = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Action = action;
        Failure = failure;
        Error = error;
    }

    /// <summary>The action called, for example <c>SendTextMessage</c>.</summary>
    public string Action { get; }

    public AwsSmsFailure Failure { get; }

    /// <summary>AWS's error document, for <see cref="AwsSmsFailure.Rejected"/> and <see cref="AwsSmsFailure.ServerError"/>.</summary>
    public AwsSmsError? Error { get; }
}
