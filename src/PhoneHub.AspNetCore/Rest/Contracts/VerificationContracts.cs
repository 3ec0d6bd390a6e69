using System.Text.Json.Serialization;
using PhoneHub.Verification;

namespace PhoneHub.AspNetCore.Rest.Contracts;

/// <summary>Body of <c>POST verify/start</c>.</summary>
internal sealed class StartVerificationBody
{
    /// <summary>The number to verify, as written.</summary>
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    /// <summary>Digits in the code, 4 to 10; by default the server's setting (6).</summary>
    [JsonPropertyName("code_length")]
    public int? CodeLength { get; init; }

    /// <summary>The application name shown in the message; by default the server's setting.</summary>
    [JsonPropertyName("app_name")]
    public string? AppName { get; init; }
}

/// <summary>Body of <c>POST verify/check</c>: the number or the verification id, and the code.</summary>
internal sealed class CheckVerificationBody
{
    /// <summary>The number (its latest verification in the caller's group is checked).</summary>
    [JsonPropertyName("phone_number")]
    public string? PhoneNumber { get; init; }

    /// <summary>The verification id; wins over the number.</summary>
    [JsonPropertyName("verification_id")]
    public long? VerificationId { get; init; }

    /// <summary>The code the user typed.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }
}

/// <summary>A verification (never its code).</summary>
internal sealed class VerificationResponse
{
    /// <summary>The id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The number in E.164.</summary>
    [JsonPropertyName("phone_number")]
    public string PhoneNumber { get; init; } = "";

    /// <summary><c>pending</c>, <c>approved</c>, <c>canceled</c> or <c>max_attempts_reached</c>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    /// <summary>The number's region.</summary>
    [JsonPropertyName("country")]
    public string? Country { get; init; }

    /// <summary>Checks made.</summary>
    [JsonPropertyName("checks")]
    public int Checks { get; init; }

    /// <summary>Codes sent (the start and resends).</summary>
    [JsonPropertyName("sends")]
    public int Sends { get; init; }

    /// <summary>Whether this start reused the live verification (a resend).</summary>
    [JsonPropertyName("resent")]
    public bool? Resent { get; init; }

    /// <summary>The message carrying the latest code.</summary>
    [JsonPropertyName("message_id")]
    public long? MessageId { get; init; }

    /// <summary>When it was started.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>When its codes stop being accepted.</summary>
    [JsonPropertyName("expires_at")]
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was approved.</summary>
    [JsonPropertyName("approved_at")]
    public DateTimeOffset? ApprovedAt { get; init; }

    public static string StatusName(VerificationStatus status) => status switch
    {
        VerificationStatus.Pending => "pending",
        VerificationStatus.Approved => "approved",
        VerificationStatus.Canceled => "canceled",
        _ => "max_attempts_reached",
    };

    public static VerificationResponse From(PhoneVerification v, bool? resent = null) => new()
    {
        Id = v.Id,
        PhoneNumber = v.PhoneNumber,
        Status = StatusName(v.Status),
        Country = v.Country,
        Checks = v.Checks,
        Sends = v.Sends,
        Resent = resent,
        MessageId = v.MessageId,
        Created = v.Created,
        ExpiresAt = v.ExpiresAt,
        ApprovedAt = v.ApprovedAt,
    };
}

/// <summary>What a check answered.</summary>
internal sealed class VerificationCheckResponse
{
    /// <summary><c>approved</c>, <c>pending</c> (wrong code), <c>expired</c> or <c>too_many_attempts</c>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    /// <summary>The stable reason code.</summary>
    [JsonPropertyName("reason")]
    public string Reason { get; init; } = "";

    /// <summary>The verification checked.</summary>
    [JsonPropertyName("verification_id")]
    public long VerificationId { get; init; }

    /// <summary>Checks left.</summary>
    [JsonPropertyName("remaining_checks")]
    public int RemainingChecks { get; init; }
}
