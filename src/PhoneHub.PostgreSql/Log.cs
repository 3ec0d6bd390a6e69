using Microsoft.Extensions.Logging;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL store's log events. Ids from 100 on, clear of PhoneHub.Core's.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "PhoneHub PostgreSQL schema {Schema} migrated to version {Version}.")]
    public static partial void SchemaMigrated(ILogger logger, string schema, int version);

    [LoggerMessage(101, LogLevel.Debug, "PhoneHub PostgreSQL schema {Schema} is at version {Version}; nothing to migrate.")]
    public static partial void SchemaCurrent(ILogger logger, string schema, int version);

    [LoggerMessage(102, LogLevel.Information, "PostgreSQL aborted a PhoneHub transaction (SQLSTATE {SqlState}) on attempt {Attempt}; nothing of it was stored, so it runs again.")]
    public static partial void TransactionRetried(ILogger logger, string sqlState, int attempt);
}
