using System.Net;
using System.Net.Http.Headers;
using PhoneHub.Lookup;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.Tests.Providers.Twilio;

[TestFixture]
public sealed class TwilioLookupTests
{
    private const string Number = "+14155552671";

    private static string LookupJson(string lineTypeIntelligence = "null", string callerName = "null", string valid = "true", string validationErrors = "null") => $$"""
        {"calling_country_code":"1","country_code":"US","phone_number":"+14155552671","national_format":"(415) 555-2671",
         "valid":{{valid}},"validation_errors":{{validationErrors}},"caller_name":{{callerName}},"sim_swap":null,"call_forwarding":null,
         "line_status":null,"line_type_intelligence":{{lineTypeIntelligence}},"identity_match":null,"reassigned_number":null,
         "sms_pumping_risk":null,"phone_number_quality_score":null,"pre_fill":null,"url":"https://lookups.twilio.com/v2/PhoneNumbers/+14155552671"}
        """;

    private static string LineType(string? type) =>
        $$"""{"error_code":null,"mobile_country_code":"310","mobile_network_code":"410","carrier_name":"AT&T Wireless","type":{{(type is null ? "null" : $"\"{type}\"")}}}""";

    [Test]
    public async Task LookupAsync_Request_SendsOneCommaSeparatedFieldsValueAndEncodesPlus()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson());

        await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
            Assert.That(request.Uri.AbsoluteUri, Is.EqualTo("https://lookups.twilio.test/v2/PhoneNumbers/%2B14155552671?Fields=line_type_intelligence,caller_name"));
            Assert.That(request.BasicCredentials, Is.EqualTo($"{TwilioTestContext.AccountSid}:{TwilioTestContext.AuthToken}"));
        });
    }

    [Test]
    public async Task LookupAsync_ApiKey_AuthenticatesWithKey()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson());

        await t.Provider.LookupAsync(Number, TwilioTestContext.Context(TwilioTestContext.ApiKeyCredentials()));

        Assert.That(t.Handler.Requests.Single().BasicCredentials, Is.EqualTo($"{TwilioTestContext.ApiKeySid}:{TwilioTestContext.ApiKeySecret}"));
    }

    [Test]
    public async Task LookupAsync_EmptyFields_OmitsFieldsParameter()
    {
        using var t = TwilioTestContext.Create(o => o.Fields = "");
        t.Handler.Respond(HttpStatusCode.OK, LookupJson());

        await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.That(t.Handler.Requests.Single().Uri.Query, Is.Empty);
    }

    [TestCase("mobile", LineTypes.Mobile, true, false)]
    [TestCase("landline", LineTypes.Landline, false, false)]
    [TestCase("fixedVoip", LineTypes.FixedVoip, false, true)]
    [TestCase("nonFixedVoip", LineTypes.NonFixedVoip, false, true)]
    [TestCase("tollFree", LineTypes.TollFree, false, false)]
    [TestCase("premium", LineTypes.Premium, false, false)]
    [TestCase("sharedCost", LineTypes.SharedCost, false, false)]
    [TestCase("uan", LineTypes.Uan, false, false)]
    [TestCase("voicemail", LineTypes.Voicemail, false, false)]
    [TestCase("pager", LineTypes.Pager, false, false)]
    [TestCase("personal", LineTypes.Personal, false, false)]
    public async Task LookupAsync_LineType_MapsToLineTypesAndFlags(string type, string expected, bool isMobile, bool isVoip)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson(lineTypeIntelligence: LineType(type)));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.LineType, Is.EqualTo(expected));
            Assert.That(result.IsMobile, Is.EqualTo(isMobile));
            Assert.That(result.IsVoip, Is.EqualTo(isVoip));
            Assert.That(result.Carrier, Is.EqualTo("AT&T Wireless"));
        });
    }

    [TestCase("unknown")]
    [TestCase("satellite")]
    public async Task LookupAsync_UnknownOrNovelLineType_MapsToUnknownWithFlagsNotKnown(string type)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson(lineTypeIntelligence: LineType(type)));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.LineType, Is.EqualTo(LineTypes.Unknown));
            Assert.That(result.IsMobile, Is.Null);
            Assert.That(result.IsVoip, Is.Null);
        });
    }

    [Test]
    public async Task LookupAsync_LineTypePackageWithError_LeavesLineTypeNotKnown()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson(lineTypeIntelligence: """{"error_code":60600,"mobile_country_code":null,"mobile_network_code":null,"carrier_name":null,"type":null}"""));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.LineType, Is.Null);
            Assert.That(result.IsMobile, Is.Null);
            Assert.That(result.IsVoip, Is.Null);
            Assert.That(result.Carrier, Is.Null);
        });
    }

    [Test]
    public async Task LookupAsync_NullAddOns_MapsBasicFieldsOnly()
    {
        using var t = TwilioTestContext.Create();
        var json = LookupJson();
        t.Handler.Respond(HttpStatusCode.OK, json);

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Provider, Is.EqualTo("twilio"));
            Assert.That(result.IsValid, Is.True);
            Assert.That(result.Region, Is.EqualTo("US"));
            Assert.That(result.CountryCode, Is.EqualTo("1"));
            Assert.That(result.LineType, Is.Null);
            Assert.That(result.IsMobile, Is.Null);
            Assert.That(result.IsVoip, Is.Null);
            Assert.That(result.Carrier, Is.Null);
            Assert.That(result.CallerName, Is.Null);
            Assert.That(result.CallerType, Is.Null);
            Assert.That(result.RawData, Is.EqualTo(json));
        });
    }

    [Test]
    public async Task LookupAsync_MissingAddOnProperties_AreTolerated()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, """{"phone_number":"+14155552671","valid":true}""");

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True);
            Assert.That(result.Region, Is.Null);
            Assert.That(result.CountryCode, Is.Null);
            Assert.That(result.LineType, Is.Null);
        });
    }

    [TestCase("false", """["TOO_SHORT"]""")]
    [TestCase("false", "null")]
    [TestCase("true", """["INVALID_BUT_POSSIBLE"]""")]
    public async Task LookupAsync_InvalidNumber_IsValidFalse(string valid, string validationErrors)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson(valid: valid, validationErrors: validationErrors));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.That(result.IsValid, Is.False);
    }

    [TestCase("\"BUSINESS\"", CallerType.Business)]
    [TestCase("\"CONSUMER\"", CallerType.Consumer)]
    [TestCase("\"consumer\"", CallerType.Consumer)]
    [TestCase("\"UNDETERMINED\"", null)]
    [TestCase("\"GOVERNMENT\"", null)]
    [TestCase("null", null)]
    public async Task LookupAsync_CallerType_MapsOrLeavesNotKnown(string callerType, CallerType? expected)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson(callerName: $$"""{"caller_name":"SERGIO SUAREZ","caller_type":{{callerType}},"error_code":null}"""));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.CallerName, Is.EqualTo("SERGIO SUAREZ"));
            Assert.That(result.CallerType, Is.EqualTo(expected));
        });
    }

    [TestCase("null")]
    [TestCase("\"  \"")]
    public async Task LookupAsync_CallerNameMissing_LeavesCallerFieldsNull(string callerName)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, LookupJson(callerName: $$"""{"caller_name":{{callerName}},"caller_type":null,"error_code":60601}"""));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.CallerName, Is.Null);
            Assert.That(result.CallerType, Is.Null);
        });
    }

    [TestCase(HttpStatusCode.Unauthorized, TwilioLookupErrorCodes.InvalidCredentials)]
    [TestCase(HttpStatusCode.Forbidden, TwilioLookupErrorCodes.InvalidCredentials)]
    [TestCase(HttpStatusCode.NotFound, TwilioLookupErrorCodes.NotFound)]
    [TestCase(HttpStatusCode.BadRequest, TwilioLookupErrorCodes.InvalidRequest)]
    public void LookupAsync_ClientError_ThrowsStableCodeWithoutRetry(HttpStatusCode status, string expectedCode)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(status, $$"""{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":{{(int)status}}}""");

        var ex = Assert.ThrowsAsync<TwilioLookupException>(() => t.Provider.LookupAsync(Number, TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(expectedCode));
            Assert.That(ex.StatusCode, Is.EqualTo(status));
            Assert.That(ex.Error?.Code, Is.EqualTo(20404));
            Assert.That(ex.Error?.MoreInfo, Is.EqualTo("https://www.twilio.com/docs/errors/20404"));
            TwilioSendTests.AssertNoSecrets(ex.Message);
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCase(HttpStatusCode.InternalServerError, "<html>oops</html>", TwilioLookupErrorCodes.ProviderError)]
    [TestCase(HttpStatusCode.ServiceUnavailable, "", TwilioLookupErrorCodes.ProviderError)]
    [TestCase(HttpStatusCode.TooManyRequests, """{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}""", TwilioLookupErrorCodes.Throttled)]
    public void LookupAsync_PersistentTransientError_RetriesThenThrowsStableCode(HttpStatusCode status, string body, string expectedCode)
    {
        using var t = TwilioTestContext.Create(o => o.MaxRetryAttempts = 2);
        t.Handler.Fallback = (_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });

        var ex = Assert.ThrowsAsync<TwilioLookupException>(() => t.Provider.LookupAsync(Number, TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(expectedCode));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(3));
            Assert.That(ex.Message, Does.Not.Contain("<html>"));
        });
    }

    [Test]
    public async Task LookupAsync_ServerErrorThenSuccess_IsRetried()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.BadGateway, "").Respond(HttpStatusCode.OK, LookupJson(lineTypeIntelligence: LineType("mobile")));

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.LineType, Is.EqualTo(LineTypes.Mobile));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task LookupAsync_NetworkFailureThenSuccess_IsRetried()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused")).Respond(HttpStatusCode.OK, LookupJson());

        var result = await t.Provider.LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True);
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void LookupAsync_PersistentNetworkFailure_ThrowsUnreachable()
    {
        using var t = TwilioTestContext.Create(o => o.MaxRetryAttempts = 1);
        t.Handler.Fallback = (_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.NameResolutionError, "no such host lookups.twilio.test"));

        var ex = Assert.ThrowsAsync<TwilioLookupException>(() => t.Provider.LookupAsync(Number, TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(TwilioLookupErrorCodes.Unreachable));
            Assert.That(ex.Message, Does.Not.Contain("no such host"));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task LookupAsync_TooManyRequestsWithRetryAfter_WaitsRetryAfterThenRetries()
    {
        using var t = TwilioTestContext.Create();
        t.Handler
            .Respond(HttpStatusCode.TooManyRequests, """{"code":20429,"message":"Too Many Requests","status":429}""",
                configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)))
            .Respond(HttpStatusCode.OK, LookupJson(lineTypeIntelligence: LineType("landline")));

        var lookup = t.Provider.LookupAsync(Number, TwilioTestContext.Context());
        await t.Handler.WaitForRequestsAsync(1);

        // Move the fake clock in small steps: the retry must wait for Retry-After (5 s), not the zero base delay.
        var advanced = TimeSpan.Zero;
        while (t.Handler.Requests.Count < 2 && advanced < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
            t.Host.Time.Advance(TimeSpan.FromMilliseconds(500));
            advanced += TimeSpan.FromMilliseconds(500);
        }

        var result = await lookup.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
            Assert.That(advanced, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(result.LineType, Is.EqualTo(LineTypes.Landline));
        });
    }

    [Test]
    public async Task LookupAsync_AttemptTimeout_IsRetried()
    {
        using var t = TwilioTestContext.Create(o => o.RequestTimeout = TimeSpan.FromSeconds(5));
        t.Handler.Hang().Respond(HttpStatusCode.OK, LookupJson());

        var lookup = t.Provider.LookupAsync(Number, TwilioTestContext.Context());
        await t.Handler.WaitForRequestsAsync(1);
        for (var i = 0; i < 100 && t.Handler.Requests.Count < 2; i++)
        {
            t.Host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        var result = await lookup.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True);
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [TestCase("")]
    [TestCase("<html/>")]
    [TestCase("[1,2]")]
    public void LookupAsync_SuccessWithUnreadableBody_ThrowsInvalidResponse(string body)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, body);

        var ex = Assert.ThrowsAsync<TwilioLookupException>(() => t.Provider.LookupAsync(Number, TwilioTestContext.Context()));

        Assert.That(ex!.ErrorCode, Is.EqualTo(TwilioLookupErrorCodes.InvalidResponse));
    }

    [Test]
    public void LookupAsync_NoCredentials_ThrowsMissingCredentialsWithoutCallingTwilio()
    {
        using var t = TwilioTestContext.Create();

        var ex = Assert.ThrowsAsync<TwilioLookupException>(() => t.Provider.LookupAsync(Number, new ProviderContext(TwilioTestContext.Config(), null)));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(TwilioLookupErrorCodes.MissingCredentials));
            Assert.That(t.Handler.Requests, Is.Empty);
        });
    }
}
