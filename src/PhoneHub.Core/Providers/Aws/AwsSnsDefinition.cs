using System.Text.RegularExpressions;
using PhoneHub.Configuration;
using PhoneHub.Messaging;

namespace PhoneHub.Providers.Aws;

/// <summary>The settings and credentials of an AWS SNS config.</summary>
public static partial class AwsSnsDefinition
{
    /// <summary>Setting: the AWS region, for example <c>us-east-1</c>.</summary>
    public const string Region = "region";

    /// <summary>Setting: the origination number (E.164) messages are sent from and two-way SMS arrives on.</summary>
    public const string OriginationNumber = "origination_number";

    /// <summary>Setting: the alphanumeric sender ID, where the destination country supports it.</summary>
    public const string SenderId = "sender_id";

    /// <summary>Setting: the SNS topic ARNs (comma-separated) this config receives two-way SMS and events from.</summary>
    public const string TopicArns = "topic_arns";

    /// <summary>The definition.</summary>
    public static ProviderDefinition Instance { get; } = new(
        PhoneProviders.Aws,
        [
            new ProviderSetting(Region, ProviderSettingKind.Text, "The AWS region, for example us-east-1.")
            {
                Pattern = RegionPattern(),
                PatternDescription = "an AWS region such as 'us-east-1'",
            },
            new ProviderSetting(OriginationNumber, ProviderSettingKind.PhoneNumber, "The number messages are sent from and two-way SMS arrives on.")
            {
                IdentityKind = ProviderIdentityKinds.PhoneNumber,
                IsSender = true,
            },
            new ProviderSetting(SenderId, ProviderSettingKind.Text, "An alphanumeric sender ID, where the destination country supports it.")
            {
                IsSender = true,
                Pattern = SenderIds.SnsSenderId(),
                PatternDescription = "1 to 11 letters and digits with at least one letter",
                MaxLength = 11,
            },
            new ProviderSetting(TopicArns, ProviderSettingKind.List, "The SNS topics this config receives two-way SMS from; a notification from any other topic is refused.")
            {
                IdentityKind = ProviderIdentityKinds.Topic,
                Pattern = TopicArnPattern(),
                PatternDescription = "SNS topic ARNs such as 'arn:aws:sns:us-east-1:123456789012:inbound'",
                MaxLength = 2000,
            },
        ],
        AwsCredentialResolver.Fields,
        validation =>
        {
            if (validation.Sends && !validation.Has(Region))
            {
                validation.AddError(Region, "An AWS config that sends needs a region.");
            }
        })
    {
        // SNS refuses a Publish to a number that opted out of the account's messages with OptedOut.
        OptOutErrorCodes = new HashSet<string>(StringComparer.Ordinal) { "OptedOut" },
    };

    // Shared with the other AWS provider (aws-sms), whose configs take the same regions and topics.
    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    internal static partial Regex RegionPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$")]
    internal static partial Regex TopicArnPattern();
}
