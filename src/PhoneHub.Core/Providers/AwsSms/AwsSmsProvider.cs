using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Providers.AwsSms;

/// <summary>
/// Sends SMS and MMS through AWS End User Messaging SMS (<c>SendTextMessage</c>, <c>SendMediaMessage</c>) for configs
/// whose provider is <c>aws-sms</c>, and checks connections with <c>DescribeAccountAttributes</c>. No lookup API exists,
/// so lookups for these configs are metadata-only.
/// </summary>
/// <remarks>
/// PhoneHub's message id travels in the message's <c>Context</c> under <see cref="MessageIdContextKey"/>, so every delivery
/// event AWS publishes for it names the stored message even before the provider's message id is recorded.
/// </remarks>
internal sealed class AwsSmsProvider(
    AwsSmsClient client,
    IAwsAmbientCredentials ambientCredentials,
    IOptionsMonitor<AwsSmsOptions> options,
    ILogger<AwsSmsProvider> logger) : ISmsProvider
{
    /// <summary>The <c>Context</c> key that carries PhoneHub's message id (a ContextKey: 1-100 characters, no whitespace).</summary>
    public const string MessageIdContextKey = "phonehub_message_id";

    private const string NoRegionText = "The aws-sms config has no region (setting region).";

    public ProviderDefinition Definition => AwsSmsDefinition.Instance;

    public string Name => PhoneProviders.AwsSms;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var settings = AwsSmsSettings.Read(context.Config, options.CurrentValue);

        // Everything PhoneHub can check itself is checked before credentials are looked up or a byte is sent.
        var region = RequireRegion(settings);
        var origination = string.IsNullOrEmpty(request.From) ? settings.OriginationIdentity : request.From;
        if (origination is not null && !AwsSmsLimits.IsOriginationIdentity(origination))
        {
            throw new SmsProviderException(string.IsNullOrEmpty(request.From) ? AwsSmsErrorCodes.InvalidConfig : AwsSmsErrorCodes.InvalidRequest,
                "An AWS End User Messaging sender is a phone number, sender ID, pool ID or an ARN: 1 to 256 letters, digits and _ : / + -.");
        }

        var maxPrice = settings.MaxPrice is { } price
            ? AwsSmsLimits.FormatMaxPrice(price) ?? throw InvalidConfig("The maximum price must be more than 0 and less than 100 (USD), with at most 5 decimals.")
            : null;
        int? ttl = settings.TimeToLive is { } timeToLive
            ? AwsSmsLimits.TimeToLiveSeconds(timeToLive) ?? throw InvalidConfig("The time to live must be whole seconds from 5 seconds to 72 hours.")
            : null;
        var isMedia = request.MediaUrls.Count > 0;
        if (isMedia)
        {
            CheckMedia(request.MediaUrls);
            if (origination is null)
            {
                throw InvalidConfig("Media messages need an origination identity: set the config's origination_number or origination_identity, or PhoneHub:AwsSms:OriginationIdentity.");
            }
        }

        var credentials = await ResolveCredentialsAsync(context, cancellationToken).ConfigureAwait(false);
        var target = new AwsSmsTarget(AwsSmsClient.Endpoint(region, options.CurrentValue), region, credentials);
        var correlation = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MessageIdContextKey] = request.MessageId.ToString(CultureInfo.InvariantCulture),
        };
        var body = string.IsNullOrEmpty(request.Body) ? null : request.Body;
        bool? dryRun = settings.DryRun ? true : null;

        var action = isMedia ? "SendMediaMessage" : "SendTextMessage";
        AwsSmsLog.Sending(logger, action, request.MessageId, region, credentials.Source);
        SendMessageResult result;
        try
        {
            result = isMedia
                ? await client.SendMediaMessageAsync(target, new SendMediaMessageRequest
                {
                    DestinationPhoneNumber = request.To,
                    OriginationIdentity = origination!,
                    MessageBody = body,
                    MediaUrls = [.. request.MediaUrls],
                    ConfigurationSetName = settings.ConfigurationSetName,
                    MaxPrice = maxPrice,
                    TimeToLive = ttl,
                    Context = correlation,
                    DryRun = dryRun,
                    ProtectConfigurationId = settings.ProtectConfigurationId,
                }, cancellationToken).ConfigureAwait(false)
                : await client.SendTextMessageAsync(target, new SendTextMessageRequest
                {
                    DestinationPhoneNumber = request.To,
                    OriginationIdentity = origination,
                    MessageBody = body,
                    MessageType = WireName(settings.MessageType),
                    ConfigurationSetName = settings.ConfigurationSetName,
                    MaxPrice = maxPrice,
                    TimeToLive = ttl,
                    Context = correlation,
                    DryRun = dryRun,
                    ProtectConfigurationId = settings.ProtectConfigurationId,
                }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsSmsApiException ex)
        {
            var mapped = AwsSmsErrorMapping.ForSend(ex, credentials);
            switch (ex.Failure)
            {
                case AwsSmsFailure.Rejected:
                    AwsSmsLog.Refused(logger, request.MessageId, mapped.ErrorCode, ex.Error!.Describe(), ex.Error.StatusCode, ex.Error.RequestId);
                    break;
                case AwsSmsFailure.NotConnected:
                    AwsSmsLog.NotConnected(logger, action, request.MessageId);
                    break;
                default:
                    AwsSmsLog.OutcomeUnknown(logger, action, request.MessageId, ex.Failure.ToString());
                    break;
            }

            throw mapped;
        }

        if (string.IsNullOrEmpty(result.MessageId))
        {
            // Accepted (2xx) but without an id: tracking is impossible and re-sending unsafe.
            AwsSmsLog.OutcomeUnknown(logger, action, request.MessageId, "success without a MessageId");
            throw new SmsProviderException(AwsSmsErrorCodes.OutcomeUnknown,
                "AWS answered without a MessageId; it may have accepted the message, so it was not re-sent.", outcomeUnknown: true);
        }

        AwsSmsLog.Accepted(logger, request.MessageId, result.MessageId, settings.DryRun ? " (dry run, not delivered)" : "");
        return settings.DryRun
            ? new SmsSendResult
            {
                ProviderMessageId = result.MessageId,
                Status = SmsStatus.Canceled,
                From = origination,
                ErrorCode = AwsSmsErrorCodes.DryRun,
                ErrorMessage = "AWS End User Messaging validated the message in a dry run and did not deliver it.",
            }
            // Accepted, not sent: the answer only says AWS took the request. Delivery events move it on from here.
            : new SmsSendResult { ProviderMessageId = result.MessageId, Status = SmsStatus.Accepted, From = origination };
    }

    public async Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Only the region and the credentials matter here; the sending settings are checked by each send.
        if (context.Setting(AwsSmsDefinition.Region) is not { } region)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidConfig, NoRegionText);
        }

        AwsCredentials credentials;
        try
        {
            credentials = await ResolveCredentialsAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (SmsProviderException ex)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.MissingCredentials, ex.Message);
        }

        // DescribeAccountAttributes is signed and authorized like a send, but sends nothing and costs nothing; it also says
        // whether the account is still in the sandbox.
        var target = new AwsSmsTarget(AwsSmsClient.Endpoint(region, options.CurrentValue), region, credentials);
        try
        {
            var result = await client.DescribeAccountAttributesAsync(target, new DescribeAccountAttributesRequest(), cancellationToken).ConfigureAwait(false);
            var tier = result.AccountAttributes?.FirstOrDefault(a => a.Name == AccountAttribute.AccountTier)?.Value;
            AwsSmsLog.ConnectionTested(logger, context.Config.Id, "ok");
            return new ConnectionTestResult
            {
                Success = true,
                AccountStatus = tier?.ToLowerInvariant(),
                Message = $"AWS End User Messaging accepted the credentials in {region}{(tier is null ? "" : $" (account tier {tier})")}.",
            };
        }
        catch (AwsSmsApiException ex)
        {
            var failed = AwsSmsErrorMapping.ForConnectionTest(ex, credentials);
            AwsSmsLog.ConnectionTested(logger, context.Config.Id, failed.ErrorCode ?? "failed");
            return failed;
        }
    }

    /// <summary>Adds a number to the opt-out list (<see cref="AwsSmsOptions.OptOutListName"/>); repeating it is harmless, so it is retried like reads.</summary>
    /// <exception cref="SmsProviderException">The config is incomplete, or AWS refused or could not be reached.</exception>
    internal async Task<PutOptedOutNumberResult> OptOutAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        ArgumentNullException.ThrowIfNull(context);
        var (target, settings) = await ResolveTargetAsync(context, cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.PutOptedOutNumberAsync(target, new PutOptedOutNumberRequest { OptOutListName = settings.OptOutListName, OptedOutNumber = e164 }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AwsSmsApiException ex)
        {
            AwsSmsLog.CallFailed(logger, ex.Action, context.Config.Id, ex.Failure.ToString(), ex.Error?.Describe());
            throw AwsSmsErrorMapping.ForCall(ex, target.Credentials);
        }
    }

    /// <summary>Every number on the opt-out list (<see cref="AwsSmsOptions.OptOutListName"/>), page after page.</summary>
    /// <exception cref="SmsProviderException">The config is incomplete, or AWS refused or could not be reached.</exception>
    internal async IAsyncEnumerable<OptedOutNumberInformation> ListOptedOutNumbersAsync(ProviderContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (target, settings) = await ResolveTargetAsync(context, cancellationToken).ConfigureAwait(false);
        var pages = client.DescribeAllOptedOutNumbersAsync(target, new DescribeOptedOutNumbersRequest { OptOutListName = settings.OptOutListName }, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (AwsSmsApiException ex)
                {
                    AwsSmsLog.CallFailed(logger, ex.Action, context.Config.Id, ex.Failure.ToString(), ex.Error?.Describe());
                    throw AwsSmsErrorMapping.ForCall(ex, target.Credentials);
                }

                yield return pages.Current;
            }
        }
    }

    private async Task<(AwsSmsTarget Target, AwsSmsSettings Settings)> ResolveTargetAsync(ProviderContext context, CancellationToken cancellationToken)
    {
        var settings = AwsSmsSettings.Read(context.Config, options.CurrentValue);
        var region = RequireRegion(settings);
        var credentials = await ResolveCredentialsAsync(context, cancellationToken).ConfigureAwait(false);
        return (new AwsSmsTarget(AwsSmsClient.Endpoint(region, options.CurrentValue), region, credentials), settings);
    }

    private async Task<AwsCredentials> ResolveCredentialsAsync(ProviderContext context, CancellationToken cancellationToken) =>
        await AwsCredentialResolver.ResolveAsync(context, ambientCredentials, logger, cancellationToken).ConfigureAwait(false)
        ?? throw new SmsProviderException(AwsSmsErrorCodes.MissingCredentials, AwsCredentialResolver.MissingCredentialsText) { Scope = SmsFailureScope.Provider };

    private static string RequireRegion(AwsSmsSettings settings) =>
        settings.Region is { Length: > 0 } region ? region : throw InvalidConfig(NoRegionText);

    private static void CheckMedia(IReadOnlyList<string> mediaUrls)
    {
        if (mediaUrls.Count > AwsSmsLimits.MaxMediaUrls)
        {
            throw new SmsProviderException(AwsSmsErrorCodes.MediaNotSupported,
                $"AWS End User Messaging sends one media file per message; this message has {mediaUrls.Count}.");
        }

        if (!mediaUrls.All(AwsSmsLimits.IsMediaUrl))
        {
            throw new SmsProviderException(AwsSmsErrorCodes.MediaNotSupported,
                "AWS End User Messaging sends media from Amazon S3 only: give the file as s3://bucket/key.");
        }
    }

    private static string? WireName(AwsSmsType? type) => type switch
    {
        AwsSmsType.Transactional => "TRANSACTIONAL",
        AwsSmsType.Promotional => "PROMOTIONAL",
        _ => null,
    };

    private static SmsProviderException InvalidConfig(string message) => new(AwsSmsErrorCodes.InvalidConfig, message) { Scope = SmsFailureScope.Provider };
}
