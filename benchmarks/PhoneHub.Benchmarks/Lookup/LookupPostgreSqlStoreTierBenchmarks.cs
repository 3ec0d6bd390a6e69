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
public class LookupPostgreSqlStoreTierBenchmarks
{
    private const int Count = 100;
    private const string ConnectionStringVariable = "PHONEHUB_BENCH_POSTGRES";

    private string _schema = "";
    private string _selectById = "";
    private ServiceProvider? _services;
    private NpgsqlDataSource? _raw;
    private IPhoneLookupService? _lookups;
    private string[] _numbers = [];
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
        _lookups = hub.Lookups;
        _numbers = BenchNumbers.UsMobiles(Count);
        _ids = [.. _numbers.Select(n => _lookups.LookupAsync(n).GetAwaiter().GetResult().Id)];

        // The same columns the store selects, by primary key; the schema name is generated above (letters, digits, _).
        _selectById =
            "SELECT id, phone_number, country_code, region, carrier, line_type, is_mobile, is_voip, is_valid, caller_name, caller_type, " +
            "address_street, address_city, address_state, address_postal_code, address_country, lookup_provider, lookup_expires_at, " +
            $"lookup_count, last_lookup_at, lookup_data, created, modified FROM \"{_schema}\".phone_numbers WHERE id = @id;";
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
            var row = await connection.QuerySingleOrDefaultAsync<PostgreSqlPhoneNumberRow>(_selectById, new { id });
            sum += row!.id;
        }

        return sum;
    }

    /// <summary><see cref="IPhoneLookupService.LookupAsync"/> of a fresh number stored in PostgreSQL.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<long> Lookup()
    {
        long sum = 0;
        foreach (var number in _numbers)
        {
            var hit = await _lookups!.LookupAsync(number);
            sum += hit.Id;
        }

        return sum;
    }
}

#pragma warning disable IDE1006, CA1707 // Column names, so Dapper maps them without configuration.
/// <summary>The PostgreSQL <c>phone_numbers</c> row as a hand-written Dapper DTO.</summary>
public sealed class PostgreSqlPhoneNumberRow
{
    /// <summary>Column.</summary>
    public long id { get; set; }

    /// <summary>Column.</summary>
    public string phone_number { get; set; } = "";

    /// <summary>Column.</summary>
    public string? country_code { get; set; }

    /// <summary>Column.</summary>
    public string? region { get; set; }

    /// <summary>Column.</summary>
    public string? carrier { get; set; }

    /// <summary>Column.</summary>
    public string? line_type { get; set; }

    /// <summary>Column.</summary>
    public bool? is_mobile { get; set; }

    /// <summary>Column.</summary>
    public bool? is_voip { get; set; }

    /// <summary>Column.</summary>
    public bool is_valid { get; set; }

    /// <summary>Column.</summary>
    public string? caller_name { get; set; }

    /// <summary>Column.</summary>
    public string? caller_type { get; set; }

    /// <summary>Column.</summary>
    public string? address_street { get; set; }

    /// <summary>Column.</summary>
    public string? address_city { get; set; }

    /// <summary>Column.</summary>
    public string? address_state { get; set; }

    /// <summary>Column.</summary>
    public string? address_postal_code { get; set; }

    /// <summary>Column.</summary>
    public string? address_country { get; set; }

    /// <summary>Column.</summary>
    public string? lookup_provider { get; set; }

    /// <summary>Column.</summary>
    public DateTimeOffset? lookup_expires_at { get; set; }

    /// <summary>Column.</summary>
    public int lookup_count { get; set; }

    /// <summary>Column.</summary>
    public DateTimeOffset? last_lookup_at { get; set; }

    /// <summary>Column.</summary>
    public string? lookup_data { get; set; }

    /// <summary>Column.</summary>
    public DateTimeOffset created { get; set; }

    /// <summary>Column.</summary>
    public DateTimeOffset modified { get; set; }
}
#pragma warning restore IDE1006, CA1707
