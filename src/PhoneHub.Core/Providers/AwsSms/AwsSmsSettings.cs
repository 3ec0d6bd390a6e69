using PhoneHub.Configuration;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Providers.AwsSms;

/// <summary>Everything one <c>aws-sms</c> send needs to know about its config, resolved once per call.</summary>
/// <param name="Region">The AWS region, or <see langword="null"/> when the config has none (the call then fails as <c>invalid_config</c>).</param>
/// <param name="OriginationIdentity">Phone number, sender ID, pool ID, or the ARN of one of them; <see langword="null"/> lets AWS choose (text only).</param>
/// <param name="ConfigurationSetName">Configuration set name or ARN.</param>
/// <param name="ProtectConfigurationId">Protect configuration ID or ARN.</param>
/// <param name="MessageType">Transactional or promotional; <see langword="null"/> for the account default.</param>
/// <param name="MaxPrice">USD per message.</param>
/// <param name="TimeToLive">How long AWS tries to hand the message over.</param>
/// <param name="DryRun">Validate only, deliver nothing.</param>
/// <param name="OptOutListName">The opt-out list opt-out calls use.</param>
internal sealed record AwsSmsSettings(
    string? Region,
    string? OriginationIdentity,
    string? ConfigurationSetName,
    string? ProtectConfigurationId,
    AwsSmsType? MessageType,
    decimal? MaxPrice,
    TimeSpan? TimeToLive,
    bool DryRun,
    string OptOutListName)
{
    /// <summary>
    /// Reads a config's settings. Configs carry only <c>AwsRegion</c>, <c>AwsOriginationNumber</c> and <c>AwsSenderId</c>
    /// today, so the rest comes from the host-wide <see cref="AwsSmsOptions"/>. This is the one place that knows where the
    /// settings live: pointing the provider at a provider-owned settings bag means changing only this method.
    /// </summary>
    public static AwsSmsSettings Read(PhoneConfig config, AwsSmsOptions options) => new(
        Region: config.AwsRegion,
        OriginationIdentity: config.AwsOriginationNumber ?? config.AwsSenderId ?? options.OriginationIdentity,
        ConfigurationSetName: options.ConfigurationSetName,
        ProtectConfigurationId: options.ProtectConfigurationId,
        MessageType: options.MessageType,
        MaxPrice: options.MaxPrice,
        TimeToLive: options.TimeToLive,
        DryRun: options.DryRun,
        OptOutListName: options.OptOutListName);
}
