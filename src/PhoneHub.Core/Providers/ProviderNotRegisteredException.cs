namespace PhoneHub.Providers;

/// <summary>Thrown when a config names a provider the host did not register (for example <c>twilio</c> without <c>.AddTwilio()</c>).</summary>
public sealed class ProviderNotRegisteredException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider name.</param>
    public ProviderNotRegisteredException(string provider)
        : base($"The config uses provider '{provider}', which is not registered. Register it when adding PhoneHub, for example services.AddPhoneHub().Add{Capitalize(provider)}(), or turn on the config's test mode.")
    {
        Provider = provider;
    }

    /// <summary>The provider name.</summary>
    public string Provider { get; }

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
