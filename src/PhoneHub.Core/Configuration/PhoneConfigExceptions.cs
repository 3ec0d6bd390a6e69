using PhoneHub.Providers;

namespace PhoneHub.Configuration;

/// <summary>
/// Thrown when a config would claim an identity (a number, messaging service, account or topic) that an active config
/// of another group holds: webhooks about that identity could then not tell the tenants apart.
/// </summary>
public sealed class ProviderIdentityConflictException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="identity">The identity already held.</param>
    /// <param name="innerException">The store's error.</param>
    public ProviderIdentityConflictException(ProviderIdentity identity, Exception? innerException = null)
        : base($"The {Describe(identity.Kind)} '{identity.Value}' is already used by another active config; a number, messaging service, account or topic can belong to only one active config.", innerException)
    {
        Identity = identity;
    }

    /// <summary>Creates the exception when the store cannot say which identity conflicted.</summary>
    /// <param name="innerException">The store's error.</param>
    public ProviderIdentityConflictException(Exception? innerException = null)
        : base("One of the config's numbers, messaging services, accounts or topics is already used by another active config.", innerException)
    {
    }

    /// <summary>The identity already held, when the store said which.</summary>
    public ProviderIdentity? Identity { get; }

    private static string Describe(string kind) => kind switch
    {
        ProviderIdentityKinds.PhoneNumber => "number",
        ProviderIdentityKinds.MessagingService => "messaging service",
        ProviderIdentityKinds.Account => "provider account",
        ProviderIdentityKinds.Topic => "topic",
        _ => kind,
    };
}
