using BenchmarkDotNet.Attributes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneHub.Benchmarks.Harness;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.Benchmarks.Lookup;

/// <summary>
/// A lookup served from the PostgreSQL store (memory tier off), beside a bare Npgsql + Dapper primary-key <c>SELECT</c>
/// of the same rows in the same schema through a data source (connection pool) of its own. Target: ratio at most 1.5.
/// The server is named by <c>PHONEHUB_BENCH_POSTGRES</c> (an Npgsql connection string; <c>tests/postgres-local.sh</c>
/// starts one); each run works in a schema of its own and drops it afterwards.
/// </summary>
[MemoryDiagnoser]
public class LookupPostgreSqlStoreTierBenchmarks : LookupTierBenchmark
{
    private const string ConnectionStringVariable = "PHONEHUB_BENCH_POSTGRES";

    private string _schema = "";
    private string _selectById = "";
    private ServiceProvider? _services;
    private NpgsqlDataSource? _raw;
    private long[] _ids = [];

    /// <summary>Migrates a fresh schema and looks every number up once, which stores it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{ConnectionStringVariable} names no PostgreSQL server (an Npgsql connection string); tests/postgres-local.sh starts one.");
        }

        _schema = "phonehub_bench_" + Guid.NewGuid().ToString("N");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new CountingLookupProvider(TimeSpan.Zero));
        services.AddPhoneHub(o =>
            {
                o.EncryptionKey = Convert.ToBase64String(new byte[32]);
                o.LookupMemoryCacheSize = 0;
            })
            .UsePostgreSql(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = _schema;
            })
            .AddProvider<CountingLookupProvider>();
        _services = services.BuildServiceProvider();
        _services.MigratePhoneHubAsync().GetAwaiter().GetResult();

        var hub = _services.GetRequiredService<IPhoneHub>();
        hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "bench",
            Provider = CountingLookupProvider.ProviderName,
            TestMode = false,
            IsActive = true,
            LookupEnabled = true,
            LookupCacheDays = 30,
        }).GetAwaiter().GetResult();
        Lookups = hub.Lookups;
        Numbers = BenchNumbers.UsMobiles(Count);
        _ids = LookUpOnce();

        // The same columns the store selects, by primary key; the schema name is generated above (letters, digits, _).
        _selectById = $"SELECT {PhoneNumberColumns.List} FROM \"{_schema}\".phone_numbers WHERE id = @id;";
        _raw = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Drops the schema and disposes both pools.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_raw is not null)
        {
            using (var connection = _raw.OpenConnection())
            {
                connection.Execute($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;");
            }

            _raw.Dispose();
        }

        _services?.Dispose();
    }

    /// <summary>Npgsql + Dapper by hand: open a pooled connection, select the row by primary key into a class.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public async Task<long> RawNpgsqlDapperSelect()
    {
        long sum = 0;
        foreach (var id in _ids)
        {
            await using var connection = await _raw!.OpenConnectionAsync();
            var row = await connection.QuerySingleOrDefaultAsync<PhoneNumberRow<bool, DateTimeOffset>>(_selectById, new { id });
            sum += row!.id;
        }

        return sum;
    }
}
