using Microsoft.Extensions.DependencyInjection;
using BenchmarkDotNet.Attributes;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Lookup;

namespace PhoneHub.Benchmarks.Lookup;

/// <summary>
/// A cached lookup served from the memory tier, beside a hand-written <see cref="IMemoryCache"/> read of the same
/// records (what a host would write without PhoneHub). Target: median at most 1 µs.
/// </summary>
[MemoryDiagnoser]
public class LookupMemoryTierBenchmarks
{
    private const int Count = 100;
    private BenchHost? _host;
    private IPhoneLookupService? _lookups;
    private string[] _numbers = [];
    private MemoryCache? _cache;

    /// <summary>Looks every number up once, which fills the memory tier; fills the hand-written cache alike.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // A paying provider (instant, no network): test-mode answers are never cached, so they would measure nothing.
        _host = BenchHost.Create(configureServices: s => s.AddSingleton(new Harness.CountingLookupProvider(TimeSpan.Zero)), configureBuilder: b => b.AddProvider<Harness.CountingLookupProvider>());
        _host.AddDefaultConfigAsync(provider: Harness.CountingLookupProvider.ProviderName, testMode: false).GetAwaiter().GetResult();
        _lookups = _host.Hub.Lookups;
        _numbers = BenchNumbers.UsMobiles(Count);
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });
        foreach (var number in _numbers)
        {
            var record = _lookups.LookupAsync(number).GetAwaiter().GetResult();
            _cache.Set(number, record, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
        }
    }

    /// <summary>Disposes the host.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _cache?.Dispose();
        _host?.Dispose();
    }

    /// <summary>Hand-written: <see cref="IMemoryCache.TryGetValue"/> and a completed task, per number.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public async Task<long> RawMemoryCache()
    {
        long sum = 0;
        foreach (var number in _numbers)
        {
            var hit = await Get(number);
            sum += hit!.Id;
        }

        return sum;
    }

    /// <summary><see cref="IPhoneLookupService.LookupAsync"/> of a number already in the memory tier.</summary>
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

    private Task<PhoneNumber?> Get(string number) =>
        Task.FromResult(_cache!.TryGetValue(number, out PhoneNumber? hit) ? hit : null);
}

/// <summary>
/// A lookup served from the SQLite store (memory tier off), beside a bare Dapper primary-key <c>SELECT</c> of the
/// same rows on the same database file, each opening a pooled connection. Target: ratio at most 1.5.
/// </summary>
[MemoryDiagnoser]
public class LookupStoreTierBenchmarks
{
    private const int Count = 100;
    private const string SelectById =
        "SELECT id, phone_number, country_code, region, carrier, line_type, is_mobile, is_voip, is_valid, caller_name, caller_type, " +
        "address_street, address_city, address_state, address_postal_code, address_country, lookup_provider, lookup_expires_at, " +
        "lookup_count, last_lookup_at, lookup_data, created, modified FROM phone_numbers WHERE id = @id;";

    private BenchHost? _host;
    private IPhoneLookupService? _lookups;
    private string[] _numbers = [];
    private long[] _ids = [];

    /// <summary>Looks every number up once, which stores it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _host = BenchHost.Create(o => o.LookupMemoryCacheSize = 0, configureServices: s => s.AddSingleton(new Harness.CountingLookupProvider(TimeSpan.Zero)), configureBuilder: b => b.AddProvider<Harness.CountingLookupProvider>());
        _host.AddDefaultConfigAsync(provider: Harness.CountingLookupProvider.ProviderName, testMode: false).GetAwaiter().GetResult();
        _lookups = _host.Hub.Lookups;
        _numbers = BenchNumbers.UsMobiles(Count);
        _ids = [.. _numbers.Select(n => _lookups.LookupAsync(n).GetAwaiter().GetResult().Id)];
    }

    /// <summary>Disposes the host.</summary>
    [GlobalCleanup]
    public void Cleanup() => _host?.Dispose();

    /// <summary>Dapper by hand: open a pooled connection, select the row by primary key into a class.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public async Task<long> RawDapperSelect()
    {
        long sum = 0;
        foreach (var id in _ids)
        {
            await using var connection = await _host!.OpenRawAsync();
            var row = await connection.QuerySingleOrDefaultAsync<PhoneNumberRow>(SelectById, new { id });
            sum += row!.id;
        }

        return sum;
    }

    /// <summary><see cref="IPhoneLookupService.LookupAsync"/> of a fresh number stored in SQLite.</summary>
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
/// <summary>The <c>phone_numbers</c> row as a hand-written Dapper DTO.</summary>
public sealed class PhoneNumberRow
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
    public long? is_mobile { get; set; }

    /// <summary>Column.</summary>
    public long? is_voip { get; set; }

    /// <summary>Column.</summary>
    public long is_valid { get; set; }

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
    public long? lookup_expires_at { get; set; }

    /// <summary>Column.</summary>
    public long lookup_count { get; set; }

    /// <summary>Column.</summary>
    public long? last_lookup_at { get; set; }

    /// <summary>Column.</summary>
    public string? lookup_data { get; set; }

    /// <summary>Column.</summary>
    public long created { get; set; }

    /// <summary>Column.</summary>
    public long modified { get; set; }
}
#pragma warning restore IDE1006, CA1707
