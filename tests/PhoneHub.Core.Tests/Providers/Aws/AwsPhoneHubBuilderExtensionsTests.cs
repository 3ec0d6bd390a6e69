using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>Registration and options of the AWS provider.</summary>
public sealed class AwsPhoneHubBuilderExtensionsTests
{
    [Test]
    public void AddAws_CalledTwice_RegistersOneAwsProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddAws().AddAws(o => o.MaxPrice = 1m);
        using var provider = services.BuildServiceProvider();

        var senders = provider.GetServices<ISmsProvider>().Where(p => p.Name == PhoneProviders.Aws).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(senders, Has.Count.EqualTo(1));
            Assert.That(provider.GetRequiredService<IOptions<AwsSnsOptions>>().Value.MaxPrice, Is.EqualTo(1m));
        });
    }

    [Test]
    public void AddAws_ConfigurationSection_BindsOptionsAndCodeWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PhoneHub:Aws:ServiceUrl"] = "http://localhost:4566/",
            ["PhoneHub:Aws:DefaultSmsType"] = "Promotional",
            ["PhoneHub:Aws:MaxPrice"] = "0.25",
            ["PhoneHub:Aws:Timeout"] = "00:00:05",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneHub(o => { }).AddAws(o => o.Timeout = TimeSpan.FromSeconds(7));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AwsSnsOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.ServiceUrl, Is.EqualTo(new Uri("http://localhost:4566/")));
            Assert.That(options.DefaultSmsType, Is.EqualTo(AwsSmsType.Promotional));
            Assert.That(options.MaxPrice, Is.EqualTo(0.25m));
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
        });
    }

    [TestCase("ftp://example.com/", null, "PhoneHub:Aws:ServiceUrl")]
    [TestCase(null, "0", "PhoneHub:Aws:MaxPrice")]
    public void AddAws_InvalidOptions_FailsNamingTheKey(string? serviceUrl, string? maxPrice, string key)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddAws(o =>
        {
            o.ServiceUrl = serviceUrl is null ? null : new Uri(serviceUrl);
            o.MaxPrice = maxPrice is null ? null : decimal.Parse(maxPrice, System.Globalization.CultureInfo.InvariantCulture);
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AwsSnsOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain(key));
    }

    [Test]
    public void AddAws_TimeoutOutOfRange_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddAws(o => o.Timeout = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AwsSnsOptions>>().Value);
    }

    [Test]
    public void Endpoint_NoOverride_UsesRegionalSnsEndpoint()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AwsSnsSmsProvider.Endpoint("eu-west-1", new AwsSnsOptions()), Is.EqualTo(new Uri("https://sns.eu-west-1.amazonaws.com/")));
            Assert.That(AwsSnsSmsProvider.Endpoint("cn-north-1", new AwsSnsOptions()), Is.EqualTo(new Uri("https://sns.cn-north-1.amazonaws.com.cn/")));
        });
    }

    [Test]
    public async Task LookupAsync_AwsConfig_ReturnsLocalMetadataWithoutCallingSns()
    {
        using var t = await AwsSnsTestContext.CreateAsync();

        var number = await t.Host.Get<IPhoneLookupService>().LookupAsync("+14155552671");

        Assert.Multiple(() =>
        {
            Assert.That(number.LookupProvider, Is.EqualTo(PhoneProviders.Local));
            Assert.That(number.Carrier, Is.Null);
            Assert.That(t.Sns.Requests, Is.Empty);
        });
    }
}
