namespace PhoneHub.Configuration;

/// <summary>Thrown when no active config applies: the group has none and there is no active system default.</summary>
public sealed class PhoneConfigNotFoundException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="group">The group a config was resolved for.</param>
    public PhoneConfigNotFoundException(string? group)
        : base(group is null
            ? "No active PhoneHub config exists: create a system default config (group null) before sending."
            : $"No active PhoneHub config exists for group '{group}', and there is no active system default config.")
    {
        Group = group;
    }

    /// <summary>The group a config was resolved for.</summary>
    public string? Group { get; }
}
