using System.Net;
using PhoneHub.Providers;

namespace PhoneHub.Tests.Providers.Twilio;

[TestFixture]
public sealed class TwilioConnectionTests
{
    private static string Account(string status) =>
        $$"""{"sid":"{{TwilioTestContext.AccountSid}}","friendly_name":"Acme Production","status":"{{status}}","type":"Full","auth_token":"should-not-matter"}""";

    [Test]
    public async Task TestConnectionAsync_ActiveAccount_SucceedsWithStatusAndName()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, Account("active"));

        var result = await t.Provider.TestConnectionAsync(TwilioTestContext.Context());

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
            Assert.That(request.Uri.AbsoluteUri, Is.EqualTo($"https://api.twilio.test/2010-04-01/Accounts/{TwilioTestContext.AccountSid}.json"));
            Assert.That(request.BasicCredentials, Is.EqualTo($"{TwilioTestContext.AccountSid}:{TwilioTestContext.AuthToken}"));
            Assert.That(result.Success, Is.True);
            Assert.That(result.ErrorCode, Is.Null);
            Assert.That(result.AccountStatus, Is.EqualTo("active"));
            Assert.That(result.AccountName, Is.EqualTo("Acme Production"));
        });
    }

    [Test]
    public async Task TestConnectionAsync_ApiKey_AuthenticatesWithKey()
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, Account("active"));

        var result = await t.Provider.TestConnectionAsync(TwilioTestContext.Context(TwilioTestContext.ApiKeyCredentials()));

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.True);
            Assert.That(t.Handler.Requests.Single().BasicCredentials, Is.EqualTo($"{TwilioTestContext.ApiKeySid}:{TwilioTestContext.ApiKeySecret}"));
        });
    }

    [TestCase("suspended")]
    [TestCase("closed")]
    public async Task TestConnectionAsync_InactiveAccount_FailsAccountInactive(string status)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, Account(status));

        var result = await t.Provider.TestConnectionAsync(TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.AccountInactive));
            Assert.That(result.AccountStatus, Is.EqualTo(status));
            Assert.That(result.AccountName, Is.EqualTo("Acme Production"));
        });
    }

    [TestCase(HttpStatusCode.Unauthorized, ConnectionErrorCodes.InvalidCredentials, 1)]
    [TestCase(HttpStatusCode.Forbidden, ConnectionErrorCodes.InvalidCredentials, 1)]
    [TestCase(HttpStatusCode.NotFound, ConnectionErrorCodes.InvalidCredentials, 1)]
    [TestCase(HttpStatusCode.TooManyRequests, ConnectionErrorCodes.Throttled, 2)]
    [TestCase(HttpStatusCode.InternalServerError, ConnectionErrorCodes.ProviderError, 2)]
    [TestCase(HttpStatusCode.BadRequest, ConnectionErrorCodes.ProviderError, 1)]
    public async Task TestConnectionAsync_ErrorStatus_MapsToStableCode(HttpStatusCode status, string expectedCode, int expectedRequests)
    {
        using var t = TwilioTestContext.Create(o => o.MaxRetryAttempts = 1);
        t.Handler.Fallback = (_, _) => Task.FromResult(new HttpResponseMessage(status)
        {
            Content = new StringContent("""{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"""),
        });

        var result = await t.Provider.TestConnectionAsync(TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(expectedCode));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(expectedRequests));
            TwilioSendTests.AssertNoSecrets(result.Message);
        });
    }

    [Test]
    public async Task TestConnectionAsync_NetworkFailure_FailsUnreachableWithoutExceptionText()
    {
        using var t = TwilioTestContext.Create(o => o.MaxRetryAttempts = 1);
        t.Handler.Fallback = (_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused SECRET-DETAIL"));

        var result = await t.Provider.TestConnectionAsync(TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Unreachable));
            Assert.That(result.Message, Does.Not.Contain("SECRET-DETAIL"));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task TestConnectionAsync_Timeout_FailsUnreachable()
    {
        using var t = TwilioTestContext.Create(o =>
        {
            o.MaxRetryAttempts = 0;
            o.RequestTimeout = TimeSpan.FromSeconds(5);
        });
        t.Handler.Hang();

        var test = t.Provider.TestConnectionAsync(TwilioTestContext.Context());
        await t.Handler.WaitForRequestsAsync(1);
        for (var i = 0; i < 100 && !test.IsCompleted; i++)
        {
            t.Host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        var result = await test.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Unreachable));
    }

    [TestCase("not json")]
    [TestCase("")]
    public async Task TestConnectionAsync_UnreadableAccount_FailsProviderError(string body)
    {
        using var t = TwilioTestContext.Create();
        t.Handler.Respond(HttpStatusCode.OK, body);

        var result = await t.Provider.TestConnectionAsync(TwilioTestContext.Context());

        Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.ProviderError));
    }

    [Test]
    public async Task TestConnectionAsync_NoCredentials_FailsMissingCredentialsWithoutCallingTwilio()
    {
        using var t = TwilioTestContext.Create();

        var result = await t.Provider.TestConnectionAsync(new ProviderContext(TwilioTestContext.Config(), null));

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.MissingCredentials));
            Assert.That(t.Handler.Requests, Is.Empty);
        });
    }
}
