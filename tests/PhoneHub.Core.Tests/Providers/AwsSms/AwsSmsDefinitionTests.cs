using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// The per-config settings of <c>aws-sms</c> configs: validated and normalized on every write, the identities they
/// claim, and on every send the config's own value winning over the host-wide <see cref="AwsSmsOptions"/>.
/// </summary>
public sealed class AwsSmsDefinitionTests
{
    private const string To = "+14155552671";
    private const string TopicA = "arn:aws:sns:eu-west-1:111122223333:sms-events";
    private const string TopicB = "arn:aws:sns:eu-west-1:111122223333:sms-inbound";

    [Test]
    public async Task CreateAsync_EverySetting_StoredInCanonicalFormWithIdentities()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With(
            (AwsSmsDefinition.OriginationNumber, "+1 (206) 555-0100"),
            (AwsSmsDefinition.OriginationIdentity, " pool-0123456789abcdef0123456789abcdef "),
            (AwsSmsDefinition.ConfigurationSet, "arn:aws:sms-voice:eu-west-1:111122223333:configuration-set/tenant-a"),
            (AwsSmsDefinition.ProtectConfigurationId, "protect-0123456789abcdef"),
            (AwsSmsDefinition.MessageType, "Promotional"),
            (AwsSmsDefinition.MaxPrice, "0.50"),
            (AwsSmsDefinition.TimeToLive, "3600"),
            (AwsSmsDefinition.DryRun, "TRUE"),
            (AwsSmsDefinition.TopicArns, $"{TopicA}, {TopicB} {TopicA}")));

        var stored = t.Config;

        Assert.Multiple(() =>
        {
            Assert.That(stored.Settings[AwsSmsDefinition.OriginationNumber], Is.EqualTo("+12065550100"));
            Assert.That(stored.Settings[AwsSmsDefinition.OriginationIdentity], Is.EqualTo("pool-0123456789abcdef0123456789abcdef"));
            Assert.That(stored.Settings[AwsSmsDefinition.MessageType], Is.EqualTo("promotional"));
            Assert.That(stored.Settings[AwsSmsDefinition.MaxPrice], Is.EqualTo("0.50"));
            Assert.That(stored.Settings[AwsSmsDefinition.TimeToLive], Is.EqualTo("3600"));
            Assert.That(stored.Settings[AwsSmsDefinition.DryRun], Is.EqualTo("true"));
            Assert.That(stored.Settings[AwsSmsDefinition.TopicArns], Is.EqualTo($"{TopicA},{TopicB}"));
            Assert.That(stored.Identities, Is.EqualTo(new[]
            {
                new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+12065550100"),
                new ProviderIdentity(ProviderIdentityKinds.Topic, TopicA),
                new ProviderIdentity(ProviderIdentityKinds.Topic, TopicB),
            }), "the number and the topics are the config's; the pool is not an identity");
        });
    }

    [TestCase(AwsSmsDefinition.Region, "Europe")]
    [TestCase(AwsSmsDefinition.OriginationIdentity, "+12065550100")]
    [TestCase(AwsSmsDefinition.OriginationIdentity, "12065550100")]
    [TestCase(AwsSmsDefinition.OriginationIdentity, "My Shop")]
    [TestCase(AwsSmsDefinition.OriginationNumber, "not a number")]
    [TestCase(AwsSmsDefinition.ConfigurationSet, "has space")]
    [TestCase(AwsSmsDefinition.ProtectConfigurationId, "protect.0123")]
    [TestCase(AwsSmsDefinition.MessageType, "urgent")]
    [TestCase(AwsSmsDefinition.MaxPrice, "0")]
    [TestCase(AwsSmsDefinition.MaxPrice, "100")]
    [TestCase(AwsSmsDefinition.MaxPrice, "0.000001")]
    [TestCase(AwsSmsDefinition.MaxPrice, "0,5")]
    [TestCase(AwsSmsDefinition.MaxPrice, "1.123456")]
    [TestCase(AwsSmsDefinition.TimeToLive, "4")]
    [TestCase(AwsSmsDefinition.TimeToLive, "259201")]
    [TestCase(AwsSmsDefinition.TimeToLive, "1.5")]
    [TestCase(AwsSmsDefinition.DryRun, "yes")]
    [TestCase(AwsSmsDefinition.TopicArns, "arn:aws:sqs:eu-west-1:111122223333:queue")]
    [TestCase("sender_id", "PhoneHub")]
    public async Task CreateAsync_ValueAwsWouldRefuse_FailsNamingTheSetting(string setting, string value)
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(async () => await t.Host.Get<IPhoneConfigService>().CreateAsync(
            new PhoneConfig { Name = "bad", Group = "other", Provider = PhoneProviders.AwsSms, Settings = TestSettings.Of((setting, value)) }));

        Assert.That(ex!.Errors.Keys, Is.EquivalentTo(new[] { "settings." + setting }), string.Join(" ", ex.Errors.SelectMany(e => e.Value)));
    }

    [Test]
    public async Task CreateAsync_ActiveWithoutRegion_RefusedButInactiveOrTestModeAllowed()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        var configs = t.Host.Get<IPhoneConfigService>();
        PhoneConfig Draft(string group) => new() { Name = group, Group = group, Provider = PhoneProviders.AwsSms, Settings = TestSettings.Of((AwsSmsDefinition.DryRun, "true")) };

        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(async () => await configs.CreateAsync(Draft("a") with { IsActive = true }));
        var inactive = await configs.CreateAsync(Draft("b"));
        var testMode = await configs.CreateAsync(Draft("c") with { IsActive = true, TestMode = true });

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Errors.Keys, Is.EquivalentTo(new[] { "settings.region" }));
            Assert.That(inactive.Config.Id, Is.Positive);
            Assert.That(testMode.Config.IsActive, Is.True);
        });
    }

    [Test]
    public async Task CreateAsync_TopicOrNumberOfAnotherTenantsActiveConfig_Refused()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.TopicArns, TopicA)) with { Group = "tenant-a" });
        var configs = t.Host.Get<IPhoneConfigService>();

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ProviderIdentityConflictException>(async () => await configs.CreateAsync(new PhoneConfig
            {
                Name = "b", Group = "tenant-b", Provider = PhoneProviders.AwsSms, IsActive = true,
                Settings = TestSettings.Of((AwsSmsDefinition.Region, "eu-west-1"), (AwsSmsDefinition.TopicArns, TopicA)),
            }));
            Assert.ThrowsAsync<ProviderIdentityConflictException>(async () => await configs.CreateAsync(new PhoneConfig
            {
                Name = "c", Group = "tenant-c", Provider = PhoneProviders.AwsSms, IsActive = true,
                Settings = TestSettings.Of((AwsSmsDefinition.Region, "eu-west-1"), (AwsSmsDefinition.OriginationNumber, AwsSmsTestContext.OriginationNumber)),
            }));
        });
        Assert.That((await configs.FindByIdentityAsync(ProviderIdentityKinds.Topic, TopicA))?.Id, Is.EqualTo(t.Config.Id));
    }

    [Test]
    public async Task SetCredentialsAsync_AwsPrefixedAliases_StoredUnderTheCanonicalNames()
    {
        using var t = await AwsSmsTestContext.CreateAsync(storeCredentials: false);
        var configs = t.Host.Get<IPhoneConfigService>();

        await configs.SetCredentialsAsync(t.Config.Id, new ProviderCredentials(
        [
            new("aws_access_key_id", AwsSmsTestContext.AccessKeyId),
            new("aws_secret_access_key", AwsSmsTestContext.SecretAccessKey),
        ]));
        var context = await configs.GetProviderContextAsync((await configs.GetAsync(t.Config.Id))!);
        var unknown = Assert.ThrowsAsync<PhoneHubValidationException>(async () =>
            await configs.SetCredentialsAsync(t.Config.Id, new ProviderCredentials([new(ProviderCredentials.TwilioAuthToken, "token")])));

        Assert.Multiple(() =>
        {
            Assert.That(context.Credentials?.Get(ProviderCredentials.AwsAccessKeyId), Is.EqualTo(AwsSmsTestContext.AccessKeyId));
            Assert.That(context.Credentials?.Get(ProviderCredentials.AwsSecretAccessKey), Is.EqualTo(AwsSmsTestContext.SecretAccessKey));
            Assert.That(unknown!.Errors.Keys, Is.EquivalentTo(new[] { "credentials." + ProviderCredentials.TwilioAuthToken }));
        });
    }

    [Test]
    public async Task SendAsync_ConfigSettings_WinOverEveryHostDefault()
    {
        using var t = await AwsSmsTestContext.CreateAsync(
            config: c => c.With(
                (AwsSmsDefinition.OriginationIdentity, "pool-tenant"),
                (AwsSmsDefinition.ConfigurationSet, "tenant-events"),
                (AwsSmsDefinition.ProtectConfigurationId, "tenant-protect"),
                (AwsSmsDefinition.MessageType, "transactional"),
                (AwsSmsDefinition.MaxPrice, "0.25"),
                (AwsSmsDefinition.TimeToLive, "600"),
                (AwsSmsDefinition.DryRun, "false")),
            options: o =>
            {
                o.OriginationIdentity = "pool-host";
                o.ConfigurationSetName = "host-events";
                o.ProtectConfigurationId = "host-protect";
                o.MessageType = AwsSmsType.Promotional;
                o.MaxPrice = 0.5m;
                o.TimeToLive = TimeSpan.FromHours(1);
                o.DryRun = true;
            });

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        var body = LoopbackAwsSms.Body(t.Aws.Requests.Single());
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("OriginationIdentity").GetString(), Is.EqualTo("pool-tenant"));
            Assert.That(body.GetProperty("ConfigurationSetName").GetString(), Is.EqualTo("tenant-events"));
            Assert.That(body.GetProperty("ProtectConfigurationId").GetString(), Is.EqualTo("tenant-protect"));
            Assert.That(body.GetProperty("MessageType").GetString(), Is.EqualTo("TRANSACTIONAL"));
            Assert.That(body.GetProperty("MaxPrice").GetString(), Is.EqualTo("0.25"));
            Assert.That(body.GetProperty("TimeToLive").GetInt32(), Is.EqualTo(600));
            Assert.That(body.TryGetProperty("DryRun", out _), Is.False, "dry_run=false turns the host's dry run off");
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(message.From, Is.EqualTo("pool-tenant"));
        });
    }

    [Test]
    public async Task SendAsync_ConfigWithoutOptionalSettings_UsesHostDefaults()
    {
        using var t = await AwsSmsTestContext.CreateAsync(
            config: c => c.With((AwsSmsDefinition.OriginationNumber, null)),
            options: o =>
            {
                o.OriginationIdentity = "pool-host";
                o.ConfigurationSetName = "host-events";
                o.MessageType = AwsSmsType.Promotional;
                o.DryRun = true;
            });

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        var body = LoopbackAwsSms.Body(t.Aws.Requests.Single());
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("OriginationIdentity").GetString(), Is.EqualTo("pool-host"));
            Assert.That(body.GetProperty("ConfigurationSetName").GetString(), Is.EqualTo("host-events"));
            Assert.That(body.GetProperty("MessageType").GetString(), Is.EqualTo("PROMOTIONAL"));
            Assert.That(body.GetProperty("DryRun").GetBoolean(), Is.True);
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Canceled));
        });
    }

    [Test]
    public async Task SendAsync_OriginationIdentityAndNumber_SendsFromTheIdentityWhileTheNumberStaysAnIdentity()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.OriginationIdentity, "PhoneHub")));

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(LoopbackAwsSms.Body(t.Aws.Requests.Single()).GetProperty("OriginationIdentity").GetString(), Is.EqualTo("PhoneHub"));
            Assert.That(message.From, Is.EqualTo("PhoneHub"));
            Assert.That(t.Config.Holds(ProviderIdentityKinds.PhoneNumber, AwsSmsTestContext.OriginationNumber), Is.True);
        });
    }

    [Test]
    public async Task SendAsync_StoredSettingNoLongerReadable_FailsAsInvalidConfigWithoutCalling()
    {
        // As if the store had been edited by hand: the provider must not fall back to the host default silently.
        using var t = await AwsSmsTestContext.CreateAsync();
        var context = await t.ProviderContextAsync();
        var broken = context with { Config = context.Config.With((AwsSmsDefinition.TimeToLive, "soon")) };

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () => await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), broken));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.InvalidConfig));
            Assert.That(ex.Message, Does.Contain(AwsSmsDefinition.TimeToLive));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public void Definition_NameAndCredentials_SameAsTheOtherAwsProvider()
    {
        var definition = AwsSmsDefinition.Instance;

        Assert.Multiple(() =>
        {
            Assert.That(definition.Name, Is.EqualTo("aws-sms"));
            Assert.That(definition.Credentials.Select(c => (c.Name, string.Join(",", c.Aliases))),
                Is.EqualTo(AwsSnsDefinition.Instance.Credentials.Select(c => (c.Name, string.Join(",", c.Aliases)))));
            Assert.That(definition.FindCredential("aws_session_token")?.Name, Is.EqualTo(ProviderCredentials.AwsSessionToken));
        });
    }
}
