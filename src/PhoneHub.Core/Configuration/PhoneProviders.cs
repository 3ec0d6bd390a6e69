namespace PhoneHub.Configuration;

/// <summary>Names of the built-in providers, as stored in <see cref="PhoneConfig.Provider"/>.</summary>
public static class PhoneProviders
{
    /// <summary>Twilio (Messages API and Lookup v2).</summary>
    public const string Twilio = "twilio";

    /// <summary>Amazon SNS (SMS through Publish).</summary>
    public const string Aws = "aws";

    /// <summary>AWS End User Messaging SMS (the <c>pinpoint-sms-voice-v2</c> API: SMS, MMS and delivery events).</summary>
    public const string AwsSms = "aws-sms";

    /// <summary>The built-in test provider: no network, used by configs in test mode.</summary>
    public const string Test = "test";

    /// <summary>Numbering-plan metadata only; used when lookups are disabled or the provider has no lookup API.</summary>
    public const string Local = "local";
}
