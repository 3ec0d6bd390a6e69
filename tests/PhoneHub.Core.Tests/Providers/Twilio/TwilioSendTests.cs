using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;

namespace PhoneHub.Tests.Providers.Twilio;

[TestFixture]
public sealed class TwilioSendTests
{
    private const string Accepted = """
        {"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","num_segments":"2","price":"-0.00750",
         "price_unit":"USD","error_code":null,"error_message":null,"from":"+15005550006","to":"+14155552671"}
        """;

    private const string InvalidTo = """
        {"code":21211,"message":"The 'To' number is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}
        """;

    [Test]
    public async Task SendAsync_AuthToken_PostsFormWithBasicAuthAndMapsAnswer()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        var result = await t.Provider.SendAsync(TwilioTestContext.Sms("Hello + goodbye & more"), TwilioTestContext.Context());

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(request.Uri.AbsoluteUri, Is.EqualTo($"https://api.twilio.test/2010-04-01/Accounts/{TwilioTestContext.AccountSid}/Messages.json"));
            Assert.That(request.MediaType, Is.EqualTo("application/x-www-form-urlencoded"));
            Assert.That(request.BasicCredentials, Is.EqualTo($"{TwilioTestContext.AccountSid}:{TwilioTestContext.AuthToken}"));
            Assert.That(request.FormValue("To"), Is.EqualTo("+14155552671"));
            Assert.That(request.FormValue("From"), Is.EqualTo(TwilioTestContext.FromNumber));
            Assert.That(request.FormValue("Body"), Is.EqualTo("Hello + goodbye & more"));
            Assert.That(request.Form.Select(p => p.Key), Does.Not.Contain("MessagingServiceSid").And.Not.Contain("MediaUrl"));

            Assert.That(result.ProviderMessageId, Is.EqualTo("SM0123456789abcdef0123456789abcdef"));
            Assert.That(result.Status, Is.EqualTo(SmsStatus.Queued));
            Assert.That(result.Segments, Is.EqualTo(2));
            Assert.That(result.Price, Is.EqualTo(-0.0075m));
            Assert.That(result.PriceUnit, Is.EqualTo("USD"));
            Assert.That(result.From, Is.EqualTo("+15005550006"));
            Assert.That(result.ErrorCode, Is.Null);
            Assert.That(result.ErrorMessage, Is.Null);
        });
    }

    [Test]
    public async Task SendAsync_PlusInBody_IsPercentEncodedOnTheWire()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms("a+b c"), TwilioTestContext.Context());

        // A raw '+' would reach Twilio as a space (see the specs README); the number and body must be encoded.
        var body = t.Handler.Requests.Single().Body!;
        Assert.That(body, Does.Contain("To=%2B14155552671").And.Contain("Body=a%2Bb+c"));
    }

    [Test]
    public async Task SendAsync_ApiKey_AuthenticatesWithKeyAndKeepsAccountSidInPath()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context(TwilioTestContext.ApiKeyCredentials()));

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.BasicCredentials, Is.EqualTo($"{TwilioTestContext.ApiKeySid}:{TwilioTestContext.ApiKeySecret}"));
            Assert.That(request.Uri.AbsolutePath, Is.EqualTo($"/2010-04-01/Accounts/{TwilioTestContext.AccountSid}/Messages.json"));
        });
    }

    [Test]
    public async Task SendAsync_PublicBaseUrlSet_SendsStatusCallback()
    {
        using var t = TwilioTestContext.Create(hub: o =>
        {
            o.PublicBaseUrl = new Uri("https://app.example.com/");
            o.RoutePrefix = "/api/phonehub";
        });
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());

        Assert.That(t.Handler.Requests.Single().FormValue("StatusCallback"), Is.EqualTo("https://app.example.com/api/phonehub/sms/webhook/twilio/status"));
    }

    [Test]
    public async Task SendAsync_PublicBaseUrlWithPath_KeepsThePath()
    {
        using var t = TwilioTestContext.Create(hub: o =>
        {
            o.PublicBaseUrl = new Uri("https://example.com/tenant");
            o.RoutePrefix = "/hub/";
        });
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());

        Assert.That(t.Handler.Requests.Single().FormValue("StatusCallback"), Is.EqualTo("https://example.com/tenant/hub/sms/webhook/twilio/status"));
    }

    [Test]
    public async Task SendAsync_NoPublicBaseUrl_OmitsStatusCallback()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());

        Assert.That(t.Handler.Requests.Single().Form.Select(p => p.Key), Does.Not.Contain("StatusCallback"));
    }

    [Test]
    public async Task SendAsync_MediaUrls_RepeatsMediaUrlKeyInOrder()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(
            TwilioTestContext.Sms("pics", null, "https://example.com/a.jpg", "https://example.com/b.png?x=1&y=2"),
            TwilioTestContext.Context());

        Assert.That(t.Handler.Requests.Single().FormValues("MediaUrl"), Is.EqualTo(new[] { "https://example.com/a.jpg", "https://example.com/b.png?x=1&y=2" }));
    }

    [Test]
    public async Task SendAsync_ConfigWithoutFromNumber_UsesMessagingService()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context(config: TwilioTestContext.Config(from: null, messagingService: TwilioTestContext.MessagingServiceSid)));

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.FormValue("MessagingServiceSid"), Is.EqualTo(TwilioTestContext.MessagingServiceSid));
            Assert.That(request.Form.Select(p => p.Key), Does.Not.Contain("From"));
        });
    }

    [Test]
    public async Task SendAsync_ExplicitFrom_OverridesConfigSenders()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(from: "Acme"), TwilioTestContext.Context(config: TwilioTestContext.Config(messagingService: TwilioTestContext.MessagingServiceSid)));

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.FormValue("From"), Is.EqualTo("Acme"));
            Assert.That(request.Form.Select(p => p.Key), Does.Not.Contain("MessagingServiceSid"));
        });
    }

    [Test]
    public async Task SendAsync_ExplicitFromIsMessagingServiceSid_SendsMessagingServiceSid()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, Accepted);

        await t.Provider.SendAsync(TwilioTestContext.Sms(from: TwilioTestContext.MessagingServiceSid), TwilioTestContext.Context());

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.FormValue("MessagingServiceSid"), Is.EqualTo(TwilioTestContext.MessagingServiceSid));
            Assert.That(request.Form.Select(p => p.Key), Does.Not.Contain("From"));
        });
    }

    [Test]
    public void SendAsync_ConfigWithoutAnySender_ThrowsInvalidConfigWithoutCallingTwilio()
    {
        using var t = TwilioTestContext.Create();

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context(config: TwilioTestContext.Config(from: null))));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.InvalidConfig));
            Assert.That(t.Handler.Requests, Is.Empty);
        });
    }

    [TestCase("accepted", SmsStatus.Accepted)]
    [TestCase("sending", SmsStatus.Sending)]
    [TestCase("scheduled", SmsStatus.Scheduled)]
    [TestCase("something_new", SmsStatus.Queued)]
    public async Task SendAsync_Status_MapsTwilioName(string status, SmsStatus expected)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, $$"""{"sid":"SM0123456789abcdef0123456789abcdef","status":"{{status}}","num_segments":1,"price":null,"price_unit":null}""");

        var result = await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(expected));
            Assert.That(result.Segments, Is.EqualTo(1));
            Assert.That(result.Price, Is.Null);
            Assert.That(result.PriceUnit, Is.Null);
            Assert.That(result.From, Is.Null);
        });
    }

    [Test]
    public async Task SendAsync_AcceptedWithErrorCode_MapsErrorFields()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"failed","error_code":30007,"error_message":"Carrier violation","price":"0.0"}""");

        var result = await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(result.ErrorCode, Is.EqualTo("30007"));
            Assert.That(result.ErrorMessage, Is.EqualTo("Carrier violation"));
            Assert.That(result.Price, Is.Zero);
        });
    }

    [Test]
    public void SendAsync_TwilioErrorJson_ThrowsTwilioApiExceptionWithTwilioCode()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.BadRequest, InvalidTo);

        var ex = Assert.ThrowsAsync<TwilioApiException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("21211"));
            Assert.That(ex.OutcomeUnknown, Is.False);
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(ex.Error, Is.EqualTo(new TwilioError(21211, "The 'To' number is not a valid phone number.", "https://www.twilio.com/docs/errors/21211", 400)));
            Assert.That(ex.Message, Does.Contain("21211").And.Contain("not a valid phone number"));
            AssertNoSecrets(ex.Message);
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCase(HttpStatusCode.NotFound, "<html>not found</html>", "text/html", "http_404")]
    [TestCase(HttpStatusCode.Unauthorized, "", "application/json", "http_401")]
    [TestCase(HttpStatusCode.UnprocessableEntity, """{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request"}""", "application/problem+json", "http_422")]
    [TestCase(HttpStatusCode.TooManyRequests, """{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}""", "application/json", "20429")]
    public void SendAsync_ClientErrorWithoutTwilioCode_UsesHttpStatusAsCode(HttpStatusCode status, string body, string mediaType, string expectedCode)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(status, body, mediaType);

        var ex = Assert.ThrowsAsync<TwilioApiException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(expectedCode));
            Assert.That(ex.OutcomeUnknown, Is.False);
            Assert.That(ex.Message, Does.Not.Contain("<html>"));
            // A 4xx is a definite refusal, and creates are never retried anyway.
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCase(HttpStatusCode.InternalServerError, "<html>oops</html>", "text/html")]
    [TestCase(HttpStatusCode.BadGateway, "", "text/plain")]
    [TestCase(HttpStatusCode.ServiceUnavailable, """{"code":20500,"message":"Internal Server Error","more_info":"https://www.twilio.com/docs/errors/20500","status":503}""", "application/json")]
    public void SendAsync_ServerError_IsNotRetriedAndOutcomeUnknown(HttpStatusCode status, string body, string mediaType)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(status, body, mediaType);
        t.Handler.Fallback = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Accepted, Encoding.UTF8, "application/json") });

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(ex.OutcomeUnknown, Is.True);
            AssertNoSecrets(ex.Message);
        });
    }

    [Test]
    public void SendAsync_HostAddsStandardResilienceToEveryClient_CreateIsStillNotRetried()
    {
        using var t = TwilioTestContext.Create(services: s => s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler()));
        t.Handler.Respond(HttpStatusCode.ServiceUnavailable, "");
        t.Handler.Fallback = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Accepted, Encoding.UTF8, "application/json") });

        // A retry would wait for a backoff on the fake clock: bound the wait so a regression fails instead of hanging.
        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo("outcome_unknown"));
        });
    }

    [Test]
    public async Task SendAsync_Timeout_IsNotRetriedAndOutcomeUnknown()
    {
        using var t = TwilioTestContext.Create(o => o.RequestTimeout = TimeSpan.FromSeconds(10));
        t.Handler.Hang();
        t.Handler.Fallback = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Accepted, Encoding.UTF8, "application/json") });

        var send = t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());
        await t.Handler.WaitForRequestsAsync(1);
        for (var i = 0; i < 200 && !send.IsCompleted; i++)
        {
            t.Host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => send);
        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(ex.OutcomeUnknown, Is.True);
        });
    }

    [Test]
    public void SendAsync_ConnectionLostAfterSending_IsNotRetriedAndOutcomeUnknown()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        t.Handler.Fallback = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Accepted, Encoding.UTF8, "application/json") });

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(ex.OutcomeUnknown, Is.True);
            Assert.That(ex.Message, Does.Not.Contain("prematurely"));
        });
    }

    [Test]
    public void SendAsync_ConnectionRefused_FailsDefinitelyAsUnreachable()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.twilio.test:443)"));

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Unreachable));
            Assert.That(ex.OutcomeUnknown, Is.False);
            Assert.That(ex.Message, Does.Not.Contain("refused"));
        });
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("""{"status":"queued"}""")]
    public void SendAsync_SuccessWithoutSid_OutcomeUnknown(string body)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.Created, body);

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(ex.OutcomeUnknown, Is.True);
        });
    }

    [Test]
    public void SendAsync_NoCredentials_ThrowsMissingCredentialsWithoutCallingTwilio()
    {
        using var t = TwilioTestContext.Create();

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), new ProviderContext(TwilioTestContext.Config(), null)));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.MissingCredentials));
            Assert.That(t.Handler.Requests, Is.Empty);
        });
    }

    [Test]
    public void SendAsync_AccountSidWithoutSecret_ThrowsMissingCredentials()
    {
        using var t = TwilioTestContext.Create();
        var credentials = new ProviderCredentials([new(ProviderCredentials.TwilioAccountSid, TwilioTestContext.AccountSid)]);

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context(credentials)));

        Assert.That(ex!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.MissingCredentials));
    }

    [Test]
    public void SendAsync_MalformedAccountSid_ThrowsInvalidCredentialsWithoutCallingTwilio()
    {
        using var t = TwilioTestContext.Create();

        var ex = Assert.ThrowsAsync<SmsProviderException>(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context(ProviderCredentials.ForTwilio("AC123/../x", "t"))));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.InvalidCredentials));
            Assert.That(t.Handler.Requests, Is.Empty);
        });
    }

    [Test]
    public void SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Hang();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.That(() => t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context(), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    internal static void AssertNoSecrets(string? text)
    {
        Assert.That(text, Does.Not.Contain(TwilioTestContext.AuthToken).And.Not.Contain(TwilioTestContext.ApiKeySecret).And.Not.Contain("Basic "));
    }
}
