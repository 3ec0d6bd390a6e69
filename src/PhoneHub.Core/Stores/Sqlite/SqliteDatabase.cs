using Dapper;
using System.Threading.Channels;
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
internal sealed class SqliteDatabase : IPhoneHubMigrator, ISqliteStore, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteDurability _durability;

    // synchronous is a setting of each SQLite connection, which the pool keeps open between uses: set it once per
    // underlying handle, not on every open.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly SemaphoreSlim _migrationLock = new(1, 1);

    // SQLite lets one connection write at a time, and each commit is the expensive part of a write. So this process's
    // writes go through one queue: a single writer takes every write waiting, runs them in one transaction (each inside
    // its own savepoint, so one failing write does not undo the others) and commits once; each caller is answered only
    // after the commit that holds its write. Durability settings apply per commit, unchanged.
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _writer;
    private readonly int _maxWritesPerCommit;
    private long _commits;
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
        _maxWritesPerCommit = options.Value.MaxWritesPerCommit;
        _logger = logger;
        _writer = new Lazy<Task>(() => Task.Run(WriteLoopAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The schema version this build of PhoneHub brings the database to.</summary>
    public static int CurrentSchemaVersion => SqliteSchema.Migrations.Count;

    /// <summary>Group commits so far (each holds one or more writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

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
    /// Runs <paramref name="write"/> in the next group commit: inside a transaction shared with other writes waiting at
    /// the same time, in a savepoint of its own. The task completes after that transaction committed (or with the
    /// write's own exception, which rolls back only its savepoint). <paramref name="write"/> must not start other writes.
    /// </summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="write">The statements to run on the writer's connection and transaction.</param>
    /// <param name="cancellationToken">Cancels the write while it is still waiting (not once it runs).</param>
    /// <returns>The write's result, once committed.</returns>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        var pending = new PendingWrite<T>(write, cancellationToken);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);

        _ = _writer.Value;
        return await pending.Task.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(_maxWritesPerCommit);
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxWritesPerCommit && _writes.Reader.TryRead(out var next))
            {
                if (!next.IsCanceled)
                {
                    batch.Add(next);
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var done = new List<(PendingWrite Write, object? Result)>(batch.Count);
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);

            // Microsoft.Data.Sqlite has no asynchronous BEGIN; IMMEDIATE takes the write lock up front, so other processes
            // wait (up to the busy timeout) instead of failing midway.
            await using var transaction = connection.BeginTransaction(deferred: false);
            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                transaction.Save(savepoint);
                try
                {
                    done.Add((batch[i], await batch[i].RunAsync(connection, transaction).ConfigureAwait(false)));
                    transaction.Release(savepoint);
                }
                catch (Exception ex)
                {
                    transaction.Rollback(savepoint);
                    transaction.Release(savepoint);
                    batch[i].Fail(ex);
                }
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _commits);
        }
        catch (Exception ex)
        {
            // The commit itself failed (or the connection could not be opened): nothing of this batch is stored.
            Log.GroupCommitFailed(_logger, ex, batch.Count);
            foreach (var write in batch)
            {
                write.Fail(ex);
            }

            return;
        }

        foreach (var (write, result) in done)
        {
            write.Complete(result);
        }
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
        _writes.Writer.TryComplete();
        if (_writer.IsValueCreated)
        {
            // Writes already queued still commit; their callers are waiting for them.
            _writer.Value.GetAwaiter().GetResult();
        }

        _migrationLock.Dispose();
    }

    /// <summary>A write waiting for the next group commit.</summary>
    private abstract class PendingWrite
    {
        public abstract bool IsCanceled { get; }

        public abstract Task<object?> RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete(object? result);

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override bool IsCanceled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                _completion.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public override async Task<object?> RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
            await write(connection, transaction).ConfigureAwait(false);

        public override void Complete(object? result) => _completion.TrySetResult((T)result!);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}

/// <summary>Marks PhoneHub's SQLite stores and migrator, so a mix with other stores can be detected at start.</summary>
internal interface ISqliteStore : IStoreFamilyMember
{
    string IStoreFamilyMember.StoreFamily => "SQLite";
}
