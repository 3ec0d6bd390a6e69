using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Providers.AwsSms;

/// <summary>Where one call goes and how it is signed.</summary>
/// <param name="Endpoint">The service URL.</param>
/// <param name="Region">The region signed into the request.</param>
/// <param name="Credentials">The credentials that sign it (their <c>ToString</c> hides the secrets).</param>
internal sealed record AwsSmsTarget(Uri Endpoint, string Region, AwsCredentials Credentials);

/// <summary>
/// The <c>pinpoint-sms-voice-v2</c> wire protocol, spoken directly: AWS JSON 1.0 (<c>POST /</c>,
/// <c>Content-Type: application/x-amz-json-1.0</c>, <c>X-Amz-Target: PinpointSMSVoiceV2.&lt;Action&gt;</c>, the input
/// document as the body), signed with Signature V4 under the signing name <c>sms-voice</c> (service model metadata:
/// targetPrefix, signingName, jsonVersion; the endpoint rule set gives <c>https://sms-voice.{Region}.{dnsSuffix}</c>).
/// </summary>
/// <remarks>
/// Sends go through a client without retries; the other actions go through one that retries throttling, 5xx answers
/// and network failures (they are reads, or idempotent writes). Each call is bounded by <see cref="AwsSmsOptions.Timeout"/>
/// on the injected <see cref="TimeProvider"/>, retries included.
/// </remarks>
internal sealed class AwsSmsClient(IHttpClientFactory httpClients, IOptionsMonitor<AwsSmsOptions> options, TimeProvider time)
{
    public const string SigningName = "sms-voice";
    public const string TargetPrefix = "PinpointSMSVoiceV2";
    public const string ContentType = "application/x-amz-json-1.0";

    private static AwsSmsJsonContext Json => AwsSmsJsonContext.Default;

    /// <summary>The regional endpoint, or <see cref="AwsSmsOptions.ServiceUrl"/> when set.</summary>
    public static Uri Endpoint(string region, AwsSmsOptions settings)
    {
        if (settings.ServiceUrl is { } url)
        {
            return url;
        }

        // The aws-cn partition's DNS suffix; every other commercial and GovCloud region uses amazonaws.com.
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://sms-voice.{region}.{suffix}/");
    }

    public Task<SendMessageResult> SendTextMessageAsync(AwsSmsTarget target, SendTextMessageRequest request, CancellationToken cancellationToken) =>
        CallAsync(target, "SendTextMessage", request, Json.SendTextMessageRequest, Json.SendMessageResult, AwsSmsPhoneHubBuilderExtensions.SendHttpClientName, cancellationToken);

    public Task<SendMessageResult> SendMediaMessageAsync(AwsSmsTarget target, SendMediaMessageRequest request, CancellationToken cancellationToken) =>
        CallAsync(target, "SendMediaMessage", request, Json.SendMediaMessageRequest, Json.SendMessageResult, AwsSmsPhoneHubBuilderExtensions.SendHttpClientName, cancellationToken);

    public Task<DescribeAccountAttributesResult> DescribeAccountAttributesAsync(AwsSmsTarget target, DescribeAccountAttributesRequest request, CancellationToken cancellationToken) =>
        CallAsync(target, "DescribeAccountAttributes", request, Json.DescribeAccountAttributesRequest, Json.DescribeAccountAttributesResult, AwsSmsPhoneHubBuilderExtensions.ApiHttpClientName, cancellationToken);

    public Task<PutOptedOutNumberResult> PutOptedOutNumberAsync(AwsSmsTarget target, PutOptedOutNumberRequest request, CancellationToken cancellationToken) =>
        CallAsync(target, "PutOptedOutNumber", request, Json.PutOptedOutNumberRequest, Json.PutOptedOutNumberResult, AwsSmsPhoneHubBuilderExtensions.ApiHttpClientName, cancellationToken);

    public Task<DescribeOptedOutNumbersResult> DescribeOptedOutNumbersAsync(AwsSmsTarget target, DescribeOptedOutNumbersRequest request, CancellationToken cancellationToken) =>
        CallAsync(target, "DescribeOptedOutNumbers", request, Json.DescribeOptedOutNumbersRequest, Json.DescribeOptedOutNumbersResult, AwsSmsPhoneHubBuilderExtensions.ApiHttpClientName, cancellationToken);

    /// <summary>Every entry of an opt-out list, following <c>NextToken</c> page by page (each page is one call, bounded and retried on its own).</summary>
    public async IAsyncEnumerable<OptedOutNumberInformation> DescribeAllOptedOutNumbersAsync(
        AwsSmsTarget target, DescribeOptedOutNumbersRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = request with { NextToken = null };
        while (true)
        {
            var result = await DescribeOptedOutNumbersAsync(target, page, cancellationToken).ConfigureAwait(false);
            foreach (var entry in result.OptedOutNumbers ?? [])
            {
                yield return entry;
            }

            if (string.IsNullOrEmpty(result.NextToken))
            {
                yield break;
            }

            if (!seen.Add(result.NextToken))
            {
                // A token handed out twice would page forever.
                throw new AwsSmsApiException("DescribeOptedOutNumbers", AwsSmsFailure.InvalidResponse, "AWS returned a page token it had already returned; paging stopped.");
            }

            page = page with { NextToken = result.NextToken };
        }
    }

    private async Task<TResult> CallAsync<TRequest, TResult>(
        AwsSmsTarget target, string action, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResult> resultInfo, string clientName, CancellationToken cancellationToken)
        where TResult : class
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestInfo);
        using var message = CreateSignedRequest(target, action, body, time.GetUtcNow());
        var client = httpClients.CreateClient(clientName);

        // The timeout runs on the injected clock (HttpClient.Timeout is off for these clients), so it is the same clock the
        // signature uses and tests can move it instead of waiting.
        using var timeout = new CancellationTokenSource(options.CurrentValue.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        int status;
        string? errorType;
        string? requestId;
        string text;
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            errorType = Header(response, "X-Amzn-ErrorType");
            requestId = Header(response, "X-Amzn-RequestId");
            text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
        {
            // No connection was made, so no byte of the request left this machine.
            throw new AwsSmsApiException(action, AwsSmsFailure.NotConnected, $"{target.Endpoint.Host} could not be reached ({ex.HttpRequestError}).", innerException: ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new AwsSmsApiException(action, AwsSmsFailure.Timeout, $"{target.Endpoint.Host} did not answer within {options.CurrentValue.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.", innerException: ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new AwsSmsApiException(action, AwsSmsFailure.NetworkFailure, $"The connection to {target.Endpoint.Host} failed during the call.", innerException: ex);
        }

        if (status is >= 200 and < 300)
        {
            TResult? result;
            try
            {
                result = JsonSerializer.Deserialize(text, resultInfo);
            }
            catch (JsonException ex)
            {
                throw new AwsSmsApiException(action, AwsSmsFailure.InvalidResponse, $"AWS answered HTTP {status} with a body that is not a {action} result.", innerException: ex);
            }

            return result ?? throw new AwsSmsApiException(action, AwsSmsFailure.InvalidResponse, $"AWS answered HTTP {status} with an empty {action} result.");
        }

        var error = AwsSmsError.Parse(status, errorType, text) with { RequestId = requestId };
        throw new AwsSmsApiException(action, status >= 500 ? AwsSmsFailure.ServerError : AwsSmsFailure.Rejected,
            $"AWS answered {action} with HTTP {status.ToString(CultureInfo.InvariantCulture)} ({error.Describe()}).", error);
    }

    /// <summary>The signed POST of one action: Host, Content-Type and X-Amz-Target are signed with the body, so none can be altered on the way.</summary>
    internal static HttpRequestMessage CreateSignedRequest(AwsSmsTarget target, string action, byte[] body, DateTimeOffset now)
    {
        var endpoint = target.Endpoint;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        var amzTarget = TargetPrefix + "." + action;

        // The Host header is set explicitly so that what is signed is exactly what goes on the wire.
        var host = endpoint.IsDefaultPort ? endpoint.IdnHost : $"{endpoint.IdnHost}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", amzTarget);

        var signature = AwsSigV4Signer.Sign(
            new AwsSigningRequest("POST", endpoint.AbsolutePath, endpoint.Query.TrimStart('?'),
            [
                new("Host", host),
                new("Content-Type", ContentType),
                new("X-Amz-Target", amzTarget),
            ], body),
            target.Credentials, target.Region, SigningName, now);

        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
