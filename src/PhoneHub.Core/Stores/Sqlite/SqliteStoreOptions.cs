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

    /// <summary>
    /// The most writes that share one transaction (group commit): concurrent writes are committed together, and each
    /// caller is answered after its commit. Default 256.
    /// </summary>
    public int MaxWritesPerCommit { get; set; } = 256;

    /// <summary>
    /// How hard SQLite works to make each commit survive a power cut. Default <see cref="SqliteDurability.Normal"/>,
    /// SQLite's recommendation for write-ahead-log databases such as PhoneHub's.
    /// </summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Normal;
}

/// <summary>SQLite's <c>synchronous</c> setting, as it applies to a database in write-ahead-log mode.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=NORMAL</c>: a commit is written to the log without waiting for the disk; the log is flushed at
    /// checkpoints. The database is never corrupted, and a process crash loses nothing; a power cut or an operating
    /// system crash can roll back the last commits. Roughly ten to twenty times the write rate of <see cref="Full"/>
    /// on an ordinary disk, because each commit does not wait for an fsync.
    /// </summary>
    Normal,

    /// <summary><c>synchronous=FULL</c> (SQLite's own default): every commit waits for an fsync of the log, so it survives a power cut.</summary>
    Full,
}
