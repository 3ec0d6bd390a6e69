namespace PhoneHub.AspNetCore.Rest;

/// <summary>Settings of PhoneHub's REST routes, bound from the <c>PhoneHub:Rest</c> configuration section.</summary>
public sealed class PhoneHubRestOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Rest";

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 64 KiB, far above any valid request.</summary>
    public long MaxRequestBodySize { get; set; } = RestOptionsDefaults.MaxRequestBodySize;

    /// <summary>The largest body <c>POST sms/bulk</c> accepts (JSON or CSV), in bytes; larger bodies get 413. Default 8 MiB.</summary>
    public long MaxBulkRequestBodySize { get; set; } = RestOptionsDefaults.MaxBulkRequestBodySize;

    /// <summary>The most messages one <c>POST sms/bulk</c> may hold. Default 10,000.</summary>
    public int MaxBulkMessages { get; set; } = RestOptionsDefaults.MaxBulkMessages;
}

/// <summary>Defaults of <see cref="PhoneHubRestOptions"/>.</summary>
internal static class RestOptionsDefaults
{
    public const long MaxRequestBodySize = 64 * 1024;
    public const long MaxBulkRequestBodySize = 8 * 1024 * 1024;
    public const int MaxBulkMessages = 10_000;
}
