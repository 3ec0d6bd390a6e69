using Microsoft.Extensions.Logging;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The dashboard's log lines (event ids 700-799). Never a secret, a message body or a full number.</summary>
internal static partial class DashboardLog
{
    public const string Category = "PhoneHub.AspNetCore.Dashboard";

    public static ILogger Dashboard(this ILoggerFactory factory) => factory.CreateLogger(Category);

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Dashboard form post to {Path} refused: no valid anti-forgery token (user {User}).")]
    public static partial void FormRefused(ILogger logger, string path, string? user);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Dashboard: config {ConfigId} {Change} by user {User} of group {Group}.")]
    public static partial void ConfigChanged(ILogger logger, long configId, string change, string? user, string? group);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Dashboard: credentials of config {ConfigId} replaced by user {User}.")]
    public static partial void CredentialsReplaced(ILogger logger, long configId, string? user);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "Dashboard: message {MessageId} sent by user {User} of group {Group}.")]
    public static partial void MessageSent(ILogger logger, long messageId, string? user, string? group);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "Dashboard: batch {BatchId} of {Rows} rows enqueued by user {User} of group {Group}.")]
    public static partial void BatchEnqueued(ILogger logger, long batchId, int rows, string? user, string? group);

    [LoggerMessage(EventId = 705, Level = LogLevel.Error, Message = "Dashboard request {Method} {Path} failed unexpectedly; the operator saw an error page without details.")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 706, Level = LogLevel.Error, Message = "The dashboard cannot complete an action as the host is set up.")]
    public static partial void HostMisconfigured(ILogger logger, Exception exception);
}
