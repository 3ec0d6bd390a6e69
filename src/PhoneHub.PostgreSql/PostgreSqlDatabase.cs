using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>
/// PhoneHub's PostgreSQL schema: opens pooled connections from one <see cref="NpgsqlDataSource"/>, qualifies the stores'
/// SQL with the schema name, and migrates the schema when the host starts (PhoneHub calls <see cref="MigrateAsync"/>;
/// hosts without a generic host call <c>MigratePhoneHubAsync()</c>). Unlike the SQLite default it does not migrate on
/// first use: a schema change is a deliberate step at start, serialized across instances by an advisory lock.
/// </summary>
internal sealed class PostgreSqlDatabase : IPhoneHubMigrator, IPostgreSqlStore, IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock (single-key form) that serializes migrations: "PhoneHub" in ASCII.</summary>
    internal const long MigrationLockKey = 0x50686F6E65487562;

    /// <summary>The class (first key of the two-key form) of the advisory lock that serializes config writes per schema: "PHCW".</summary>
    internal const int ConfigWriteLockClass = 0x50484357;

    /// <summary>How often a transaction PostgreSQL aborted to break a deadlock or a serialization conflict is run in all.</summary>
    internal const int MaxTransactionAttempts = 5;

    private const string VersionTable = "phonehub_schema_version";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ILogger _logger;
    private readonly string _location;

    /// <summary>Creates the schema accessor from the store options.</summary>
    /// <param name="options">The store options.</param>
    /// <param name="loggerFactory">Logs migrations, and Npgsql's own events when PhoneHub builds the data source.</param>
    public PostgreSqlDatabase(IOptions<PostgreSqlStoreOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var value = options.Value;
        Schema = value.Schema;
        QuotedSchema = PostgreSqlIdentifier.Quote(value.Schema);
        if (value.DataSource is { } dataSource)
        {
            _dataSource = dataSource;
        }
        else
        {
            if (string.IsNullOrWhiteSpace(value.ConnectionString))
            {
                throw new InvalidOperationException("No PostgreSQL connection string: set PhoneHub:PostgreSql:ConnectionString or ConnectionStrings:PhoneHub, or pass one to UsePostgreSql(...).");
            }

            var builder = new NpgsqlDataSourceBuilder(value.ConnectionString);
            builder.ConnectionStringBuilder.ApplicationName ??= "PhoneHub";
            builder.UseLoggerFactory(loggerFactory);
            _dataSource = builder.Build();
            _ownsDataSource = true;
        }

        _logger = loggerFactory.CreateLogger<PostgreSqlDatabase>();

        // Where, for error messages: the data source's connection string has no password unless the host asked for it.
        var where = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
        _location = $"{where.Host}:{where.Port}, database '{where.Database}'";
    }

    /// <summary>The schema name, as configured.</summary>
    public string Schema { get; }

    /// <summary>The schema as a quoted identifier, the only text ever formatted into PhoneHub's SQL.</summary>
    public string QuotedSchema { get; }

    /// <summary>Puts the schema into a store's SQL in place of <c>{schema}</c>; the stores call it once each, at construction.</summary>
    /// <param name="sql">Constant SQL naming tables as <c>{schema}.table</c>.</param>
    /// <returns>The SQL to run.</returns>
    public string Qualify(string sql) => sql.Replace("{schema}", QuotedSchema, StringComparison.Ordinal);

    /// <summary>Opens a pooled connection; dispose it to return it to the pool.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>An open connection.</returns>
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own and commits it; runs it again from the start when
    /// PostgreSQL aborted it to break a deadlock (SQLSTATE 40P01) or a serialization conflict (40001), which leaves
    /// nothing of it stored. Only for work that talks to nothing but this database (never around a provider call).
    /// </summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="work">The statements, on the given connection and transaction.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result of the run that committed.</returns>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < MaxTransactionAttempts)
            {
                Log.TransactionRetried(_logger, ex.SqlState, attempt);
            }
        }
    }

    /// <inheritdoc />
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => MigrateToAsync(PostgreSqlSchema.CurrentVersion, cancellationToken);

    /// <summary>Applies the migrations up to <paramref name="targetVersion"/> (tests build older schemas with it).</summary>
    /// <param name="targetVersion">The version to stop at.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The schema version after the call.</returns>
    internal async Task<int> MigrateToAsync(int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetVersion, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, PostgreSqlSchema.CurrentVersion);
        try
        {
            return await MigrateCoreAsync(targetVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            // At start this is the first contact with the server: say what PhoneHub was doing and where.
            throw new InvalidOperationException(
                $"PhoneHub could not migrate its PostgreSQL schema {QuotedSchema} at {_location}: {ex.Message}", ex);
        }
    }

    private async Task<int> MigrateCoreAsync(int targetVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Held until commit or rollback: a second instance starting at the same time waits here, then finds the work done.
        // No command timeout: a long migration or a wait for another instance's is ended by the host's start token instead.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@key);", new { key = MigrationLockKey }, transaction, commandTimeout: 0, cancellationToken: cancellationToken)).ConfigureAwait(false);

        // Existence is checked first so that a schema already migrated needs no CREATE privilege.
        var schemaExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = @schema);",
            new { schema = Schema }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!schemaExists)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Qualify("CREATE SCHEMA {schema};"), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var tableExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = @schema AND tablename = @table);",
            new { schema = Schema, table = VersionTable }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!tableExists)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Qualify($"CREATE TABLE {{schema}}.{VersionTable} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"),
                transaction: transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var current = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            Qualify($"SELECT coalesce(max(version), 0) FROM {{schema}}.{VersionTable};"), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current > PostgreSqlSchema.CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The PhoneHub PostgreSQL schema {QuotedSchema} at {_location} is at version {current}, newer than this version of PhoneHub understands ({PostgreSqlSchema.CurrentVersion}). Upgrade PhoneHub, or point it at another schema.");
        }

        if (current >= targetVersion)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Log.SchemaCurrent(_logger, Schema, current);
            return current;
        }

        // The scripts name their tables unqualified; for this transaction only, the schema is the whole search path.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('search_path', @path, true);", new { path = QuotedSchema }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var migration in PostgreSqlSchema.Migrations.Where(m => m.Version > current && m.Version <= targetVersion))
        {
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                Qualify($"INSERT INTO {{schema}}.{VersionTable} (version, name) VALUES (@version, @name);"),
                new { version = migration.Version, name = migration.Name },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        for (var version = current + 1; version <= targetVersion; version++)
        {
            Log.SchemaMigrated(_logger, Schema, version);
        }

        return targetVersion;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }
}

/// <summary>Marks PhoneHub's PostgreSQL stores and migrator, so PhoneHub refuses at start a mix with other stores.</summary>
internal interface IPostgreSqlStore : IStoreFamilyMember
{
    string IStoreFamilyMember.StoreFamily => "PostgreSQL";
}
