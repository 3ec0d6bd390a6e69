using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using PhoneHub.Lookup;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>Registration, options and endpoints of the <c>aws-sms</c> provider.</summary>
public sealed class AwsSmsPhoneHubBuilderExtensionsTests
{
    [Test]
    public void AddAwsSms_CalledTwiceBesideAddAws_RegistersOneProviderOfEachName()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddAws().AddAwsSms().AddAwsSms(o => o.MaxPrice = 1m);
        using var provider = services.BuildServiceProvider();

        var names = provider.GetServices<ISmsProvider>().Select(p => p.Name).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(names.Count(n => n == PhoneHub.Configuration.PhoneProviders.AwsSms), Is.EqualTo(1));
            Assert.That(names.Count(n => n == "aws"), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IOptions<AwsSmsOptions>>().Value.MaxPrice, Is.EqualTo(1m));
        });
    }

    [Test]
    public void AddAwsSms_ConfigurationSection_BindsOptionsAndCodeWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PhoneHub:AwsSms:ServiceUrl"] = "http://localhost:4566/",
            ["PhoneHub:AwsSms:OriginationIdentity"] = "arn:aws:sms-voice:us-east-1:111122223333:pool/pool-0123456789abcdef",
            ["PhoneHub:AwsSms:ConfigurationSetName"] = "phonehub-events",
            ["PhoneHub:AwsSms:MessageType"] = "Promotional",
            ["PhoneHub:AwsSms:MaxPrice"] = "0.25",
            ["PhoneHub:AwsSms:TimeToLive"] = "01:00:00",
            ["PhoneHub:AwsSms:DryRun"] = "true",
            ["PhoneHub:AwsSms:Timeout"] = "00:00:05",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneHub(o => { }).AddAwsSms(o => o.Timeout = TimeSpan.FromSeconds(7));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AwsSmsOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.ServiceUrl, Is.EqualTo(new Uri("http://localhost:4566/")));
            Assert.That(options.OriginationIdentity, Is.EqualTo("arn:aws:sms-voice:us-east-1:111122223333:pool/pool-0123456789abcdef"));
            Assert.That(options.ConfigurationSetName, Is.EqualTo("phonehub-events"));
            Assert.That(options.MessageType, Is.EqualTo(AwsSmsType.Promotional));
            Assert.That(options.MaxPrice, Is.EqualTo(0.25m));
            Assert.That(options.TimeToLive, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(options.DryRun, Is.True);
            Assert.That(options.OptOutListName, Is.EqualTo("Default"));
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
        });
    }

    [TestCase(nameof(AwsSmsOptions.ServiceUrl), "ftp://example.com/")]
    [TestCase(nameof(AwsSmsOptions.OriginationIdentity), "My Shop")]
    [TestCase(nameof(AwsSmsOptions.ConfigurationSetName), "has space")]
    [TestCase(nameof(AwsSmsOptions.ProtectConfigurationId), "")]
    [TestCase(nameof(AwsSmsOptions.OptOutListName), "")]
    [TestCase(nameof(AwsSmsOptions.MaxPrice), "0")]
    [TestCase(nameof(AwsSmsOptions.MaxPrice), "100")]
    [TestCase(nameof(AwsSmsOptions.MaxPrice), "0.000001")]
    [TestCase(nameof(AwsSmsOptions.TimeToLive), "00:00:04")]
    [TestCase(nameof(AwsSmsOptions.TimeToLive), "3.00:00:01")]
    [TestCase(nameof(AwsSmsOptions.TimeToLive), "00:00:10.5")]
    [TestCase(nameof(AwsSmsOptions.Timeout), "00:00:00")]
    [TestCase(nameof(AwsSmsOptions.MaxRetries), "11")]
    public void AddAwsSms_ValueAwsWouldRefuse_FailsAtStartNamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PhoneHub:AwsSms:" + key] = value }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneHub(o => { }).AddAwsSms();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AwsSmsOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain(key));
    }

    [TestCase("0.5", "0.5")]
    [TestCase("1", "1.0")]
    [TestCase("12.34567", "12.34567")]
    [TestCase("99.99999", "99.99999")]
    [TestCase("0.00001", "0.00001")]
    public void FormatMaxPrice_AllowedValue_IsWrittenAsThePublishedPattern(string value, string expected)
    {
        var text = AwsSmsLimits.FormatMaxPrice(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(text, Is.EqualTo(expected).And.Match(@"^[0-9]{0,2}\.[0-9]{1,5}$"));
    }

    [Test]
    public void Endpoint_NoOverride_UsesRegionalSmsVoiceEndpoint()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AwsSmsClient.Endpoint("eu-west-1", new AwsSmsOptions()), Is.EqualTo(new Uri("https://sms-voice.eu-west-1.amazonaws.com/")));
            Assert.That(AwsSmsClient.Endpoint("cn-north-1", new AwsSmsOptions()), Is.EqualTo(new Uri("https://sms-voice.cn-north-1.amazonaws.com.cn/")));
            Assert.That(AwsSmsClient.Endpoint("eu-west-1", new AwsSmsOptions { ServiceUrl = new Uri("http://127.0.0.1:9/") }), Is.EqualTo(new Uri("http://127.0.0.1:9/")));
        });
    }

    [Test]
    public void AddAwsSms_NamedClients_RedactSecretsAndOnlyTheApiClientRetries()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddAwsSms();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>();

        var send = factory.Get(AwsSmsPhoneHubBuilderExtensions.SendHttpClientName);
        var api = factory.Get(AwsSmsPhoneHubBuilderExtensions.ApiHttpClientName);

        Assert.Multiple(() =>
        {
            Assert.That(Handlers(provider, send), Is.Empty, "sends: no retry (or any other) handler");
            Assert.That(Handlers(provider, api), Has.Count.EqualTo(1), "the API client: the retry handler");
            Assert.That(send.ShouldRedactHeaderValue("Authorization") && send.ShouldRedactHeaderValue("X-Amz-Security-Token"), Is.True);
            Assert.That(api.ShouldRedactHeaderValue("Authorization") && api.ShouldRedactHeaderValue("X-Amz-Security-Token"), Is.True);
        });
    }

    [Test]
    public async Task LookupAsync_AwsSmsConfig_ReturnsLocalMetadataWithoutCallingAws()
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var number = await t.Host.Get<IPhoneLookupService>().LookupAsync("+14155552671");

        Assert.Multiple(() =>
        {
            Assert.That(number.LookupProvider, Is.EqualTo(PhoneHub.Configuration.PhoneProviders.Local));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    private static List<DelegatingHandler> Handlers(IServiceProvider services, HttpClientFactoryOptions options)
    {
        var builder = new TestHandlerBuilder(services);
        foreach (var action in options.HttpMessageHandlerBuilderActions)
        {
            action(builder);
        }

        return [.. builder.AdditionalHandlers];
    }

    private sealed class TestHandlerBuilder(IServiceProvider services) : HttpMessageHandlerBuilder
    {
        public override string? Name { get; set; }

        public override HttpMessageHandler PrimaryHandler { get; set; } = new HttpClientHandler();

        public override IList<DelegatingHandler> AdditionalHandlers { get; } = [];

        public override IServiceProvider Services { get; } = services;

        public override HttpMessageHandler Build() => CreateHandlerPipeline(PrimaryHandler, AdditionalHandlers);
    }
}
