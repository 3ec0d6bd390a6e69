using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Configuration;

public class PhoneConfigServiceTests
{
    private PhoneHubTestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = PhoneHubTestHost.Create();

    [TearDown]
    public void TearDown() => _host.Dispose();

    private IPhoneConfigService Configs => _host.Hub.Configs;

    [Test]
    public async Task ResolveAsync_GroupThenSystemDefaultThenError()
    {
        Assert.ThrowsAsync<PhoneConfigNotFoundException>(() => Configs.ResolveAsync("acme"));
        Assert.ThrowsAsync<PhoneConfigNotFoundException>(() => Configs.ResolveAsync(null));

        var system = await Configs.CreateAsync(new PhoneConfig { Name = "system", TestMode = true });
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(system.Id));
        Assert.That((await Configs.ResolveAsync(null)).Id, Is.EqualTo(system.Id));

        var acme = await Configs.CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = true });
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(acme.Id));
        Assert.That((await Configs.ResolveAsync("globex")).Id, Is.EqualTo(system.Id));
    }

    [Test]
    public async Task ResolveAsync_InactiveGroupConfig_FallsBackToSystemDefault()
    {
        var system = await Configs.CreateAsync(new PhoneConfig { Name = "system", TestMode = true });
        await Configs.CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = true, IsActive = false });
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(system.Id));
    }

    [Test]
    public async Task CreateAsync_NewActiveConfig_DeactivatesTheGroupsPreviousOne()
    {
        var first = await Configs.CreateAsync(new PhoneConfig { Name = "first", Group = "acme", TestMode = true });
        var second = await Configs.CreateAsync(new PhoneConfig { Name = "second", Group = "acme", TestMode = true });
        var other = await Configs.CreateAsync(new PhoneConfig { Name = "other", Group = "globex", TestMode = true });

        Assert.That((await Configs.GetAsync(first.Id))!.IsActive, Is.False);
        Assert.That((await Configs.GetAsync(second.Id))!.IsActive, Is.True);
        Assert.That((await Configs.GetAsync(other.Id))!.IsActive, Is.True);
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(second.Id));

        var reactivated = await Configs.UpdateAsync(first with { IsActive = true });
        Assert.That(reactivated!.IsActive, Is.True);
        Assert.That((await Configs.GetAsync(second.Id))!.IsActive, Is.False);
    }

    [Test]
    public async Task CreateAsync_NormalizesNumbersAndSetsDefaults()
    {
        var config = await Configs.CreateAsync(new PhoneConfig { Name = " twilio ", Provider = "Twilio", TwilioFromNumber = "(415) 555-0100" });
        Assert.That(config.TwilioFromNumber, Is.EqualTo("+14155550100"));
        Assert.That(config.Provider, Is.EqualTo("twilio"));
        Assert.That(config.Name, Is.EqualTo("twilio"));
        Assert.That(config.LookupCacheDays, Is.EqualTo(30));
        Assert.That(config.LookupEnabled, Is.True);
        Assert.That(config.HasCredentials, Is.False);
        Assert.That(config.Created, Is.EqualTo(PhoneHubTestHost.Start));
    }

    [Test]
    public void CreateAsync_InvalidConfig_ThrowsValidationErrorsPerField()
    {
        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig
        {
            Name = "",
            Provider = "twilio",
            TwilioFromNumber = "12",
            TwilioMessagingServiceSid = "XX",
            AwsRegion = "Mars",
            AwsSenderId = "way too long sender",
            LookupCacheDays = -1,
        }))!;
        Assert.That(ex.Errors.Keys, Is.EquivalentTo(new[] { "name", "twilio_from_number", "twilio_messaging_service_sid", "aws_region", "aws_sender_id", "lookup_cache_days" }));
    }

    [Test]
    public void CreateAsync_LiveTwilioWithoutSender_IsRejected()
    {
        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig { Name = "t", Provider = "twilio" }))!;
        Assert.That(ex.Errors, Does.ContainKey("twilio_from_number"));
        var aws = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig { Name = "a", Provider = "aws" }))!;
        Assert.That(aws.Errors, Does.ContainKey("aws_region"));
    }

    [Test]
    public async Task UpdateAsync_Missing_ReturnsNull()
    {
        Assert.That(await Configs.UpdateAsync(new PhoneConfig { Id = 42, Name = "x", TestMode = true }), Is.Null);
    }

    [Test]
    public async Task DeleteAsync_RemovesConfig()
    {
        var config = await Configs.CreateAsync(new PhoneConfig { Name = "x", TestMode = true });
        Assert.That(await Configs.DeleteAsync(config.Id), Is.True);
        Assert.That(await Configs.GetAsync(config.Id), Is.Null);
        Assert.That(await Configs.DeleteAsync(config.Id), Is.False);
    }

    [Test]
    public async Task TestConnectionAsync_TestModeAndUnregisteredProvider()
    {
        var test = await Configs.CreateAsync(new PhoneConfig { Name = "t", TestMode = true });
        Assert.That((await Configs.TestConnectionAsync(test.Id))!.Success, Is.True);

        var live = await Configs.CreateAsync(new PhoneConfig { Name = "live", Group = "g", Provider = "twilio", TwilioFromNumber = "+14155550100" });
        var result = await Configs.TestConnectionAsync(live.Id);
        Assert.That(result!.Success, Is.False);
        Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.ProviderNotRegistered));

        Assert.That(await Configs.TestConnectionAsync(999), Is.Null);
    }

    [Test]
    public async Task ListAsync_FiltersByGroup()
    {
        await Configs.CreateAsync(new PhoneConfig { Name = "system", TestMode = true });
        await Configs.CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = true });
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { Group = "acme" })).Select(c => c.Name), Is.EqualTo(new[] { "acme" }));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery())).Select(c => c.Name), Is.EqualTo(new[] { "system" }));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { AllGroups = true })).Count, Is.EqualTo(2));
    }
}
