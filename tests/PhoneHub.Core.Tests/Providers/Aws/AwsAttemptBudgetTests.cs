using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>
/// How many HTTP attempts reach the socket when SNS fails, through the real registrations against a loopback server
/// that counts them: a connection test makes at most <see cref="AwsSnsOptions.ConnectionTestMaxRetries"/> + 1, a
/// Publish exactly one.
/// </summary>
public sealed class AwsAttemptBudgetTests
{
    private const string Published = """<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>""";

    [Test]
    public async Task TestConnectionAsync_ServerFailsEveryAttempt_MakesMaxRetriesPlusOneAttemptsAtTheSocket(
        [Values] ServerFault fault, [Values(0, 3)] int connectionTestMaxRetries)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, connectionTestMaxRetries);

        var result = await Provider(host).TestConnectionAsync(Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.ErrorCode, Is.EqualTo(fault == ServerFault.ServiceUnavailable ? ConnectionErrorCodes.ProviderError : ConnectionErrorCodes.Unreachable));
            Assert.That(server.Attempts, Is.EqualTo(connectionTestMaxRetries + 1), "attempts at the socket");
        });
    }

    [Test]
    public void SendAsync_ServerFailsEveryAttempt_MakesExactlyOneAttemptAtTheSocket([Values] ServerFault fault)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, connectionTestMaxRetries: 3);

        var thrown = Assert.CatchAsync<SmsProviderException>(() => Provider(host).SendAsync(Sms(), Context()));

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
        // whose body has not gone out when the connection closes first: a second Publish, unless the stream is guarded.
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(ServerFault.CloseOnAccept);
        using var host = CreateHost(server, connectionTestMaxRetries: 3, services => services
            .AddHttpClient(AwsPhoneHubBuilderExtensions.PublishHttpClientName)
            .ConfigureHttpClient(c => c.DefaultRequestHeaders.ExpectContinue = true));

        var thrown = Assert.CatchAsync<SmsProviderException>(() => Provider(host).SendAsync(Sms(), Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.OutcomeUnknown, Is.True, thrown.Message);
            Assert.That(server.Attempts, Is.EqualTo(1), "attempts at the socket");
        });
    }

    [Test]
    public async Task SendAsync_ReusedConnectionClosedWithoutAnswer_IsNotSentAgain()
    {
        using var server = new CountingLoopbackServer { Reply = n => n == 1 ? LoopbackReply.Answer(200, Published, "text/xml") : LoopbackReply.Close() };
        using var host = CreateHost(server, connectionTestMaxRetries: 3);
        var provider = Provider(host);

        await provider.SendAsync(Sms(), Context());
        var thrown = Assert.CatchAsync<SmsProviderException>(() => provider.SendAsync(Sms(), Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.OutcomeUnknown, Is.True, thrown.Message);
            Assert.That(server.Connections, Is.EqualTo(1), "the second Publish went out on the first one's connection");
            Assert.That(server.Requests, Is.EqualTo(2), "each Publish reached the socket once");
        });
    }

    private static ISmsProvider Provider(PhoneHubTestHost host) => host.Get<IEnumerable<ISmsProvider>>().Single(p => p.Name == PhoneProviders.Aws);

    private static ProviderContext Context() => new(
        new PhoneConfig { Id = 3, Name = "aws", Provider = PhoneProviders.Aws, Settings = TestSettings.Of(("region", AwsSnsTestContext.Region), ("sender_id", "PhoneHub")) },
        ProviderCredentials.ForAws(AwsSnsTestContext.AccessKeyId, AwsSnsTestContext.SecretAccessKey));

    private static SmsSendRequest Sms() => new(42, "+14155552671", "Hi", null, []);

    private static PhoneHubTestHost CreateHost(CountingLoopbackServer server, int connectionTestMaxRetries, Action<IServiceCollection>? services = null)
    {
        // The default credential chain is replaced so nothing reads the machine's real credentials.
        var ambient = Substitute.For<IAwsAmbientCredentials>();
        ambient.GetAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult<AwsCredentials?>(null));
        return PhoneHubTestHost.Create(
            b => b.AddAws(o =>
            {
                o.ServiceUrl = server.Url;
                o.ConnectionTestMaxRetries = connectionTestMaxRetries;

                // No backoff, so retries need no clock and the test no sleep.
                o.ConnectionTestRetryDelay = TimeSpan.Zero;
            }),
            configureServices: s =>
            {
                s.Replace(ServiceDescriptor.Singleton(ambient));
                services?.Invoke(s);
            });
    }
}
