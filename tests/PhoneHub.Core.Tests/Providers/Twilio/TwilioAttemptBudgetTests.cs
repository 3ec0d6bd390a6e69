using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>
/// How many HTTP attempts reach the socket when Twilio fails, through the real registrations (resilience pipelines and
/// the default primary handler) against a loopback server that counts them. Lookups and the account fetch make at most
/// <see cref="TwilioOptions.MaxRetryAttempts"/> + 1; a message create makes exactly one.
/// </summary>
public sealed class TwilioAttemptBudgetTests
{
    private const string Number = "+14155552671";

    private const string LookupJson = """
        {"calling_country_code":"1","country_code":"US","phone_number":"+14155552671","national_format":"(415) 555-2671","valid":true,"validation_errors":null}
        """;

    private const string MessageJson = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","num_segments":"1"}""";

    [Test]
    public void LookupAsync_ServerFailsEveryAttempt_MakesMaxRetryAttemptsPlusOneAttemptsAtTheSocket(
        [Values] ServerFault fault, [Values(0, 3)] int maxRetryAttempts)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, maxRetryAttempts);

        var thrown = Assert.ThrowsAsync<TwilioLookupException>(() => host.Get<TwilioProvider>().LookupAsync(Number, TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.ErrorCode, Is.EqualTo(fault == ServerFault.ServiceUnavailable ? TwilioLookupErrorCodes.ProviderError : TwilioLookupErrorCodes.Unreachable));
            Assert.That(server.Attempts, Is.EqualTo(maxRetryAttempts + 1), "attempts at the socket");
        });
    }

    [Test]
    public async Task TestConnectionAsync_ServerFailsEveryAttempt_MakesMaxRetryAttemptsPlusOneAttemptsAtTheSocket(
        [Values] ServerFault fault, [Values(0, 3)] int maxRetryAttempts)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, maxRetryAttempts);

        var result = await host.Get<TwilioProvider>().TestConnectionAsync(TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.ErrorCode, Is.EqualTo(fault == ServerFault.ServiceUnavailable ? ConnectionErrorCodes.ProviderError : ConnectionErrorCodes.Unreachable));
            Assert.That(server.Attempts, Is.EqualTo(maxRetryAttempts + 1), "attempts at the socket");
        });
    }

    [Test]
    public void SendAsync_ServerFailsEveryAttempt_MakesExactlyOneAttemptAtTheSocket([Values] ServerFault fault)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, maxRetryAttempts: 3);

        var thrown = Assert.CatchAsync<SmsProviderException>(() => host.Get<TwilioProvider>().SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.OutcomeUnknown, Is.True, thrown.Message);
            Assert.That(server.Attempts, Is.EqualTo(1), "attempts at the socket");
        });
    }

    [Test]
    public void SendAsync_HostAddsExpectContinueAndServerClosesWithoutAnswering_MakesExactlyOneAttemptAtTheSocket()
    {
        // With Expect: 100-continue the body waits for the server's go-ahead, and SocketsHttpHandler re-sends a request
        // whose body has not gone out when the connection closes first: a second create, unless the stream is guarded.
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(ServerFault.CloseOnAccept);
        using var host = CreateHost(server, maxRetryAttempts: 3, services => services
            .AddHttpClient(TwilioHttpClientNames.Messages)
            .ConfigureHttpClient(c => c.DefaultRequestHeaders.ExpectContinue = true));

        var thrown = Assert.CatchAsync<SmsProviderException>(() => host.Get<TwilioProvider>().SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.OutcomeUnknown, Is.True, thrown.Message);
            Assert.That(server.Attempts, Is.EqualTo(1), "attempts at the socket");
        });
    }

    [Test]
    public async Task SendAsync_ReusedConnectionClosedWithoutAnswer_IsNotSentAgain()
    {
        using var server = new CountingLoopbackServer { Reply = n => n == 1 ? LoopbackReply.Answer(201, MessageJson) : LoopbackReply.Close() };
        using var host = CreateHost(server, maxRetryAttempts: 3);
        var provider = host.Get<TwilioProvider>();

        await provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());
        var thrown = Assert.CatchAsync<SmsProviderException>(() => provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.OutcomeUnknown, Is.True, thrown.Message);
            Assert.That(server.Connections, Is.EqualTo(1), "the second create went out on the first one's connection");
            Assert.That(server.Requests, Is.EqualTo(2), "each create reached the socket once");
        });
    }

    [Test]
    public async Task LookupAsync_ReusedConnectionClosedWithoutAnswer_CountsAgainstTheBudget()
    {
        using var server = new CountingLoopbackServer { Reply = n => n == 1 ? LoopbackReply.Answer(200, LookupJson) : LoopbackReply.Close() };
        using var host = CreateHost(server, maxRetryAttempts: 1);
        var provider = host.Get<TwilioProvider>();

        await provider.LookupAsync(Number, TwilioTestContext.Context());
        var thrown = Assert.ThrowsAsync<TwilioLookupException>(() => provider.LookupAsync(Number, TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.ErrorCode, Is.EqualTo(TwilioLookupErrorCodes.Unreachable));
            Assert.That(server.Requests, Is.EqualTo(1 + 2), "the first lookup, then the second one's try and one retry");
        });
    }

    [Test]
    public void LookupAsync_HostConfiguredSocketsHttpHandler_KeepsItsStreamFilterAndTheBudget()
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(ServerFault.CloseAfterRequest);
        var hostFilterCalls = 0;
        using var host = CreateHost(server, maxRetryAttempts: 2, services => services.ConfigureHttpClientDefaults(b => b.UseSocketsHttpHandler((handler, _) =>
            handler.PlaintextStreamFilter = (context, _) =>
            {
                Interlocked.Increment(ref hostFilterCalls);
                return ValueTask.FromResult(context.PlaintextStream);
            })));

        Assert.ThrowsAsync<TwilioLookupException>(() => host.Get<TwilioProvider>().LookupAsync(Number, TwilioTestContext.Context()));

        Assert.Multiple(() =>
        {
            Assert.That(server.Attempts, Is.EqualTo(3), "attempts at the socket");
            Assert.That(Volatile.Read(ref hostFilterCalls), Is.EqualTo(server.Connections), "the host's filter ran on every connection");
        });
    }

    [TestCase(ServerFault.CloseAfterRequest)]
    [TestCase(ServerFault.ServiceUnavailable)]
    [TestCase(ServerFault.Reset)]
    public async Task LookupAsync_FailsOnceThenAnswers_RetriesAndSucceeds(ServerFault fault)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        var failure = server.Reply;
        server.Reply = n => n == 1 ? failure(n) : LoopbackReply.Answer(200, LookupJson);
        using var host = CreateHost(server, maxRetryAttempts: 1);

        var result = await host.Get<TwilioProvider>().LookupAsync(Number, TwilioTestContext.Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.True);
            Assert.That(server.Requests, Is.EqualTo(2));
        });
    }

    private static PhoneHubTestHost CreateHost(CountingLoopbackServer server, int maxRetryAttempts, Action<IServiceCollection>? services = null) =>
        PhoneHubTestHost.Create(
            b => b.AddTwilio(o =>
        {
            o.ApiBaseUrl = server.Url;
            o.LookupsBaseUrl = server.Url;
            o.MaxRetryAttempts = maxRetryAttempts;

            // No backoff, so retries need no clock; the pipeline's clock is the host's FakeTimeProvider, which never
            // moves here, so no timeout can fire either.
            o.RetryBaseDelay = TimeSpan.Zero;
        }),
            configureServices: services);
}
