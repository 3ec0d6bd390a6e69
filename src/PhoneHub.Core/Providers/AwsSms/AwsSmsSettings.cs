using System.Globalization;
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
    /// Reads a config's settings (see <see cref="AwsSmsDefinition"/>); each one the config does not set falls back to the
    /// host-wide <see cref="AwsSmsOptions"/>. The region has no host default: it belongs to the account the config uses.
    /// </summary>
    /// <remarks>
    /// Settings were validated when the config was written; a value that no longer parses (a store edited by hand) is
    /// reported as <c>invalid_config</c> instead of silently falling back to the host default.
    /// </remarks>
    /// <exception cref="SmsProviderException">A stored setting cannot be read (<c>invalid_config</c>).</exception>
    public static AwsSmsSettings Read(PhoneConfig config, AwsSmsOptions options) => new(
        Region: config.Setting(AwsSmsDefinition.Region),
        OriginationIdentity: config.Setting(AwsSmsDefinition.OriginationIdentity)
            ?? config.Setting(AwsSmsDefinition.OriginationNumber)
            ?? options.OriginationIdentity,
        ConfigurationSetName: config.Setting(AwsSmsDefinition.ConfigurationSet) ?? options.ConfigurationSetName,
        ProtectConfigurationId: config.Setting(AwsSmsDefinition.ProtectConfigurationId) ?? options.ProtectConfigurationId,
        MessageType: config.Setting(AwsSmsDefinition.MessageType) switch
        {
            null => options.MessageType,
            { } type when type.Equals("transactional", StringComparison.OrdinalIgnoreCase) => AwsSmsType.Transactional,
            { } type when type.Equals("promotional", StringComparison.OrdinalIgnoreCase) => AwsSmsType.Promotional,
            _ => throw Unreadable(AwsSmsDefinition.MessageType),
        },
        MaxPrice: config.Setting(AwsSmsDefinition.MaxPrice) is not { } price ? options.MaxPrice
            : decimal.TryParse(price, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var maxPrice) ? maxPrice
            : throw Unreadable(AwsSmsDefinition.MaxPrice),
        TimeToLive: config.Setting(AwsSmsDefinition.TimeToLive) is not { } ttl ? options.TimeToLive
            : int.TryParse(ttl, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
            : throw Unreadable(AwsSmsDefinition.TimeToLive),
        DryRun: config.Setting(AwsSmsDefinition.DryRun) is not { } dryRun ? options.DryRun
            : bool.TryParse(dryRun, out var flag) ? flag
            : throw Unreadable(AwsSmsDefinition.DryRun),
        OptOutListName: options.OptOutListName);

    private static SmsProviderException Unreadable(string setting) =>
        new(AwsSmsErrorCodes.InvalidConfig, $"The config's setting {setting} cannot be read; save the config again with a valid value.");
}
