using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Security;
using Polly.Timeout;

namespace PhoneHub.Providers.Twilio;

/// <summary>
/// Twilio over its REST API: Messages (send), Lookup v2 (line type, carrier, caller name) and the account fetch
/// (connection test). Each call authenticates with the calling config's own credentials.
/// </summary>
internal sealed partial class TwilioProvider(
    IHttpClientFactory httpClients,
    IOptions<TwilioOptions> options,
    IProviderCallbackUrls callbacks,
    ILogger<TwilioProvider> logger) : ISmsProvider, IPhoneLookupProvider, IPumpingRiskProvider, ISmsPriceProvider
{
    private const string ApiVersion = "2010-04-01";

    public ProviderDefinition Definition => TwilioDefinition.Instance;

    public string Name => PhoneProviders.Twilio;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var auth = ResolveAuth(context, out var authError);
        if (auth is null)
        {
            throw new SmsProviderException(authError!.Value.Code, authError.Value.Message) { Scope = SmsFailureScope.Provider };
        }

        var form = BuildMessageForm(request, context.Config);
        var url = ApiUrl($"Accounts/{Uri.EscapeDataString(auth.AccountSid)}/Messages.json");
        using var httpRequest = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        auth.Apply(httpRequest);

        var client = httpClients.CreateClient(TwilioHttpClientNames.Messages);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(httpRequest, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
        {
            // No connection was made, so the request never left: a definite failure that is safe to send again.
            TwilioLog.MessageNotConnected(logger, ex, request.MessageId);
            throw new SmsProviderException(ConnectionErrorCodes.Unreachable, "Twilio could not be reached; the message was not sent.", outcomeUnknown: false, ex)
            {
                Scope = SmsFailureScope.Provider,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException or IOException)
        {
            TwilioLog.MessageOutcomeUnknown(logger, ex, request.MessageId, ex is HttpRequestException or IOException ? "network failure" : "timeout");
            throw OutcomeUnknown(ex is HttpRequestException or IOException
                ? "The connection to Twilio failed during the send"
                : "Twilio did not answer in time", ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                TwilioLog.MessageOutcomeUnknown(logger, ex, request.MessageId, "body not read");
                throw OutcomeUnknown("Twilio's answer could not be read", ex);
            }

            if (response.IsSuccessStatusCode)
            {
                var result = TryReadMessage(body);
                if (result is null)
                {
                    // Twilio accepted something (2xx) but we cannot tell what: tracking is impossible, re-sending unsafe.
                    TwilioLog.MessageOutcomeUnknown(logger, null, request.MessageId, "unreadable 2xx body");
                    throw OutcomeUnknown($"Twilio answered HTTP {status} without a readable message", null);
                }

                TwilioLog.MessageAccepted(logger, request.MessageId, result.ProviderMessageId, result.Status.ToWireName());
                return result;
            }

            if (status >= 500)
            {
                TwilioLog.MessageOutcomeUnknown(logger, null, request.MessageId, "HTTP " + status.ToString(CultureInfo.InvariantCulture));
                throw OutcomeUnknown($"Twilio answered HTTP {status}", null);
            }

            var error = TryReadError(body);
            var exception = new TwilioApiException(response.StatusCode, error, DescribeRefusal(status, error))
            {
                Scope = IsProviderRefusal(status, error) ? SmsFailureScope.Provider : SmsFailureScope.Message,

                // A 429 means Twilio did not take the message: slow down and send it again.
                Throttled = status == 429,
                RetryAfter = RetryAfterOf(response),
            };
            TwilioLog.MessageRefused(logger, request.MessageId, status, exception.ErrorCode);
            throw exception;
        }
    }

    public async Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        ArgumentNullException.ThrowIfNull(context);
        var auth = ResolveAuth(context, out var authError);
        if (auth is null)
        {
            throw new TwilioLookupException(authError!.Value.Code, authError.Value.Message);
        }

        using var httpRequest = new HttpRequestMessage(HttpMethod.Get, LookupUrl(e164));
        auth.Apply(httpRequest);
        var (statusCode, body, failure) = await GetAsync(TwilioHttpClientNames.Lookups, httpRequest, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            var unreachable = new TwilioLookupException(TwilioLookupErrorCodes.Unreachable, "Twilio Lookup could not be reached or did not answer in time.", innerException: failure);
            TwilioLog.LookupFailed(logger, failure, unreachable.ErrorCode, null, null);
            throw unreachable;
        }

        var status = (int)statusCode;
        if (status is < 200 or > 299)
        {
            var error = TryReadError(body);
            var code = status switch
            {
                401 or 403 => TwilioLookupErrorCodes.InvalidCredentials,
                404 => TwilioLookupErrorCodes.NotFound,
                429 => TwilioLookupErrorCodes.Throttled,
                >= 500 => TwilioLookupErrorCodes.ProviderError,
                _ => TwilioLookupErrorCodes.InvalidRequest,
            };
            var exception = new TwilioLookupException(code, "Twilio Lookup failed: " + DescribeRefusal(status, error), statusCode, error);
            TwilioLog.LookupFailed(logger, null, code, status, error?.Code);
            throw exception;
        }

        var result = TryReadLookup(body);
        if (result is null)
        {
            TwilioLog.LookupFailed(logger, null, TwilioLookupErrorCodes.InvalidResponse, status, null);
            throw new TwilioLookupException(TwilioLookupErrorCodes.InvalidResponse, "Twilio Lookup answered with a body that is not a lookup result.", statusCode);
        }

        return result;
    }

    /// <summary>Lookup v2 with <c>Fields=sms_pumping_risk</c> (a paid package of its own, so not part of the shared lookup).</summary>
    public async Task<PumpingRiskScore> GetPumpingRiskAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        ArgumentNullException.ThrowIfNull(context);
        var auth = ResolveAuth(context, out var authError) ?? throw new TwilioLookupException(authError!.Value.Code, authError.Value.Message);
        using var httpRequest = new HttpRequestMessage(HttpMethod.Get, Combine(options.Value.LookupsBaseUrl, "v2/PhoneNumbers/" + Uri.EscapeDataString(e164) + "?Fields=sms_pumping_risk"));
        auth.Apply(httpRequest);
        var (statusCode, body, failure) = await GetAsync(TwilioHttpClientNames.Lookups, httpRequest, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new TwilioLookupException(TwilioLookupErrorCodes.Unreachable, "Twilio Lookup could not be reached or did not answer in time.", innerException: failure);
        }

        var status = (int)statusCode;
        if (status is < 200 or > 299)
        {
            throw new TwilioLookupException(status == 429 ? TwilioLookupErrorCodes.Throttled : TwilioLookupErrorCodes.ProviderError,
                "Twilio Lookup (sms_pumping_risk) failed: " + DescribeRefusal(status, TryReadError(body)), statusCode);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("sms_pumping_risk", out var risk) || risk.ValueKind != JsonValueKind.Object)
            {
                return new PumpingRiskScore(null);
            }

            return new PumpingRiskScore(GetInt(risk, "sms_pumping_risk_score"))
            {
                NumberBlocked = GetBool(risk, "number_blocked") == true,
                CarrierRiskCategory = GetString(risk, "carrier_risk_category"),
            };
        }
        catch (JsonException ex)
        {
            throw new TwilioLookupException(TwilioLookupErrorCodes.InvalidResponse, "Twilio Lookup answered with a body that is not JSON.", statusCode, innerException: ex);
        }
    }

    /// <summary>Fetches a message (<c>GET .../Messages/{Sid}.json</c>) for the price Twilio set once it priced it.</summary>
    public async Task<SmsProviderPrice?> GetPriceAsync(string providerMessageId, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerMessageId);
        ArgumentNullException.ThrowIfNull(context);
        var auth = ResolveAuth(context, out _);
        if (auth is null)
        {
            return null;
        }

        using var httpRequest = new HttpRequestMessage(HttpMethod.Get, ApiUrl($"Accounts/{Uri.EscapeDataString(auth.AccountSid)}/Messages/{Uri.EscapeDataString(providerMessageId)}.json"));
        auth.Apply(httpRequest);
        var (statusCode, body, failure) = await GetAsync(TwilioHttpClientNames.Api, httpRequest, cancellationToken).ConfigureAwait(false);
        if (failure is not null || (int)statusCode is < 200 or > 299)
        {
            return null;
        }

        return TryReadMessage(body) is { Price: { } price } message ? new SmsProviderPrice(price, message.PriceUnit) : null;
    }

    public async Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await TestConnectionCoreAsync(context, cancellationToken).ConfigureAwait(false);
        TwilioLog.ConnectionTested(logger, context.Config.Id, result.Success ? "ok" : result.ErrorCode ?? "failed");
        return result;
    }

    private async Task<ConnectionTestResult> TestConnectionCoreAsync(ProviderContext context, CancellationToken cancellationToken)
    {
        var auth = ResolveAuth(context, out var authError);
        if (auth is null)
        {
            return ConnectionTestResult.Fail(authError!.Value.Code, authError.Value.Message);
        }

        using var httpRequest = new HttpRequestMessage(HttpMethod.Get, ApiUrl($"Accounts/{Uri.EscapeDataString(auth.AccountSid)}.json"));
        auth.Apply(httpRequest);
        var (statusCode, body, failure) = await GetAsync(TwilioHttpClientNames.Api, httpRequest, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.Unreachable, "Twilio could not be reached or did not answer in time.");
        }

        var status = (int)statusCode;
        if (status is < 200 or > 299)
        {
            var error = TryReadError(body);
            return status switch
            {
                // Twilio answers 404 for an account the credentials cannot see.
                401 or 403 or 404 => ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidCredentials, "Twilio rejected the credentials for this account: " + DescribeRefusal(status, error)),
                429 => ConnectionTestResult.Fail(ConnectionErrorCodes.Throttled, "Twilio throttled the request; try again later."),
                _ => ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderError, "Twilio failed: " + DescribeRefusal(status, error)),
            };
        }

        string? accountStatus;
        string? friendlyName;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderError, "Twilio answered with a body that is not an account.");
            }

            accountStatus = GetString(root, "status");
            friendlyName = GetString(root, "friendly_name");
        }
        catch (JsonException)
        {
            return ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderError, "Twilio answered with a body that is not JSON.");
        }

        if (accountStatus is not null && !string.Equals(accountStatus, "active", StringComparison.OrdinalIgnoreCase))
        {
            var inactive = ConnectionTestResult.Fail(ConnectionErrorCodes.AccountInactive, $"The Twilio account is {accountStatus}.");
            return inactive with { AccountStatus = accountStatus, AccountName = friendlyName };
        }

        return ConnectionTestResult.Ok("Twilio accepted the credentials.") with { AccountStatus = accountStatus, AccountName = friendlyName };
    }

    /// <summary>Sends a safe GET; transport failures and timeouts (after the pipeline's retries) come back as <c>Failure</c>.</summary>
    private async Task<(HttpStatusCode Status, string Body, Exception? Failure)> GetAsync(string clientName, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var client = httpClients.CreateClient(clientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException or IOException)
        {
            return (default, "", ex);
        }
    }

    private List<KeyValuePair<string, string>> BuildMessageForm(SmsSendRequest request, PhoneConfig config)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", request.To) };

        // An explicit sender wins; otherwise the config's number; a messaging service picks the sender from its pool.
        var from = string.IsNullOrWhiteSpace(request.From) ? config.Setting(TwilioDefinition.FromNumber) : request.From;
        if (!string.IsNullOrWhiteSpace(from) && !SenderIds.MessagingServiceSid().IsMatch(from))
        {
            form.Add(new("From", from));
        }
        else
        {
            var service = from ?? config.Setting(TwilioDefinition.MessagingServiceSid);
            if (string.IsNullOrWhiteSpace(service))
            {
                throw new SmsProviderException(ConnectionErrorCodes.InvalidConfig, "The Twilio config has neither a from number nor a messaging service SID.") { Scope = SmsFailureScope.Provider };
            }

            form.Add(new("MessagingServiceSid", service));
        }

        form.Add(new("Body", request.Body));

        // Twilio takes arrays as repeated keys (MediaUrl=a&MediaUrl=b).
        foreach (var media in request.MediaUrls)
        {
            form.Add(new("MediaUrl", media));
        }

        if (callbacks.GetStatusCallbackUrl(Name) is { } callback)
        {
            form.Add(new("StatusCallback", callback));
        }

        return form;
    }

    private Uri ApiUrl(string relative) => Combine(options.Value.ApiBaseUrl, $"{ApiVersion}/{relative}");

    private Uri LookupUrl(string e164)
    {
        // One comma-separated Fields value: Twilio (and its spec) take a single string, not a repeated key.
        var fields = string.Join(',', (options.Value.Fields ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        var path = "v2/PhoneNumbers/" + Uri.EscapeDataString(e164);
        return Combine(options.Value.LookupsBaseUrl, fields.Length == 0 ? path : path + "?Fields=" + fields);
    }

    private static Uri Combine(Uri baseUrl, string relative) => new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + relative);

    // Refusals of the account, the credentials or the config's sender, before this message was considered: another
    // config can send it. 20003 authentication, 20005 account not active, 21212 invalid From, 21606 From not able to
    // send to the destination from this account, 21659 From not a Twilio number of the account.
    private static readonly HashSet<int> ProviderRefusals = [20003, 20005, 21212, 21606, 21659];

    private static bool IsProviderRefusal(int status, TwilioError? error) =>
        status is 401 or 403 || (error?.Code is { } code && ProviderRefusals.Contains(code));

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow > TimeSpan.Zero ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
        _ => null,
    };

    private static SmsProviderException OutcomeUnknown(string what, Exception? inner) => new(
        "outcome_unknown",
        what + "; Twilio may have accepted the message, so it was not sent again. Check the Twilio console before re-sending.",
        outcomeUnknown: true,
        inner);

    private static string DescribeRefusal(int status, TwilioError? error)
    {
        var text = new StringBuilder("HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
        if (error?.Code is { } code)
        {
            text.Append(", Twilio error ").Append(code.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrWhiteSpace(error?.Message))
        {
            text.Append(": ").Append(error.Message);
        }

        if (!string.IsNullOrWhiteSpace(error?.MoreInfo))
        {
            text.Append(" (").Append(error.MoreInfo).Append(')');
        }

        return text.Append('.').ToString();
    }

    internal static TwilioError? TryReadError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var error = new TwilioError(GetInt(root, "code"), GetString(root, "message"), GetString(root, "more_info"), GetInt(root, "status"));
            return error is { Code: null, Message: null, MoreInfo: null, Status: null } ? null : error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static SmsSendResult? TryReadMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || GetString(root, "sid") is not { Length: > 0 } sid)
            {
                return null;
            }

            return new SmsSendResult
            {
                ProviderMessageId = sid,

                // Twilio may add statuses; an unknown one still means "accepted, not final".
                Status = SmsStatuses.TryParse(GetString(root, "status"), out var status) ? status : SmsStatus.Queued,
                From = GetString(root, "from"),
                Segments = GetInt(root, "num_segments"),

                // Twilio reports charges as negative amounts ("-0.00750") and null until priced; kept as reported.
                Price = GetDecimal(root, "price"),
                PriceUnit = GetString(root, "price_unit"),
                ErrorCode = GetInt(root, "error_code")?.ToString(CultureInfo.InvariantCulture) ?? GetString(root, "error_code"),
                ErrorMessage = GetString(root, "error_message"),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static PhoneLookupResult? TryReadLookup(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Twilio answers 200 for invalid numbers: valid=false with reasons such as TOO_SHORT.
            var hasValidationErrors = root.TryGetProperty("validation_errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0;
            var valid = GetBool(root, "valid") ?? !hasValidationErrors;

            string? lineType = null;
            string? carrier = null;
            if (root.TryGetProperty("line_type_intelligence", out var lti) && lti.ValueKind == JsonValueKind.Object)
            {
                lineType = MapLineType(GetString(lti, "type"));
                carrier = GetString(lti, "carrier_name");
            }

            string? callerName = null;
            CallerType? callerType = null;
            if (root.TryGetProperty("caller_name", out var caller) && caller.ValueKind == JsonValueKind.Object)
            {
                callerName = GetString(caller, "caller_name") is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim() : null;
                callerType = MapCallerType(GetString(caller, "caller_type"));
            }

            // "unknown" says Twilio has no line type either: report mobile/VoIP as not known rather than false.
            var known = lineType is not null and not LineTypes.Unknown;
            return new PhoneLookupResult
            {
                Provider = PhoneProviders.Twilio,
                IsValid = valid && !hasValidationErrors,
                Region = GetString(root, "country_code")?.ToUpperInvariant(),
                CountryCode = GetString(root, "calling_country_code")?.TrimStart('+'),
                Carrier = carrier,
                LineType = lineType,
                IsMobile = known ? lineType == LineTypes.Mobile : null,
                IsVoip = known ? lineType is LineTypes.FixedVoip or LineTypes.NonFixedVoip : null,
                CallerName = callerName,
                CallerType = callerType,
                RawData = body,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Twilio's line types map one to one onto <see cref="LineTypes"/>; values Twilio adds later become <c>unknown</c>.</summary>
    internal static string? MapLineType(string? type) => type switch
    {
        null or "" => null,
        "mobile" => LineTypes.Mobile,
        "landline" => LineTypes.Landline,
        "fixedVoip" => LineTypes.FixedVoip,
        "nonFixedVoip" => LineTypes.NonFixedVoip,
        "tollFree" => LineTypes.TollFree,
        "premium" => LineTypes.Premium,
        "sharedCost" => LineTypes.SharedCost,
        "uan" => LineTypes.Uan,
        "voicemail" => LineTypes.Voicemail,
        "pager" => LineTypes.Pager,
        "personal" => LineTypes.Personal,
        _ => LineTypes.Unknown,
    };

    internal static CallerType? MapCallerType(string? type) => type?.Trim().ToUpperInvariant() switch
    {
        "BUSINESS" => CallerType.Business,
        "CONSUMER" => CallerType.Consumer,
        _ => null, // null, UNDETERMINED and anything new: not known.
    };

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    // Twilio sends some numbers as strings ("num_segments": "1"); accept both.
    private static int? GetInt(JsonElement element, string name) =>
        GetString(element, name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static decimal? GetDecimal(JsonElement element, string name) =>
        GetString(element, name) is { } text && decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool? GetBool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    /// <summary>
    /// Picks the credentials: an API key when one is stored (Twilio's recommendation), else the auth token. The account
    /// SID is the config's setting; credentials stored before it became a setting still carry it themselves.
    /// </summary>
    private static TwilioAuth? ResolveAuth(ProviderContext context, out (string Code, string Message)? error)
    {
        error = null;
        var credentials = context.Credentials;
        var accountSid = context.Setting(TwilioDefinition.AccountSid) ?? credentials?.Get(ProviderCredentials.TwilioAccountSid);
        if (string.IsNullOrWhiteSpace(accountSid))
        {
            error = (ConnectionErrorCodes.MissingCredentials, "The config has no Twilio credentials: store an account SID with an auth token or an API key SID and secret.");
            return null;
        }

        if (!AccountSid().IsMatch(accountSid))
        {
            error = (ConnectionErrorCodes.InvalidCredentials, "The stored Twilio account SID is not of the form AC followed by 32 hexadecimal digits.");
            return null;
        }

        if (credentials is null)
        {
            error = (ConnectionErrorCodes.MissingCredentials, "The config has no Twilio credentials: store an auth token, or an API key SID and secret.");
            return null;
        }

        var keySid = credentials.Get(ProviderCredentials.TwilioApiKeySid);
        var keySecret = credentials.Get(ProviderCredentials.TwilioApiKeySecret);
        if (!string.IsNullOrEmpty(keySid) && !string.IsNullOrEmpty(keySecret))
        {
            return new TwilioAuth(accountSid, keySid, keySecret);
        }

        var token = credentials.Get(ProviderCredentials.TwilioAuthToken);
        if (!string.IsNullOrEmpty(token))
        {
            return new TwilioAuth(accountSid, accountSid, token);
        }

        error = (ConnectionErrorCodes.MissingCredentials, "The Twilio credentials have an account SID but neither an auth token nor an API key SID and secret.");
        return null;
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSid();

    /// <summary>HTTP Basic credentials for one call. <see cref="ToString"/> is overridden so the secret never reaches a log.</summary>
    private sealed class TwilioAuth(string accountSid, string username, string password)
    {
        public string AccountSid { get; } = accountSid;

        public void Apply(HttpRequestMessage request) =>
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));

        public override string ToString() => $"TwilioAuth {{ AccountSid = {AccountSid} }}";
    }
}
