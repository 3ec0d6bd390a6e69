using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using PhoneHub.Configuration;
using PhoneHub.Providers.Aws;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>A real PhoneHub container with the AWS provider pointed at a loopback SNS, and an <c>aws</c> config.</summary>
public sealed partial class AwsSnsTestContext : IDisposable
{
    public const string AccessKeyId = "AKIDPHONEHUBTEST";
    public const string SecretAccessKey = "secret/Key+ThatMustNeverLeak0123456789";
    public const string SessionToken = "session-token-that-must-never-leak==";
    public const string Region = "eu-west-1";

    private AwsSnsTestContext(LoopbackSns sns, PhoneHubTestHost host, IAwsAmbientCredentials ambient)
    {
        Sns = sns;
        Host = host;
        Ambient = ambient;
    }

    public LoopbackSns Sns { get; }

    public PhoneHubTestHost Host { get; }

    /// <summary>The default chain, replaced so tests never reach the machine's real credentials; answers none unless set up.</summary>
    internal IAwsAmbientCredentials Ambient { get; }

    public PhoneConfig Config { get; private set; } = null!;

    public FakeLogCollector Logs => Host.Services.GetFakeLogCollector();

    public static async Task<AwsSnsTestContext> CreateAsync(
        ProviderCredentials? credentials = null,
        bool storeCredentials = true,
        Func<PhoneConfig, PhoneConfig>? config = null,
        Action<AwsSnsOptions>? options = null)
    {
        var sns = new LoopbackSns();
        var ambient = Substitute.For<IAwsAmbientCredentials>();
        ambient.GetAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult<AwsCredentials?>(null));
        var host = PhoneHubTestHost.Create(
            configureBuilder: b => b.AddAws(o =>
            {
                o.ServiceUrl = sns.Url;
                o.ConnectionTestRetryDelay = TimeSpan.Zero;
                o.Timeout = TimeSpan.FromSeconds(10);
                options?.Invoke(o);
            }),
            configureServices: s =>
            {
                s.AddLogging(l => l.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
                s.Replace(ServiceDescriptor.Singleton(ambient));
            });

        var context = new AwsSnsTestContext(sns, host, ambient);
        var configs = host.Get<IPhoneConfigService>();
        var draft = new PhoneConfig
        {
            Name = "aws",
            Provider = PhoneProviders.Aws,
            IsActive = true,
            Settings = TestSettings.Of(("region", Region), ("sender_id", "PhoneHub"), ("origination_number", "+12065550100")),
        };
        context.Config = (await configs.CreateAsync(config is null ? draft : config(draft))).Config;
        if (storeCredentials)
        {
            await configs.SetCredentialsAsync(context.Config.Id, credentials ?? ProviderCredentials.ForAws(AccessKeyId, SecretAccessKey));
            context.Config = (await configs.GetAsync(context.Config.Id))!;
        }

        return context;
    }

    /// <summary>The decoded form fields of a request body (SigV4-style percent encoding).</summary>
    public static Dictionary<string, string> Form(RawHttpRequest request) =>
        System.Text.Encoding.UTF8.GetString(request.Body)
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    /// <summary>The message attributes of a Publish form as name → (data type, value).</summary>
    public static Dictionary<string, (string DataType, string Value)> Attributes(Dictionary<string, string> form)
    {
        var result = new Dictionary<string, (string, string)>();
        for (var i = 1; form.TryGetValue($"MessageAttributes.entry.{i}.Name", out var name); i++)
        {
            result[name] = (form[$"MessageAttributes.entry.{i}.Value.DataType"], form[$"MessageAttributes.entry.{i}.Value.StringValue"]);
        }

        return result;
    }

    /// <summary>Checks the Authorization header is well formed for the credentials, region and fake time, and recomputes its signature from what arrived.</summary>
    public static void AssertSignedFor(RawHttpRequest request, string accessKeyId, string secretAccessKey, string? sessionToken, DateTimeOffset time)
    {
        var authorization = request.Header("Authorization");
        Assert.That(authorization, Is.Not.Null, "Authorization header");
        var match = AuthorizationPattern().Match(authorization!);
        Assert.That(match.Success, Is.True, $"Authorization header shape: {authorization}");

        var date = time.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var signedHeaders = match.Groups["signed"].Value.Split(';');
        Assert.Multiple(() =>
        {
            Assert.That(match.Groups["key"].Value, Is.EqualTo(accessKeyId));
            Assert.That(match.Groups["scope"].Value, Is.EqualTo($"{date}/{Region}/sns/aws4_request"));
            Assert.That(request.Header("X-Amz-Date"), Is.EqualTo(time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(request.Header("X-Amz-Security-Token"), Is.EqualTo(sessionToken));
            Assert.That(signedHeaders, Is.EqualTo(sessionToken is null
                ? new[] { "content-type", "host", "x-amz-date" }
                : new[] { "content-type", "host", "x-amz-date", "x-amz-security-token" }));
        });

        // Recompute from the bytes that arrived, with only the headers the client says it signed.
        var recomputed = AwsSigV4Signer.Sign(request.ToSigningRequest(signedHeaders), new AwsCredentials(accessKeyId, secretAccessKey, sessionToken), Region, "sns", time);
        Assert.That(authorization, Is.EqualTo(recomputed.Authorization), "signature recomputed from the received request");
    }

    public void Dispose()
    {
        Host.Dispose();
        Sns.Dispose();
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<scope>\d{8}/[^/]+/[^/]+/aws4_request), SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}
