using PhoneHub.Configuration;
using PhoneHub.Security;

namespace PhoneHub.Providers;

/// <summary>What a provider call works with: the resolved config and its decrypted credentials.</summary>
/// <param name="Config">The config the call is made for.</param>
/// <param name="Credentials">The config's decrypted credentials, or <see langword="null"/> when none are stored (the provider may then use ambient credentials, such as AWS's default chain).</param>
public sealed record ProviderContext(PhoneConfig Config, ProviderCredentials? Credentials)
{
    /// <summary>A setting of the config, or <see langword="null"/> when it is not set.</summary>
    /// <param name="name">The setting name.</param>
    /// <returns>The value.</returns>
    public string? Setting(string name) => Config.Setting(name);
}
