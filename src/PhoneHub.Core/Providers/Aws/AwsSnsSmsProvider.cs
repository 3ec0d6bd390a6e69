using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;

namespace PhoneHub.Providers.Aws;

/// <summary>
/// Sends SMS through Amazon SNS's Query API (<c>Action=Publish</c> with a phone number), signed with Signature V4.
/// SNS has no lookup API, so this provider does not offer lookups: configs using it get metadata-only results.
/// </summary>
internal sealed class AwsSnsSmsProvider(
    IHttpClientFactory httpClientFactory,
    IAwsAmbientCredentials ambientCredentials,
    IOptionsMonitor<AwsSnsOptions> options,
    TimeProvider time,
    ILogger<AwsSnsSmsProvider> logger) : ISmsProvider
{
    public const string Service = "sns";
    public const string ApiVersion = "2010-03-31";
    private const int MaxStoredMessageLength = 300;

    private const string MissingCredentialsText = AwsCredentialResolver.MissingCredentialsText;

    // Codes (and HTTP statuses) meaning the credentials themselves were refused.
    private static readonly HashSet<string> CredentialErrors = new(StringComparer.Ordinal)
    {
        "InvalidClientTokenId", "SignatureDoesNotMatch", "AuthorizationError", "AccessDenied", "AccessDeniedException",
        "UnrecognizedClientException", "IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken", "ExpiredTokenException",
    };

    private static readonly HashSet<string> ThrottlingErrors = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
    };

    public ProviderDefinition Definition => AwsSnsDefinition.Instance;

    public string Name => PhoneProviders.Aws;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.MediaUrls.Count > 0)
        {
            throw new SmsProviderException("media_not_supported", "Amazon SNS sends text only; media URLs cannot be sent through an AWS config.");
        }

        var region = context.Setting(AwsSnsDefinition.Region) is { } r
            ? r
            : throw new SmsProviderException("invalid_config", "The AWS config has no region (setting region).") { Scope = SmsFailureScope.Provider };
        var credentials = await ResolveCredentialsAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new SmsProviderException(ConnectionErrorCodes.MissingCredentials, MissingCredentialsText) { Scope = SmsFailureScope.Provider };

        var settings = options.CurrentValue;
        var (senderId, originationNumber) = Senders(request.From, context.Config);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("Action", "Publish"),
            new("Version", ApiVersion),
            new("PhoneNumber", request.To),
            new("Message", request.Body),
        };
        var attributes = new List<(string Name, string DataType, string Value)>
        {
            ("AWS.SNS.SMS.SMSType", "String", settings.DefaultSmsType.ToString()),
        };
        if (senderId is not null)
        {
            attributes.Add(("AWS.SNS.SMS.SenderID", "String", senderId));
        }

        if (originationNumber is not null)
        {
            attributes.Add(("AWS.MM.SMS.OriginationNumber", "String", originationNumber));
        }

        if (settings.MaxPrice is { } maxPrice)
        {
            // SNS documents MaxPrice as a Number attribute.
            attributes.Add(("AWS.SNS.SMS.MaxPrice", "Number", maxPrice.ToString(CultureInfo.InvariantCulture)));
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            var prefix = $"MessageAttributes.entry.{i + 1}.";
            parameters.Add(new(prefix + "Name", attributes[i].Name));
            parameters.Add(new(prefix + "Value.DataType", attributes[i].DataType));
            parameters.Add(new(prefix + "Value.StringValue", attributes[i].Value));
        }

        AwsLog.Publishing(logger, request.MessageId, region, credentials.Source);
        using var message = CreateSignedRequest(Endpoint(region, settings), region, credentials, parameters, time.GetUtcNow());
        var client = httpClientFactory.CreateClient(AwsPhoneHubBuilderExtensions.PublishHttpClientName);

        HttpStatusCode status;
        string body;
        try
        {
            using var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
        {
            // No connection was made, so the request never left: a definite failure, safe to send elsewhere.
            AwsLog.PublishOutcomeUnknown(logger, request.MessageId, "connection refused");
            throw new SmsProviderException(ConnectionErrorCodes.Unreachable, "SNS could not be reached; the message was not sent.", outcomeUnknown: false, ex)
            {
                Scope = SmsFailureScope.Provider,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            // A timeout or a dropped connection says nothing about whether SNS took the message: never re-send it blindly.
            var reason = ex is OperationCanceledException ? "timeout" : "network failure";
            AwsLog.PublishOutcomeUnknown(logger, request.MessageId, reason);
            throw new SmsProviderException("outcome_unknown",
                $"SNS did not answer ({reason}); it may have accepted the message, so it was not re-sent.", outcomeUnknown: true, ex);
        }

        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            if (AwsSnsXml.PublishMessageId(body) is { } messageId)
            {
                AwsLog.Published(logger, request.MessageId, messageId);
                return new SmsSendResult { ProviderMessageId = messageId, Status = Messaging.SmsStatus.Sent, From = originationNumber ?? senderId };
            }

            AwsLog.PublishOutcomeUnknown(logger, request.MessageId, "success without a MessageId");
            throw new SmsProviderException("outcome_unknown", $"SNS answered HTTP {code} without a MessageId; it may have accepted the message.", outcomeUnknown: true);
        }

        var (errorCode, errorText) = AwsSnsXml.Error(body);
        if (code >= 500)
        {
            // A server error may come after SNS accepted the message; the outcome is unknown.
            AwsLog.PublishOutcomeUnknown(logger, request.MessageId, $"HTTP {code}");
            throw new SmsProviderException("outcome_unknown",
                $"SNS answered HTTP {code}{(errorCode is null ? "" : $" ({errorCode})")}; it may have accepted the message, so it was not re-sent.", outcomeUnknown: true);
        }

        var finalCode = errorCode ?? "provider_error";
        AwsLog.PublishRejected(logger, request.MessageId, finalCode, code);
        throw new SmsProviderException(finalCode, $"SNS refused the message ({finalCode}): {SafeText(finalCode, errorText, credentials) ?? $"HTTP {code}"}")
        {
            Scope = (errorCode is not null && CredentialErrors.Contains(errorCode)) || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? SmsFailureScope.Provider
                : SmsFailureScope.Message,
            Throttled = IsThrottling(status, body),
        };
    }

    public async Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Setting(AwsSnsDefinition.Region) is not { } region)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidConfig, "The AWS config has no region (setting region).");
        }

        AwsCredentials? credentials;
        try
        {
            credentials = await ResolveCredentialsAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (SmsProviderException ex)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.MissingCredentials, ex.Message);
        }

        if (credentials is null)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.MissingCredentials, MissingCredentialsText);
        }

        // GetSMSAttributes reads one account setting: signed and authorized like Publish, but sends nothing and costs nothing.
        var settings = options.CurrentValue;
        var endpoint = Endpoint(region, settings);
        using var message = CreateSignedRequest(endpoint, region, credentials,
        [
            new("Action", "GetSMSAttributes"),
            new("Version", ApiVersion),
            new("attributes.member.1", "DefaultSMSType"),
        ], time.GetUtcNow());
        var client = httpClientFactory.CreateClient(AwsPhoneHubBuilderExtensions.ConnectionTestHttpClientName);

        HttpStatusCode status;
        string body;
        try
        {
            using var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or Polly.Timeout.TimeoutRejectedException)
        {
            var reason = ex is OperationCanceledException or Polly.Timeout.TimeoutRejectedException ? "timeout" : "network failure";
            AwsLog.ConnectionTestUnreachable(logger, context.Config.Id, reason);
            return ConnectionTestResult.Fail(ConnectionErrorCodes.Unreachable, $"SNS at {endpoint.Host} could not be reached ({reason}).");
        }

        var code = (int)status;
        var (errorCode, errorText) = AwsSnsXml.Error(body);
        AwsLog.ConnectionTested(logger, context.Config.Id, code, errorCode);
        if (code is >= 200 and < 300)
        {
            return ConnectionTestResult.Ok($"SNS accepted the credentials in {region}.");
        }

        var detail = SafeText(errorCode, errorText, credentials);
        var described = errorCode is null ? $"HTTP {code}" : $"{errorCode}, HTTP {code}";
        if ((errorCode is not null && CredentialErrors.Contains(errorCode)) || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidCredentials, $"SNS refused the credentials ({described}){(detail is null ? "." : ": " + detail)}");
        }

        if ((errorCode is not null && ThrottlingErrors.Contains(errorCode)) || status == HttpStatusCode.TooManyRequests)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.Throttled, $"SNS throttled the connection test ({described}); try again later.");
        }

        return ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderError, $"SNS answered with an error ({described}){(detail is null ? "." : ": " + detail)}");
    }

    /// <summary>Whether an SNS answer is throttling (SNS says so with HTTP 400 and a code, or with 429).</summary>
    internal static bool IsThrottling(HttpStatusCode status, string body) =>
        status == HttpStatusCode.TooManyRequests || (AwsSnsXml.Error(body).Code is { } code && ThrottlingErrors.Contains(code));

    /// <summary>Builds the signed, form-encoded POST for one Query API action.</summary>
    internal static HttpRequestMessage CreateSignedRequest(Uri endpoint, string region, AwsCredentials credentials, IEnumerable<KeyValuePair<string, string>> parameters, DateTimeOffset now)
    {
        var body = Encoding.UTF8.GetBytes(string.Join('&', parameters.Select(p => AwsSigV4Signer.UriEncode(p.Key) + "=" + AwsSigV4Signer.UriEncode(p.Value))));
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };

        // The Host header is set explicitly so that what is signed is exactly what goes on the wire.
        var host = endpoint.IsDefaultPort ? endpoint.IdnHost : $"{endpoint.IdnHost}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Host = host;

        var signature = AwsSigV4Signer.Sign(
            new AwsSigningRequest("POST", endpoint.AbsolutePath, endpoint.Query.TrimStart('?'),
            [
                new("Host", host),
                new("Content-Type", content.Headers.ContentType.ToString()),
            ], body),
            credentials, region, Service, now);

        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return request;
    }

    /// <summary>The endpoint: the configured override, else SNS's regional endpoint.</summary>
    internal static Uri Endpoint(string region, AwsSnsOptions settings)
    {
        if (settings.ServiceUrl is { } url)
        {
            return url;
        }

        // China regions live under their own DNS suffix.
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://sns.{region}.{suffix}/");
    }

    private Task<AwsCredentials?> ResolveCredentialsAsync(ProviderContext context, CancellationToken cancellationToken) =>
        AwsCredentialResolver.ResolveAsync(context, ambientCredentials, logger, cancellationToken);

    private static (string? SenderId, string? OriginationNumber) Senders(string? from, PhoneConfig config)
    {
        // An explicit sender replaces the config's sender of the same kind: E.164 numbers are origination numbers, anything else a sender ID.
        if (string.IsNullOrEmpty(from))
        {
            return (config.Setting(AwsSnsDefinition.SenderId), config.Setting(AwsSnsDefinition.OriginationNumber));
        }

        return from.StartsWith('+') ? (config.Setting(AwsSnsDefinition.SenderId), from) : (from, config.Setting(AwsSnsDefinition.OriginationNumber));
    }

    /// <summary>SNS's own error text, made safe to store: secrets removed, bounded length.</summary>
    private static string? SafeText(string? code, string? text, AwsCredentials credentials)
    {
        if (code == "SignatureDoesNotMatch")
        {
            // That answer quotes the canonical request (headers included); a fixed text is enough to act on.
            return "the request signature does not match; check the secret access key and the host's clock.";
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Replace(credentials.SecretAccessKey, "***", StringComparison.Ordinal);
        if (credentials.SessionToken is { } token)
        {
            text = text.Replace(token, "***", StringComparison.Ordinal);
        }

        return text.Length <= MaxStoredMessageLength ? text : string.Concat(text.AsSpan(0, MaxStoredMessageLength), "…");
    }
}
