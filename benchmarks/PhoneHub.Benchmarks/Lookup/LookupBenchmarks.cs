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
public class LookupMemoryTierBenchmarks : LookupTierBenchmark
{
    private BenchHost? _host;
    private MemoryCache? _cache;

    /// <summary>Looks every number up once, which fills the memory tier; fills the hand-written cache alike.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // A paying provider (instant, no network): test-mode answers are never cached, so they would measure nothing.
        _host = BenchHost.Create(configureServices: s => s.AddSingleton(new Harness.CountingLookupProvider(TimeSpan.Zero)), configureBuilder: b => b.AddProvider<Harness.CountingLookupProvider>());
        _host.AddDefaultConfigAsync(provider: Harness.CountingLookupProvider.ProviderName, testMode: false).GetAwaiter().GetResult();
        Lookups = _host.Hub.Lookups;
        Numbers = BenchNumbers.UsMobiles(Count);
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });
        foreach (var number in Numbers)
        {
            var record = Lookups.LookupAsync(number).GetAwaiter().GetResult();
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
        foreach (var number in Numbers)
        {
            var hit = await Get(number);
            sum += hit!.Id;
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
public class LookupStoreTierBenchmarks : LookupTierBenchmark
{
    private const string SelectById = "SELECT " + PhoneNumberColumns.List + " FROM phone_numbers WHERE id = @id;";

    private BenchHost? _host;
    private long[] _ids = [];

    /// <summary>Looks every number up once, which stores it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _host = BenchHost.Create(o => o.LookupMemoryCacheSize = 0, configureServices: s => s.AddSingleton(new Harness.CountingLookupProvider(TimeSpan.Zero)), configureBuilder: b => b.AddProvider<Harness.CountingLookupProvider>());
        _host.AddDefaultConfigAsync(provider: Harness.CountingLookupProvider.ProviderName, testMode: false).GetAwaiter().GetResult();
        Lookups = _host.Hub.Lookups;
        Numbers = BenchNumbers.UsMobiles(Count);
        _ids = LookUpOnce();
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
            var row = await connection.QuerySingleOrDefaultAsync<PhoneNumberRow<long, long>>(SelectById, new { id });
            sum += row!.id;
        }

        return sum;
    }
}
