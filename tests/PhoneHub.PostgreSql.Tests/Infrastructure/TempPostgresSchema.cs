using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A schema of its own on the test server, with a unique name, dropped (with everything in it) on dispose: tests never
/// see each other's rows and may run in parallel. The schema itself is created by PhoneHub's migration.
/// </summary>
public sealed class TempPostgresSchema : IAsyncDisposable
{
    private TempPostgresSchema(string connectionString, string name)
    {
        ConnectionString = connectionString;
        Name = name;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Database = NewDatabase();
    }

    public string ConnectionString { get; }

    public string Name { get; }

    /// <summary>The schema as a quoted identifier, for SQL a test writes itself.</summary>
    public string Quoted => "\"" + Name + "\"";

    public NpgsqlDataSource DataSource { get; }

    internal PostgreSqlDatabase Database { get; }

    /// <summary>Creates the schema accessor; ignores (or in CI fails) the test when no server is configured.</summary>
    /// <param name="prefix">The start of the name; the rest is unique.</param>
    /// <returns>The schema.</returns>
    public static TempPostgresSchema Create(string prefix = "phonehub_test_") =>
        new(TestPostgres.ConnectionString, prefix + Guid.NewGuid().ToString("N"));

    /// <summary>Another accessor of the same schema, as a second process would have.</summary>
    /// <returns>The accessor; it shares this schema's data source.</returns>
    internal PostgreSqlDatabase NewDatabase() =>
        new(Options.Create(new PostgreSqlStoreOptions { DataSource = DataSource, Schema = Name }), NullLoggerFactory.Instance);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await using (var connection = await DataSource.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Quoted} CASCADE;", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }
}
