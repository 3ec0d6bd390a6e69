using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.Tests.Providers.Twilio;

[TestFixture]
public sealed class TwilioRegistrationTests
{
    [Test]
    public void AddTwilio_RegistersOneProviderForSendingAndLookups()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddTwilio().AddTwilio(o => o.MaxRetryAttempts = 1);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var senders = provider.GetServices<ISmsProvider>().Where(p => p.Name == "twilio").ToList();
        var lookups = provider.GetServices<IPhoneLookupProvider>().Where(p => p.Name == "twilio").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(senders, Has.Count.EqualTo(1));
            Assert.That(lookups, Has.Count.EqualTo(1));
            Assert.That(lookups[0], Is.SameAs(senders[0]));
            Assert.That(provider.GetRequiredService<IOptions<TwilioOptions>>().Value.MaxRetryAttempts, Is.EqualTo(1));
        });
    }

    [Test]
    public void AddTwilio_Defaults_PointAtTwilio()
    {
        var options = new TwilioOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.ApiBaseUrl, Is.EqualTo(new Uri("https://api.twilio.com")));
            Assert.That(options.LookupsBaseUrl, Is.EqualTo(new Uri("https://lookups.twilio.com")));
            Assert.That(options.Fields, Is.EqualTo("line_type_intelligence,caller_name"));
        });
    }

    [Test]
    public void AddTwilio_HostConfiguration_BindsPhoneHubTwilioSectionAndCodeWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PhoneHub:Twilio:ApiBaseUrl"] = "http://127.0.0.1:4010",
            ["PhoneHub:Twilio:LookupsBaseUrl"] = "http://127.0.0.1:4011",
            ["PhoneHub:Twilio:RequestTimeout"] = "00:00:07",
            ["PhoneHub:Twilio:Fields"] = "line_type_intelligence",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneHub(o => { }).AddTwilio(o => o.Fields = "caller_name");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TwilioOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.ApiBaseUrl, Is.EqualTo(new Uri("http://127.0.0.1:4010")));
            Assert.That(options.LookupsBaseUrl, Is.EqualTo(new Uri("http://127.0.0.1:4011")));
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(options.Fields, Is.EqualTo("caller_name"));
        });
    }

    [TestCase("ApiBaseUrl", "ftp://example.com")]
    [TestCase("LookupsBaseUrl", "https://lookups.example.com/?x=1")]
    [TestCase("RequestTimeout", "00:00:00")]
    [TestCase("MaxRetryAttempts", "11")]
    [TestCase("Fields", "line_type_intelligence,,caller_name")]
    public void AddTwilio_InvalidOption_FailsValidationNamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PhoneHub:Twilio:" + key] = value,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneHub(o => { }).AddTwilio();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<TwilioOptions>>().Value);

        Assert.That(ex!.Message, Does.Contain(key));
    }

    [Test]
    public void AddTwilio_WithoutConfiguration_UsesDefaults()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => { }).AddTwilio();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<TwilioOptions>>().Value.ApiBaseUrl, Is.EqualTo(new Uri("https://api.twilio.com")));
    }
}
