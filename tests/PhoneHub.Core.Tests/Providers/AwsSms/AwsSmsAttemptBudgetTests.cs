using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// How many HTTP attempts reach the socket when AWS End User Messaging fails, through the real registrations against a
/// loopback server that counts them: a connection test makes at most <see cref="AwsSmsOptions.MaxRetries"/> + 1, a send
/// exactly one, even when the host turns on <c>Expect: 100-continue</c>.
/// </summary>
public sealed class AwsSmsAttemptBudgetTests
{
    [Test]
    public async Task TestConnectionAsync_ServerFailsEveryAttempt_MakesMaxRetriesPlusOneAttemptsAtTheSocket(
        [Values] ServerFault fault, [Values(0, 3)] int maxRetries)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, maxRetries);

        var result = await Provider(host).TestConnectionAsync(Context());

        Assert.Multiple(() =>
        {
            Assert.That(result.Success, Is.False);
            Assert.That(server.Attempts, Is.EqualTo(maxRetries + 1), "attempts at the socket");
        });
    }

    [Test]
    public void SendAsync_ServerFailsEveryAttempt_MakesExactlyOneAttemptAtTheSocket([Values] ServerFault fault)
    {
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(fault);
        using var host = CreateHost(server, maxRetries: 3);

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
        using var server = new CountingLoopbackServer();
        server.FailEveryAttempt(ServerFault.CloseOnAccept);
        using var host = CreateHost(server, maxRetries: 3, services => services
            .AddHttpClient(AwsSmsPhoneHubBuilderExtensions.SendHttpClientName)
            .ConfigureHttpClient(c => c.DefaultRequestHeaders.ExpectContinue = true));

        var thrown = Assert.CatchAsync<SmsProviderException>(() => Provider(host).SendAsync(Sms(), Context()));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.OutcomeUnknown, Is.True, thrown.Message);
            Assert.That(server.Attempts, Is.EqualTo(1), "attempts at the socket");
        });
    }

    private static ISmsProvider Provider(PhoneHubTestHost host) => host.Get<IEnumerable<ISmsProvider>>().Single(p => p.Name == PhoneProviders.AwsSms);

    private static ProviderContext Context() => new(
        new PhoneConfig
        {
            Id = 3, Name = "aws-sms", Provider = PhoneProviders.AwsSms,
            Settings = TestSettings.Of((AwsSmsDefinition.Region, AwsSmsTestContext.Region), (AwsSmsDefinition.OriginationNumber, AwsSmsTestContext.OriginationNumber)),
        },
        ProviderCredentials.ForAws(AwsSmsTestContext.AccessKeyId, AwsSmsTestContext.SecretAccessKey));

    private static SmsSendRequest Sms() => new(42, "+14155552671", "Hi", null, []);

    private static PhoneHubTestHost CreateHost(CountingLoopbackServer server, int maxRetries, Action<IServiceCollection>? services = null)
    {
        // The default credential chain is replaced so nothing reads the machine's real credentials.
        var ambient = Substitute.For<IAwsAmbientCredentials>();
        ambient.GetAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult<AwsCredentials?>(null));
        return PhoneHubTestHost.Create(
            b => b.AddAwsSms(o =>
            {
                o.ServiceUrl = server.Url;
                o.MaxRetries = maxRetries;

                // No backoff, so retries need no clock and the test no sleep.
                o.RetryDelay = TimeSpan.Zero;
            }),
            configureServices: s =>
            {
                s.Replace(ServiceDescriptor.Singleton(ambient));
                services?.Invoke(s);
            });
    }
}
