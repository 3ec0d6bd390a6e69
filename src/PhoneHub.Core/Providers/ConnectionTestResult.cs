namespace PhoneHub.Providers;

/// <summary>The outcome of checking a config's connection to its provider. Never holds secrets or raw exception text.</summary>
public sealed record ConnectionTestResult
{
    /// <summary>Whether the provider accepted the credentials.</summary>
    public required bool Success { get; init; }

    /// <summary>A stable error code when it failed (see <see cref="ConnectionErrorCodes"/>).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>A description for people.</summary>
    public string? Message { get; init; }

    /// <summary>The account's status at the provider (for example <c>active</c>), when it said.</summary>
    public string? AccountStatus { get; init; }

    /// <summary>The account's name at the provider, when it said.</summary>
    public string? AccountName { get; init; }

    /// <summary>A successful result.</summary>
    /// <param name="message">A description.</param>
    /// <returns>The result.</returns>
    public static ConnectionTestResult Ok(string? message = null) => new() { Success = true, Message = message };

    /// <summary>A failed result.</summary>
    /// <param name="errorCode">One of <see cref="ConnectionErrorCodes"/>.</param>
    /// <param name="message">A description (no secrets).</param>
    /// <returns>The result.</returns>
    public static ConnectionTestResult Fail(string errorCode, string message) => new() { Success = false, ErrorCode = errorCode, Message = message };
}

/// <summary>Stable error codes of <see cref="ConnectionTestResult.ErrorCode"/>.</summary>
public static class ConnectionErrorCodes
{
    /// <summary>The provider rejected the credentials.</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>No credentials are stored and none are available otherwise.</summary>
    public const string MissingCredentials = "missing_credentials";

    /// <summary>The provider could not be reached.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The provider throttled the call.</summary>
    public const string Throttled = "throttled";

    /// <summary>The account is suspended or closed.</summary>
    public const string AccountInactive = "account_inactive";

    /// <summary>The config is incomplete or inconsistent.</summary>
    public const string InvalidConfig = "invalid_config";

    /// <summary>The config's credentials are stored but this host cannot decrypt them (no encryption key, or another one).</summary>
    public const string CredentialsUnavailable = "credentials_unavailable";

    /// <summary>No provider is registered under the config's provider name.</summary>
    public const string ProviderNotRegistered = "provider_not_registered";

    /// <summary>The provider answered with an error not covered above.</summary>
    public const string ProviderError = "provider_error";
}
