using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NUnit.Framework.Interfaces;
using PhoneHub.Configuration;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// A real PhoneHub container with the <c>aws-sms</c> provider pointed at the loopback stand-in, and an <c>aws-sms</c>
/// config. Disposing it fails the test if any request the stand-in received would not have been accepted by AWS.
/// </summary>
public sealed class AwsSmsTestContext : IDisposable
{
    public const string AccessKeyId = "AKIDPHONEHUBTEST";
    public const string SecretAccessKey = "secret/Key+ThatMustNeverLeak0123456789";
    public const string SessionToken = "session-token-that-must-never-leak==";
    public const string Region = "eu-west-1";
    public const string OriginationNumber = "+12065550100";

    private AwsSmsTestContext(LoopbackAwsSms aws, PhoneHubTestHost host, IAwsAmbientCredentials ambient)
    {
        Aws = aws;
        Host = host;
        Ambient = ambient;
    }

    public LoopbackAwsSms Aws { get; }

    public PhoneHubTestHost Host { get; }

    /// <summary>The default chain, replaced so tests never reach the machine's real credentials; answers none unless set up.</summary>
    internal IAwsAmbientCredentials Ambient { get; }

    public PhoneConfig Config { get; private set; } = null!;

    public FakeLogCollector Logs => Host.Services.GetFakeLogCollector();

    internal AwsSmsProvider Provider => Host.Get<AwsSmsProvider>();

    public static async Task<AwsSmsTestContext> CreateAsync(
        ProviderCredentials? credentials = null,
        bool storeCredentials = true,
        Func<PhoneConfig, PhoneConfig>? config = null,
        Action<AwsSmsOptions>? options = null)
    {
        var aws = new LoopbackAwsSms(Region);
        var stored = credentials ?? ProviderCredentials.ForAws(AccessKeyId, SecretAccessKey);
        aws.Credentials = storeCredentials && stored.Get(ProviderCredentials.AwsSecretAccessKey) is { } secret
            ? new AwsCredentials(stored.Get(ProviderCredentials.AwsAccessKeyId)!, secret, stored.Get(ProviderCredentials.AwsSessionToken))
            : null;
        var ambient = Substitute.For<IAwsAmbientCredentials>();
        ambient.GetAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult<AwsCredentials?>(null));
        var host = PhoneHubTestHost.Create(
            configureBuilder: b => b.AddAwsSms(o =>
            {
                o.ServiceUrl = aws.Url;
                o.RetryDelay = TimeSpan.Zero;
                o.Timeout = TimeSpan.FromSeconds(10);
                options?.Invoke(o);
            }),
            configureServices: s =>
            {
                s.AddLogging(l => l.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
                s.Replace(ServiceDescriptor.Singleton(ambient));
            });

        var context = new AwsSmsTestContext(aws, host, ambient);
        var configs = host.Get<IPhoneConfigService>();
        var draft = new PhoneConfig
        {
            Name = "aws-sms",
            Provider = PhoneProviders.AwsSms,
            IsActive = true,
            Settings = TestSettings.Of((AwsSmsDefinition.Region, Region), (AwsSmsDefinition.OriginationNumber, OriginationNumber)),
        };
        context.Config = (await configs.CreateAsync(config is null ? draft : config(draft))).Config;
        if (storeCredentials)
        {
            await configs.SetCredentialsAsync(context.Config.Id, stored);
            context.Config = (await configs.GetAsync(context.Config.Id))!;
        }

        return context;
    }

    /// <summary>The provider context of the config, as the SMS service builds it.</summary>
    public Task<PhoneHub.Providers.ProviderContext> ProviderContextAsync() => Host.Get<IPhoneConfigService>().GetProviderContextAsync(Config);

    /// <summary>A loopback URL nothing listens on: connecting to it is refused at once.</summary>
    public static Uri RefusingUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public void Dispose()
    {
        Host.Dispose();
        Aws.Dispose();

        // Every request must conform, in every test; a test that already failed keeps its own message.
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Failed && !Aws.Problems.IsEmpty)
        {
            Assert.Fail("The stand-in received requests AWS would refuse:\n" + string.Join("\n", Aws.Problems));
        }
    }
}

/// <summary>Changes to the settings of a draft config.</summary>
internal static class AwsSmsConfigDrafts
{
    /// <summary>The config with each named setting set, or removed when its value is <see langword="null"/>.</summary>
    public static PhoneConfig With(this PhoneConfig config, params (string Name, string? Value)[] changes)
    {
        var settings = new Dictionary<string, string>(config.Settings, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                settings.Remove(name);
            }
            else
            {
                settings[name] = value;
            }
        }

        return config with { Settings = settings };
    }
}
