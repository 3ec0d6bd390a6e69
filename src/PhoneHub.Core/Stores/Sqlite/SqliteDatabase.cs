using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;

namespace PhoneHub.Stores.Sqlite;

/// <summary>
/// Opens connections to the PhoneHub SQLite database and brings its schema up to date: when the host starts (see
/// <see cref="PhoneHubOptions.MigrateOnStart"/>), or on first use where there is no host (console tools, tests).
/// One instance per connection string; shared by the SQLite stores.
/// </summary>
internal sealed class SqliteDatabase : IPhoneHubMigrator, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteDurability _durability;

    // synchronous is a setting of each SQLite connection, which the pool keeps open between uses: set it once per
    // underlying handle, not on every open.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly SemaphoreSlim _migrationLock = new(1, 1);

    // SQLite lets one connection write at a time. A second writer gets SQLITE_BUSY at once, and Microsoft.Data.Sqlite
    // then sleeps 150 ms before retrying, so concurrent writes from this process queue here instead, asynchronously.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Creates the database accessor.</summary>
    /// <param name="options">The store options.</param>
    /// <param name="logger">Logger.</param>
    public SqliteDatabase(IOptions<SqliteStoreOptions> options, ILogger<SqliteDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString)
        {
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: this is the busy timeout.
            DefaultTimeout = (int)Math.Ceiling(options.Value.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ToString();
        _durability = options.Value.Durability;
        _logger = logger;
    }

    /// <summary>The schema version this build of PhoneHub brings the database to.</summary>
    public static int CurrentSchemaVersion => SqliteSchema.Migrations.Count;

    /// <summary>Opens a connection, migrating the schema first if this instance has not yet done so.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>An open connection; dispose it to return it to the pool.</returns>
    public async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
            {
                await ConfigureAsync(connection, cancellationToken).ConfigureAwait(false);
                _configured.AddOrUpdate(handle, this);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var sql = _durability == SqliteDurability.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for this process's turn to write; dispose the result (after the connection) to let the next writer in.
    /// Other processes writing to the same file still meet SQLite's own locking and the busy timeout.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The turn.</returns>
    public async ValueTask<WriteTurn> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeGate);
    }

    /// <summary>Creates or upgrades the schema. Idempotent and safe to call from several processes at once.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The schema version after the call.</returns>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _migrationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // WAL lets readers work while one writer writes; it is a property of the file, so setting it once is enough.
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS phonehub_schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL);",
                cancellationToken: cancellationToken)).ConfigureAwait(false);

            // BEGIN IMMEDIATE takes the write lock up front, so two processes cannot both apply the same migration.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT ifnull(max(version), 0) FROM phonehub_schema_version;", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

            if (version > SqliteSchema.Migrations.Count)
            {
                throw new InvalidOperationException(
                    $"The PhoneHub database is at schema version {version}, newer than this version of PhoneHub understands ({SqliteSchema.Migrations.Count}). Upgrade PhoneHub.");
            }

            for (var next = (int)version + 1; next <= SqliteSchema.Migrations.Count; next++)
            {
                await connection.ExecuteAsync(new CommandDefinition(SqliteSchema.Migrations[next - 1], transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO phonehub_schema_version (version, applied_at) VALUES (@version, @at);",
                    new { version = next, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                Log.SchemaMigrated(_logger, next);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _migrated = true;
            return SqliteSchema.Migrations.Count;
        }
        finally
        {
            _migrationLock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _migrationLock.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>A turn to write, from <see cref="EnterWriteAsync"/>.</summary>
    public readonly struct WriteTurn(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

/// <summary>Marks PhoneHub's SQLite stores, so a mix with a host's own stores can be detected at start.</summary>
internal interface ISqliteStore;
