using Microsoft.Extensions.Logging;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>
/// The log lines of the REST routes (event ids 500-549). Like the rest of PhoneHub they carry ids and codes, never
/// phone numbers, bodies or credentials.
/// </summary>
internal static partial class RestLog
{
    [LoggerMessage(600, LogLevel.Error, "PhoneHub route {Method} {Path} failed unexpectedly; the caller got a 500 problem without details.")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(601, LogLevel.Error, "PhoneHub route {Path} cannot work as the host is set up ({Code}); the caller got a 503 problem without details.")]
    public static partial void HostMisconfigured(ILogger logger, Exception exception, string code, string path);

    [LoggerMessage(602, LogLevel.Information, "Config {ConfigId}: credentials replaced by user {User}.")]
    public static partial void CredentialsReplaced(ILogger logger, long configId, string? user);

    [LoggerMessage(603, LogLevel.Information, "Config {ConfigId} {Action} by user {User} of group {Group}.")]
    public static partial void ConfigChanged(ILogger logger, long configId, string action, string? user, string? group);

    [LoggerMessage(605, LogLevel.Warning, "The IAuthorizationMiddlewareResultHandler was replaced after AddAspNetCore() (by {HandlerType}); PhoneHub's 401 and 403 answers keep their status but get no problem body. Register your handler before AddPhoneHub(...).AddAspNetCore() to keep both.")]
    public static partial void ResultHandlerReplaced(ILogger logger, string handlerType);

    [LoggerMessage(604, LogLevel.Information, "Phone number record {PhoneNumberId} {Action} by user {User}.")]
    public static partial void PhoneNumberChanged(ILogger logger, long phoneNumberId, string action, string? user);
}

/// <summary>The logger of the REST routes.</summary>
internal static class RestLoggerExtensions
{
    /// <summary>The category every REST log line is written under.</summary>
    public const string Category = "PhoneHub.AspNetCore.Rest";

    public static ILogger Rest(this ILoggerFactory loggers) => loggers.CreateLogger(Category);
}
