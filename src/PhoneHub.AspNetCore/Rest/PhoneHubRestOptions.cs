namespace PhoneHub.AspNetCore.Rest;

/// <summary>Settings of PhoneHub's REST routes, bound from the <c>PhoneHub:Rest</c> configuration section.</summary>
public sealed class PhoneHubRestOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Rest";

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 64 KiB, far above any valid request.</summary>
    public long MaxRequestBodySize { get; set; } = RestOptionsDefaults.MaxRequestBodySize;
}

/// <summary>Defaults of <see cref="PhoneHubRestOptions"/>.</summary>
internal static class RestOptionsDefaults
{
    public const long MaxRequestBodySize = 64 * 1024;
}
