using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Configuration;

public class PhoneConfigServiceTests
{
    private const string AccountA = "AC0123456789abcdef0123456789abcdef";
    private const string AccountB = "ACfedcba9876543210fedcba9876543210";

    private PhoneHubTestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = PhoneHubTestHost.Create(b => b.AddTwilio().AddAws());

    [TearDown]
    public void TearDown() => _host.Dispose();

    private IPhoneConfigService Configs => _host.Hub.Configs;

    private static Dictionary<string, string> Settings(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    private async Task<PhoneConfig> CreateAsync(PhoneConfig config) => (await Configs.CreateAsync(config)).Config;

    private Task<PhoneConfig> TwilioAsync(string? group, string from, bool active = true) => CreateAsync(new PhoneConfig
    {
        Name = $"twilio {from}",
        Group = group,
        Provider = PhoneProviders.Twilio,
        IsActive = active,
        Settings = Settings((TwilioDefinition.FromNumber, from)),
    });

    [Test]
    public async Task ResolveAsync_GroupThenSystemDefaultThenError()
    {
        Assert.ThrowsAsync<PhoneConfigNotFoundException>(() => Configs.ResolveAsync("acme"));
        Assert.ThrowsAsync<PhoneConfigNotFoundException>(() => Configs.ResolveAsync(null));

        var system = await CreateAsync(new PhoneConfig { Name = "system", TestMode = true, IsActive = true });
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(system.Id));
        Assert.That((await Configs.ResolveAsync(null)).Id, Is.EqualTo(system.Id));

        var acme = await CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = true, IsActive = true });
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(acme.Id));
        Assert.That((await Configs.ResolveAsync("globex")).Id, Is.EqualTo(system.Id));
    }

    [Test]
    public async Task ResolveAsync_InactiveGroupConfig_FallsBackToSystemDefault()
    {
        var system = await CreateAsync(new PhoneConfig { Name = "system", TestMode = true, IsActive = true });
        await CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = true, IsActive = false });
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(system.Id));
    }

    [Test]
    public async Task CreateAsync_ActivationIsExplicit_DefaultIsInactiveAndTheResultNamesWhatWasDeactivated()
    {
        var first = await Configs.CreateAsync(new PhoneConfig { Name = "first", Group = "acme", TestMode = true, IsActive = true });
        Assert.That(first.DeactivatedConfigIds, Is.Empty);

        var draft = await Configs.CreateAsync(new PhoneConfig { Name = "draft", Group = "acme", TestMode = true });
        Assert.That(draft.Config.IsActive, Is.False, "a create without IsActive never switches the group's config");
        Assert.That(draft.DeactivatedConfigIds, Is.Empty);
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(first.Config.Id));

        var second = await Configs.CreateAsync(new PhoneConfig { Name = "second", Group = "acme", TestMode = true, IsActive = true });
        var other = await Configs.CreateAsync(new PhoneConfig { Name = "other", Group = "globex", TestMode = true, IsActive = true });
        Assert.That(second.DeactivatedConfigIds, Is.EqualTo(new[] { first.Config.Id }));
        Assert.That(other.DeactivatedConfigIds, Is.Empty);
        Assert.That((await Configs.GetAsync(first.Config.Id))!.IsActive, Is.False);
        Assert.That((await Configs.ResolveAsync("acme")).Id, Is.EqualTo(second.Config.Id));

        var reactivated = await Configs.ActivateAsync(first.Config.Id);
        Assert.That(reactivated!.Config.IsActive, Is.True);
        Assert.That(reactivated.DeactivatedConfigIds, Is.EqualTo(new[] { second.Config.Id }));
        Assert.That(await Configs.ActivateAsync(999), Is.Null);
    }

    [Test]
    public async Task CreateAsync_NormalizesSettingsAndSetsDefaults()
    {
        var config = await CreateAsync(new PhoneConfig
        {
            Name = " twilio ",
            Provider = "Twilio",
            Settings = Settings((TwilioDefinition.FromNumber, "(415) 555-0100"), (TwilioDefinition.MessagingServiceSid, " MG0123456789abcdef0123456789abcdef ")),
        });
        Assert.That(config.Settings, Is.EquivalentTo(Settings((TwilioDefinition.FromNumber, "+14155550100"), (TwilioDefinition.MessagingServiceSid, "MG0123456789abcdef0123456789abcdef"))));
        Assert.That(config.Identities, Is.EquivalentTo(new[]
        {
            new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100"),
            new ProviderIdentity(ProviderIdentityKinds.MessagingService, "MG0123456789abcdef0123456789abcdef"),
        }));
        Assert.That(config.Provider, Is.EqualTo("twilio"));
        Assert.That(config.Name, Is.EqualTo("twilio"));
        Assert.That(config.IsActive, Is.False);
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
            Settings = Settings((TwilioDefinition.FromNumber, "12"), (TwilioDefinition.MessagingServiceSid, "XX"), ("aws_region", "us-east-1")),
            LookupCacheDays = -1,
        }))!;
        Assert.That(ex.Errors.Keys, Is.EquivalentTo(new[] { "name", "settings.from_number", "settings.messaging_service_sid", "settings.aws_region", "lookup_cache_days" }));
        Assert.That(ex.Errors["settings.aws_region"][0], Does.Contain("from_number, messaging_service_sid, account_sid"), "an unknown setting says which exist");
    }

    [Test]
    public void CreateAsync_UnregisteredProvider_IsRefusedBeforeAnythingIsStored()
    {
        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig { Name = "x", Provider = "foo", IsActive = true }))!;
        Assert.That(ex.Errors.Keys, Is.EqualTo(new[] { "provider" }));
        Assert.That(ex.Errors["provider"][0], Does.Contain("aws, test, twilio"));
        Assert.That(Configs.ListAsync(new PhoneConfigQuery { AllGroups = true }).Result, Is.Empty);
    }

    [Test]
    public async Task CreateAsync_ActiveLiveConfigWithoutSender_IsRejected_InactiveOrTestModeIsNot()
    {
        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig { Name = "t", Provider = "twilio", IsActive = true }))!;
        Assert.That(ex.Errors, Does.ContainKey("settings.from_number"));
        var aws = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig { Name = "a", Provider = "aws", IsActive = true }))!;
        Assert.That(aws.Errors, Does.ContainKey("settings.region"));

        Assert.That((await Configs.CreateAsync(new PhoneConfig { Name = "draft", Provider = "twilio" })).Config.IsActive, Is.False);
        Assert.That((await Configs.CreateAsync(new PhoneConfig { Name = "test", Provider = "twilio", TestMode = true, IsActive = true })).Config.IsActive, Is.True);
    }

    [Test]
    public async Task CreateAsync_NumberHeldByAnotherGroupsActiveConfig_IsAConflict()
    {
        await TwilioAsync("acme", "+14155550100");
        var ex = Assert.ThrowsAsync<ProviderIdentityConflictException>(() => TwilioAsync("globex", "(415) 555-0100"))!;
        Assert.That(ex.Identity, Is.EqualTo(new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100")));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { Group = "globex" })), Is.Empty, "nothing stored");

        // An inactive claim is allowed (a draft), but activating it is refused while the other holds the number.
        var draft = await TwilioAsync("globex", "+14155550100", active: false);
        Assert.ThrowsAsync<ProviderIdentityConflictException>(() => Configs.ActivateAsync(draft.Id));
        Assert.That((await Configs.GetAsync(draft.Id))!.IsActive, Is.False);

        // The same number can also not be claimed by another provider's config.
        Assert.ThrowsAsync<ProviderIdentityConflictException>(() => Configs.CreateAsync(new PhoneConfig
        {
            Name = "aws",
            Group = "initech",
            Provider = PhoneProviders.Aws,
            IsActive = true,
            Settings = Settings((AwsSnsDefinition.Region, "us-east-1"), (AwsSnsDefinition.OriginationNumber, "+14155550100")),
        }));
    }

    [Test]
    public async Task ActivateAsync_WithinOneGroup_HandsTheNumberOverToTheNewConfig()
    {
        var old = await TwilioAsync("acme", "+14155550100");
        var replacement = await TwilioAsync("acme", "+14155550100", active: false);
        var switched = await Configs.ActivateAsync(replacement.Id);
        Assert.That(switched!.DeactivatedConfigIds, Is.EqualTo(new[] { old.Id }));
        Assert.That((await Configs.FindByIdentityAsync(ProviderIdentityKinds.PhoneNumber, "+14155550100"))!.Id, Is.EqualTo(replacement.Id));
    }

    [Test]
    public async Task CreateAsync_TwentyConcurrentClaimsOfOneNumber_ExactlyOneWins()
    {
        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await TwilioAsync($"group-{i}", "+14155550100");
                return true;
            }
            catch (ProviderIdentityConflictException)
            {
                return false;
            }
        })).ToArray();
        var results = await Task.WhenAll(attempts);
        Assert.That(results.Count(won => won), Is.EqualTo(1));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { AllGroups = true, ActiveOnly = true })).Count, Is.EqualTo(1));
    }

    [TestCase(ProviderIdentityKinds.MessagingService)]
    [TestCase(ProviderIdentityKinds.Topic)]
    [TestCase(ProviderIdentityKinds.Account)]
    public async Task CreateAsync_TwentyConcurrentClaimsOfOneIdentity_ExactlyOneWins(string kind)
    {
        var (provider, settings) = kind switch
        {
            ProviderIdentityKinds.MessagingService => (PhoneProviders.Twilio, Settings((TwilioDefinition.MessagingServiceSid, "MG0123456789abcdef0123456789abcdef"))),
            ProviderIdentityKinds.Account => (PhoneProviders.Twilio, Settings((TwilioDefinition.MessagingServiceSid, "MG0123456789abcdef0123456789abcdef"), (TwilioDefinition.AccountSid, AccountA))),
            _ => (PhoneProviders.Aws, Settings((AwsSnsDefinition.Region, "us-east-1"), (AwsSnsDefinition.TopicArns, "arn:aws:sns:us-east-1:123456789012:inbound"))),
        };
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                // Only the identity under test is shared: every config gets its own messaging service otherwise.
                var own = kind == ProviderIdentityKinds.Account
                    ? new Dictionary<string, string>(settings) { [TwilioDefinition.MessagingServiceSid] = "MG" + i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture) }
                    : settings;
                await Configs.CreateAsync(new PhoneConfig { Name = "c", Group = $"group-{i}", Provider = provider, IsActive = true, Settings = own });
                return true;
            }
            catch (ProviderIdentityConflictException)
            {
                return false;
            }
        })));
        Assert.That(results.Count(won => won), Is.EqualTo(1));
    }

    [Test]
    public async Task SetCredentialsAsync_SeedNamesAreAliases_AccountSidBecomesASetting()
    {
        var config = await TwilioAsync("acme", "+14155550100");
        Assert.That(await Configs.SetCredentialsAsync(config.Id, new ProviderCredentials([new("twilio_account_sid", AccountA), new("twilio_auth_token", "secret-token")])), Is.True);

        var stored = (await Configs.GetAsync(config.Id))!;
        Assert.That(stored.HasCredentials, Is.True);
        Assert.That(stored.Setting(TwilioDefinition.AccountSid), Is.EqualTo(AccountA));
        Assert.That(stored.Account, Is.EqualTo(AccountA));
        Assert.That((await Configs.FindByIdentityAsync(ProviderIdentityKinds.Account, AccountA))!.Id, Is.EqualTo(config.Id));

        var context = await Configs.GetProviderContextAsync(stored);
        Assert.That(context.Credentials!.Names, Is.EquivalentTo(new[] { ProviderCredentials.TwilioAuthToken }), "canonical names; the SID is not kept as a secret");
        Assert.That(context.Credentials.Get(ProviderCredentials.TwilioAuthToken), Is.EqualTo("secret-token"));
    }

    [Test]
    public async Task SetCredentialsAsync_AwsSeedNames_AreAccepted()
    {
        var config = await CreateAsync(new PhoneConfig { Name = "aws", Provider = PhoneProviders.Aws, Settings = Settings((AwsSnsDefinition.Region, "us-east-1")) });
        await Configs.SetCredentialsAsync(config.Id, new ProviderCredentials([new("aws_access_key_id", "AKID"), new("aws_secret_access_key", "SECRET")]));
        var context = await Configs.GetProviderContextAsync((await Configs.GetAsync(config.Id))!);
        Assert.That(context.Credentials!.Get(ProviderCredentials.AwsAccessKeyId), Is.EqualTo("AKID"));
        Assert.That(context.Credentials.Get(ProviderCredentials.AwsSecretAccessKey), Is.EqualTo("SECRET"));
    }

    [Test]
    public async Task SetCredentialsAsync_UnknownOrMalformedNames_AreRefusedAndNothingIsStored()
    {
        var config = await TwilioAsync("acme", "+14155550100");
        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.SetCredentialsAsync(config.Id, new ProviderCredentials(
            [new("account_sid", "not-a-sid"), new("auth_token", "t"), new("access_key_id", "AKID"), new("password", "x")])))!;
        Assert.That(ex.Errors.Keys, Is.EquivalentTo(new[] { "credentials.account_sid", "credentials.access_key_id", "credentials.password" }));
        Assert.That((await Configs.GetAsync(config.Id))!.HasCredentials, Is.False);
    }

    [Test]
    public async Task SetCredentialsAsync_AccountHeldByAnotherGroup_IsAConflictAndKeepsTheOldCredentials()
    {
        var acme = await TwilioAsync("acme", "+14155550100");
        await Configs.SetCredentialsAsync(acme.Id, ProviderCredentials.ForTwilio(AccountA, "token-a"));
        var globex = await TwilioAsync("globex", "+14155550101");
        await Configs.SetCredentialsAsync(globex.Id, ProviderCredentials.ForTwilio(AccountB, "token-b"));

        Assert.ThrowsAsync<ProviderIdentityConflictException>(() => Configs.SetCredentialsAsync(globex.Id, ProviderCredentials.ForTwilio(AccountA, "token-x")));
        var stored = (await Configs.GetAsync(globex.Id))!;
        Assert.That(stored.Account, Is.EqualTo(AccountB));
        Assert.That((await Configs.GetProviderContextAsync(stored)).Credentials!.Get(ProviderCredentials.TwilioAuthToken), Is.EqualTo("token-b"));
    }

    [Test]
    public async Task FindByIdentityAsync_NormalizesNumbersAndSeesOnlyActiveConfigs()
    {
        var config = await TwilioAsync("acme", "+14155550100");
        Assert.That((await Configs.FindByIdentityAsync(ProviderIdentityKinds.PhoneNumber, "(415) 555-0100"))!.Id, Is.EqualTo(config.Id));
        Assert.That(await Configs.FindByIdentityAsync(ProviderIdentityKinds.PhoneNumber, "not a number"), Is.Null);
        Assert.That(await Configs.FindByIdentityAsync(ProviderIdentityKinds.PhoneNumber, null), Is.Null);

        await Configs.UpdateAsync(config with { IsActive = false });
        Assert.That(await Configs.FindByIdentityAsync(ProviderIdentityKinds.PhoneNumber, "+14155550100"), Is.Null, "a write through the service drops the cached answer");
    }

    [Test]
    public async Task UpdateAsync_Missing_ReturnsNull()
    {
        Assert.That(await Configs.UpdateAsync(new PhoneConfig { Id = 42, Name = "x", TestMode = true }), Is.Null);
    }

    [Test]
    public async Task DeleteAsync_RemovesConfigAndReleasesItsIdentities()
    {
        var config = await TwilioAsync("acme", "+14155550100");
        Assert.That(await Configs.DeleteAsync(config.Id), Is.True);
        Assert.That(await Configs.GetAsync(config.Id), Is.Null);
        Assert.That(await Configs.DeleteAsync(config.Id), Is.False);
        Assert.That(await TwilioAsync("globex", "+14155550100"), Is.Not.Null, "the number is free again");
    }

    [Test]
    public async Task TestConnectionAsync_TestModeAndProviderMissingFromThisHost()
    {
        var test = await CreateAsync(new PhoneConfig { Name = "t", TestMode = true });
        Assert.That((await Configs.TestConnectionAsync(test.Id))!.Success, Is.True);
        var live = await TwilioAsync("g", "+14155550100");

        // The same database opened by a host that does not register Twilio.
        var services = new ServiceCollection().AddLogging();
        services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(_host.Db.ConnectionString);
        var other = services.BuildServiceProvider();
        await using (other)
        {
            var result = await other.GetRequiredService<IPhoneConfigService>().TestConnectionAsync(live.Id);
            Assert.That(result!.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.ProviderNotRegistered));
        }

        Assert.That(await Configs.TestConnectionAsync(999), Is.Null);
    }

    [Test]
    public async Task ListAsync_FiltersByGroup()
    {
        await CreateAsync(new PhoneConfig { Name = "system", TestMode = true });
        await CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = true });
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { Group = "acme" })).Select(c => c.Name), Is.EqualTo(new[] { "acme" }));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery())).Select(c => c.Name), Is.EqualTo(new[] { "system" }));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { AllGroups = true })).Count, Is.EqualTo(2));
    }
}
