namespace PhoneHub.AspNetCore.Authorization;

/// <summary>
/// The permission names PhoneHub's routes check. A <c>manage_*</c> permission implies the matching <c>view_*</c> one.
/// </summary>
public static class PhoneHubPermissions
{
    /// <summary>Read the shared phone-number cache: normalize, look up, list and get numbers.</summary>
    public const string ViewPhoneNumbers = "view_phone_numbers";

    /// <summary>Create, update and delete phone-number records (implies <see cref="ViewPhoneNumbers"/>).</summary>
    public const string ManagePhoneNumbers = "manage_phone_numbers";

    /// <summary>List and read the caller's group's messages.</summary>
    public const string ViewSms = "view_sms";

    /// <summary>Send messages as the caller's group (implies <see cref="ViewSms"/>).</summary>
    public const string ManageSms = "manage_sms";

    /// <summary>Create, read, change and delete the caller's group's configs and their credentials.</summary>
    public const string ManagePhoneConfig = "manage_phone_config";

    /// <summary>Manage system-default configs (those without a group), together with <see cref="ManagePhoneConfig"/>.</summary>
    public const string ManageGroups = "manage_groups";

    /// <summary>Start, check and cancel one-time-code verifications of phone numbers as the caller's group (sends codes, reads no messages).</summary>
    public const string VerifyPhoneNumbers = "verify_phone_numbers";

    /// <summary>Every permission, for hosts that build role mappings or admin screens.</summary>
    public static IReadOnlyList<string> All { get; } =
        [ViewPhoneNumbers, ManagePhoneNumbers, ViewSms, ManageSms, ManagePhoneConfig, ManageGroups, VerifyPhoneNumbers];

    /// <summary>The permissions that also grant <paramref name="permission"/> (itself included).</summary>
    /// <param name="permission">A permission name.</param>
    /// <returns>The names that satisfy it.</returns>
    public static IReadOnlyList<string> SatisfiedBy(string permission) => permission switch
    {
        ViewPhoneNumbers => [ViewPhoneNumbers, ManagePhoneNumbers],
        ViewSms => [ViewSms, ManageSms],
        _ => [permission],
    };
}

/// <summary>
/// Names of the authorization policies PhoneHub registers, one per permission. Hosts can reuse them on their own
/// endpoints, for example <c>.RequireAuthorization(PhoneHubPolicies.ViewSms)</c>.
/// </summary>
public static class PhoneHubPolicies
{
    /// <summary>The prefix of every PhoneHub policy name, so they cannot collide with the host's.</summary>
    public const string Prefix = "PhoneHub.";

    /// <summary>Requires <see cref="PhoneHubPermissions.ViewPhoneNumbers"/> (or manage).</summary>
    public const string ViewPhoneNumbers = Prefix + PhoneHubPermissions.ViewPhoneNumbers;

    /// <summary>Requires <see cref="PhoneHubPermissions.ManagePhoneNumbers"/>.</summary>
    public const string ManagePhoneNumbers = Prefix + PhoneHubPermissions.ManagePhoneNumbers;

    /// <summary>Requires <see cref="PhoneHubPermissions.ViewSms"/> (or manage).</summary>
    public const string ViewSms = Prefix + PhoneHubPermissions.ViewSms;

    /// <summary>Requires <see cref="PhoneHubPermissions.ManageSms"/>.</summary>
    public const string ManageSms = Prefix + PhoneHubPermissions.ManageSms;

    /// <summary>Requires <see cref="PhoneHubPermissions.ManagePhoneConfig"/>.</summary>
    public const string ManagePhoneConfig = Prefix + PhoneHubPermissions.ManagePhoneConfig;

    /// <summary>Requires <see cref="PhoneHubPermissions.ManageGroups"/>.</summary>
    public const string ManageGroups = Prefix + PhoneHubPermissions.ManageGroups;

    /// <summary>Requires <see cref="PhoneHubPermissions.VerifyPhoneNumbers"/>.</summary>
    public const string VerifyPhoneNumbers = Prefix + PhoneHubPermissions.VerifyPhoneNumbers;
}

/// <summary>Claim types the default resolvers read.</summary>
public static class PhoneHubClaimTypes
{
    /// <summary>A claim holding one permission name (or several separated by spaces or commas), read by the default <see cref="IPhoneHubPermissionResolver"/>.</summary>
    public const string Permission = "permission";

    /// <summary>A claim holding the caller's group (organization), read by the default <see cref="Tenancy.IPhoneHubTenantResolver"/>.</summary>
    public const string Group = "group";
}
