using System.Globalization;
using PhoneHub.Configuration;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Providers.AwsSms;

/// <summary>
/// The settings and credentials of an AWS End User Messaging SMS config (provider <c>aws-sms</c>). Every sending
/// setting except the region has a host-wide default in <see cref="AwsSmsOptions"/> (<c>PhoneHub:AwsSms</c>); a
/// config's own value always wins.
/// </summary>
/// <remarks>
/// The sender is split in two so that a phone number is always an identity: <see cref="OriginationNumber"/> holds a
/// number (E.164), claimed by the config so that two-way SMS to it reaches this tenant only; <see cref="OriginationIdentity"/>
/// holds everything else AWS takes (a sender ID, a pool ID, a phone number ID, or the ARN of one of them) and refuses
/// bare numbers. When both are set, messages go out from the origination identity and the number still receives.
/// </remarks>
public static class AwsSmsDefinition
{
    /// <summary>Setting: the AWS region, for example <c>us-east-1</c>. Required for a config that sends.</summary>
    public const string Region = "region";

    /// <summary>Setting: a sender ID, pool ID, phone number ID or ARN messages are sent from (<c>OriginationIdentity</c>); not a phone number.</summary>
    public const string OriginationIdentity = "origination_identity";

    /// <summary>Setting: the phone number (E.164) messages are sent from and two-way SMS arrives on; an identity of the config.</summary>
    public const string OriginationNumber = "origination_number";

    /// <summary>Setting: the configuration set name or ARN (<c>ConfigurationSetName</c>); its event destinations publish delivery events.</summary>
    public const string ConfigurationSet = "configuration_set";

    /// <summary>Setting: the protect configuration ID or ARN (<c>ProtectConfigurationId</c>).</summary>
    public const string ProtectConfigurationId = "protect_configuration_id";

    /// <summary>Setting: <c>transactional</c> or <c>promotional</c> (<c>MessageType</c> of text messages).</summary>
    public const string MessageType = "message_type";

    /// <summary>Setting: the most, in USD, one message may cost (<c>MaxPrice</c>: above 0, below 100, at most 5 decimals).</summary>
    public const string MaxPrice = "max_price";

    /// <summary>Setting: how many seconds AWS keeps trying to hand a message over (<c>TimeToLive</c>: 5 to 259200).</summary>
    public const string TimeToLive = "time_to_live";

    /// <summary>Setting: <c>true</c> to have AWS validate messages without delivering them (<c>DryRun</c>).</summary>
    public const string DryRun = "dry_run";

    /// <summary>Setting: the SNS topic ARNs (comma-separated) this config receives delivery events and two-way SMS from.</summary>
    public const string TopicArns = "topic_arns";

    /// <summary>The values of <see cref="MessageType"/>.</summary>
    public static IReadOnlyList<string> MessageTypes { get; } = ["transactional", "promotional"];

    /// <summary>The definition.</summary>
    public static ProviderDefinition Instance { get; } = new(
        PhoneProviders.AwsSms,
        [
            new ProviderSetting(Region, ProviderSettingKind.Text, "The AWS region, for example us-east-1.")
            {
                Pattern = AwsSnsDefinition.RegionPattern(),
                PatternDescription = "an AWS region such as 'us-east-1'",
            },

            // Declared before the number: when both are set the identity is what messages go out from (and record as From).
            new ProviderSetting(OriginationIdentity, ProviderSettingKind.Text,
                "A sender ID, pool ID, phone number ID, or the ARN of one, that messages are sent from; a phone number goes in origination_number.")
            {
                IsSender = true,
                Pattern = AwsSmsLimits.NonNumberOriginationIdentity(),
                PatternDescription = "a sender ID, pool ID, phone number ID or ARN (1 to 256 letters, digits and _ : / + -), not a phone number (use origination_number)",
                MaxLength = 256,
            },
            new ProviderSetting(OriginationNumber, ProviderSettingKind.PhoneNumber, "The number messages are sent from and two-way SMS arrives on.")
            {
                IdentityKind = ProviderIdentityKinds.PhoneNumber,
                IsSender = true,
            },
            new ProviderSetting(ConfigurationSet, ProviderSettingKind.Text, "The configuration set name or ARN; its SNS event destination delivers receipts to one of topic_arns.")
            {
                Pattern = AwsSmsLimits.ResourceNameOrArn(),
                PatternDescription = "a name or ARN of 1 to 256 letters, digits and _ : / -",
                MaxLength = 256,
            },
            new ProviderSetting(ProtectConfigurationId, ProviderSettingKind.Text, "The protect configuration ID or ARN applied to every message.")
            {
                Pattern = AwsSmsLimits.ResourceNameOrArn(),
                PatternDescription = "an ID or ARN of 1 to 256 letters, digits and _ : / -",
                MaxLength = 256,
            },
            new ProviderSetting(MessageType, ProviderSettingKind.Choice, "The message type of text messages: transactional or promotional.")
            {
                Choices = MessageTypes,
            },
            new ProviderSetting(MaxPrice, ProviderSettingKind.Number, "The most, in USD, one message may cost; AWS refuses messages that would cost more.")
            {
                Minimum = 0.00001m,
                Maximum = 99.99999m,
            },
            new ProviderSetting(TimeToLive, ProviderSettingKind.WholeNumber, "How many seconds AWS keeps trying to hand a message over (5 to 259200, that is 72 hours).")
            {
                Minimum = AwsSmsLimits.MinTimeToLiveSeconds,
                Maximum = AwsSmsLimits.MaxTimeToLiveSeconds,
            },
            new ProviderSetting(DryRun, ProviderSettingKind.Boolean, "When true, AWS validates every message without delivering it; messages are stored as canceled with code dry_run."),
            new ProviderSetting(TopicArns, ProviderSettingKind.List, "The SNS topics this config receives delivery events and two-way SMS from; a notification from any other topic is refused.")
            {
                IdentityKind = ProviderIdentityKinds.Topic,
                Pattern = AwsSnsDefinition.TopicArnPattern(),
                PatternDescription = "SNS topic ARNs such as 'arn:aws:sns:us-east-1:123456789012:sms-events'",
                MaxLength = 2000,
            },
        ],
        AwsCredentialResolver.Fields,
        validation =>
        {
            if (validation.Sends && !validation.Has(Region))
            {
                validation.AddError(Region, "An aws-sms config that sends needs a region.");
            }

            // The range is checked per setting; AWS's pattern also allows no more than 5 decimals.
            if (validation.Settings.TryGetValue(MaxPrice, out var price)
                && decimal.TryParse(price, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && AwsSmsLimits.FormatMaxPrice(value) is null)
            {
                validation.AddError(MaxPrice, "'max_price' may have at most 5 decimals.");
            }
        })
    {
        // SendMediaMessage fetches media from Amazon S3 only.
        MediaUrlSchemes = ["s3"],
        SenderPattern = AwsSmsLimits.OriginationIdentityPattern(),
        SenderPatternDescription = "a sender ID, pool ID, phone number ID or ARN (1 to 256 letters, digits and _ : / + -)",

        // SendTextMessage refuses a number on the config's opt-out list with ConflictException
        // DESTINATION_PHONE_NUMBER_OPTED_OUT, mapped to this code.
        OptOutErrorCodes = new HashSet<string>(StringComparer.Ordinal) { AwsSmsErrorCodes.OptedOut },
    };
}
