namespace PhoneHub.Configuration;

/// <summary>
/// How one group (organization) sends SMS and looks numbers up. A config whose <see cref="Group"/> is
/// <see langword="null"/> is the system default, used by groups without an active config of their own.
/// </summary>
/// <remarks>Credentials are never part of this type: they are stored encrypted and only <see cref="HasCredentials"/> is exposed.</remarks>
public sealed record PhoneConfig
{
    /// <summary>Store identifier.</summary>
    public long Id { get; init; }

    /// <summary>The group that owns the config; <see langword="null"/> for the system default.</summary>
    public string? Group { get; init; }

    /// <summary>A name for people.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the config is in use. Each group has at most one active config.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>The provider name, one of <see cref="PhoneProviders"/> (or a custom provider's name).</summary>
    public string Provider { get; init; } = PhoneProviders.Twilio;

    /// <summary>The Twilio number messages are sent from, in E.164.</summary>
    public string? TwilioFromNumber { get; init; }

    /// <summary>The Twilio Messaging Service SID used instead of a from number, if set.</summary>
    public string? TwilioMessagingServiceSid { get; init; }

    /// <summary>The AWS region, for example <c>us-east-1</c>.</summary>
    public string? AwsRegion { get; init; }

    /// <summary>The alphanumeric sender ID for SNS, where the destination country supports it.</summary>
    public string? AwsSenderId { get; init; }

    /// <summary>The origination number for SNS, in E.164.</summary>
    public string? AwsOriginationNumber { get; init; }

    /// <summary>Whether lookups may call the provider (they cost money). When off, lookups return metadata only.</summary>
    public bool LookupEnabled { get; init; } = true;

    /// <summary>How many days a provider lookup stays fresh in the shared cache.</summary>
    public int LookupCacheDays { get; init; } = 30;

    /// <summary>When on, nothing is sent to a provider: messages are recorded and marked as test messages.</summary>
    public bool TestMode { get; init; }

    /// <summary>Whether encrypted credentials are stored for this config.</summary>
    public bool HasCredentials { get; init; }

    /// <summary>When the config was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When the config was last changed.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>The number this config sends from and receives on: the Twilio from number or the AWS origination number.</summary>
    public string? OwnNumber => TwilioFromNumber ?? AwsOriginationNumber;
}
