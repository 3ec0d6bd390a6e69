namespace PhoneHub.Stores.Sqlite;

/// <summary>Settings of the SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The default database file, relative to the working directory.</summary>
    public const string DefaultConnectionString = "Data Source=phonehub.db";

    /// <summary>A Microsoft.Data.Sqlite connection string, for example <c>Data Source=/var/lib/app/phonehub.db</c>.</summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>How long a statement waits for another writer's lock before failing. Default 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
