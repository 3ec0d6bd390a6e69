using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Security;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Security;

public class CredentialProtectionTests
{
    private const string Secret = "sEcReT-auth-token-0123456789abcdef";

    [Test]
    public async Task SetCredentialsAsync_PlaintextNeverInDatabaseBytes()
    {
        using var host = PhoneHubTestHost.Create(b => b.AddTwilio());
        var config = (await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "t", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true })).Config;
        await host.Hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio("AC0123456789abcdef0123456789abcdef", Secret));

        var bytes = host.Db.ReadAllBytes();
        Assert.That(IndexOf(bytes, Encoding.UTF8.GetBytes(Secret)), Is.EqualTo(-1));
        Assert.That(IndexOf(bytes, Encoding.Unicode.GetBytes(Secret)), Is.EqualTo(-1));
        Assert.That(IndexOf(bytes, Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)))), Is.EqualTo(-1));

        var reread = await host.Hub.Configs.GetAsync(config.Id);
        Assert.That(reread!.HasCredentials, Is.True);
        var context = await host.Hub.Configs.GetProviderContextAsync(reread);
        Assert.That(context.Credentials!.Get(ProviderCredentials.TwilioAuthToken), Is.EqualTo(Secret));
    }

    [Test]
    public async Task SetCredentialsAsync_WithoutKey_RefusesClearlyAndStoresNothing()
    {
        {
            // The test host reads no environment variable for the key, so the machine's environment cannot make this pass or fail.
            using var host = PhoneHubTestHost.Create(b => b.AddTwilio(), withEncryptionKey: false);
            var config = (await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "t", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true })).Config;
            var ex = Assert.ThrowsAsync<CredentialsUnavailableException>(() => host.Hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio("AC0123456789abcdef0123456789abcdef", Secret)))!;
            Assert.That(ex.Message, Does.Contain("PhoneHub:EncryptionKey"));
            Assert.That(ex.Message, Does.Not.Contain(Secret));
            Assert.That((await host.Hub.Configs.GetAsync(config.Id))!.HasCredentials, Is.False);
        }
    }

    [Test]
    public void Unprotect_WrongKeyOrOtherConfig_Fails()
    {
        var protector = Create(Key(1));
        var ciphertext = protector.Protect(ProviderCredentials.ForAws("AKID", Secret), configId: 7);

        Assert.That(protector.Unprotect(ciphertext, 7).Get(ProviderCredentials.AwsSecretAccessKey), Is.EqualTo(Secret));
        Assert.Throws<CredentialsUnavailableException>(() => protector.Unprotect(ciphertext, 8), "bound to its config");
        Assert.Throws<CredentialsUnavailableException>(() => Create(Key(2)).Unprotect(ciphertext, 7), "another key");
        ciphertext[^1] ^= 1;
        Assert.Throws<CredentialsUnavailableException>(() => protector.Unprotect(ciphertext, 7), "tampered");
    }

    [Test]
    public void Protect_SameInputTwice_GivesDifferentCiphertext()
    {
        var protector = Create(Key(1));
        var credentials = ProviderCredentials.ForTwilio("AC0123456789abcdef0123456789abcdef", Secret);
        var first = protector.Protect(credentials, 1);
        var second = protector.Protect(credentials, 1);
        Assert.That(first, Is.Not.EqualTo(second), "a fresh nonce each time");
    }

    [Test]
    public void ProviderCredentials_ToString_ListsNamesOnly()
    {
        var credentials = ProviderCredentials.ForAws("AKIDEXAMPLE", Secret, "session-token-value");
        var text = credentials.ToString();
        Assert.That(text, Does.Not.Contain(Secret).And.Not.Contain("session-token-value").And.Not.Contain("AKIDEXAMPLE"));
        Assert.That(text, Does.Contain("secret_access_key"));
    }

    [Test]
    public async Task PhoneConfig_NeverCarriesSecrets()
    {
        using var host = PhoneHubTestHost.Create(b => b.AddTwilio());
        var config = (await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "t", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true })).Config;
        await host.Hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio("AC0123456789abcdef0123456789abcdef", Secret));
        var listed = await host.Hub.Configs.ListAsync(new PhoneConfigQuery { AllGroups = true });
        Assert.That(listed.Single().ToString(), Does.Not.Contain(Secret));
        Assert.That(typeof(PhoneConfig).GetProperties().Select(p => p.Name).Where(n => n.Contains("Credential", StringComparison.Ordinal)), Is.EqualTo(new[] { "HasCredentials" }));
    }

    [Test]
    public async Task Logs_NeverContainSecrets()
    {
        var sink = new ListLoggerProvider();
        using var host = PhoneHubTestHost.Create(b => b.AddTwilio(), configureServices: s => s.AddLogging(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace)));
        var config = (await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "t", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true })).Config;
        await host.Hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio("AC0123456789abcdef0123456789abcdef", Secret));
        await host.Hub.SendSmsAsync("+14155551234", "hello");
        await host.Hub.Configs.TestConnectionAsync(config.Id);

        Assert.That(sink.Messages, Is.Not.Empty);
        Assert.That(sink.Messages, Has.None.Contains(Secret));
    }

    [TestCase("")]
    [TestCase("not base64!")]
    [TestCase("AAAA")]
    public void Options_InvalidKey_FailsValidationNamingTheKey(string key)
    {
        using var host = PhoneHubTestHost.Create(configureOptions: o => o.EncryptionKey = key == "" ? "   x" : key);
        var ex = Assert.Throws<OptionsValidationException>(() => _ = host.Get<IOptions<PhoneHubOptions>>().Value)!;
        Assert.That(ex.Message, Does.Contain("PhoneHub:EncryptionKey"));
    }

    private static AesGcmCredentialProtector Create(string key) => new(Options.Create(new PhoneHubOptions { EncryptionKey = key, EncryptionKeyEnvironmentVariable = null }));

    private static string Key(byte seed) => Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * seed + seed)).ToArray());

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
