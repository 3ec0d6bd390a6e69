using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Diagnostics;
using PhoneHub.Lookup;

namespace PhoneHub.Benchmarks.Lookup;

/// <summary>
/// A lookup served from the Redis tier by a second host, beside a bare <see cref="IDistributedCache.GetAsync"/> of the
/// same entries through the same connection. Host A buys 100 numbers (which shares them in Redis); host B, on the same
/// database and Redis, with its memory tier off so that every lookup reaches Redis, looks them up. Needs a Redis server:
/// <c>PHONEHUB_BENCH_REDIS</c> (a StackExchange.Redis configuration string, for example <c>127.0.0.1:56379</c>).
/// Target: report the ratio (the loopback round trip bounds both).
/// </summary>
[MemoryDiagnoser]
public class LookupRedisTierBenchmarks : LookupTierBenchmark
{
    // The shared tier's key (HybridCache's) under the distributed cache's instance prefix, as UseRedis registers it.
    private const string SharedKeyPrefix = "phonehub:lookup:";

    private BenchHost? _first;
    private BenchHost? _second;
    private IDistributedCache? _cache;
    private string[] _keys = [];

    /// <summary>Host A buys every number; host B is checked to be served them by Redis, not by its store or provider.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var redis = Environment.GetEnvironmentVariable("PHONEHUB_BENCH_REDIS");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("Set PHONEHUB_BENCH_REDIS to a Redis server (for example 127.0.0.1:56379) to run the Redis-tier benchmarks.");
        }

        // A prefix of this run's own, so earlier runs' entries are never read.
        var prefix = $"phonehub-bench:{Guid.NewGuid():N}:";
        var provider = new Harness.CountingLookupProvider(TimeSpan.Zero);
        _first = BenchHost.Create(
            configureServices: s => s.AddSingleton(provider),
            configureBuilder: b => b.AddProvider<Harness.CountingLookupProvider>().UseRedis(redis, o => o.KeyPrefix = prefix));
        _first.AddDefaultConfigAsync(provider: Harness.CountingLookupProvider.ProviderName, testMode: false).GetAwaiter().GetResult();
        Numbers = BenchNumbers.UsMobiles(Count);
        foreach (var number in Numbers)
        {
            _first.Hub.Lookups.LookupAsync(number).GetAwaiter().GetResult();
        }

        _second = BenchHost.Create(
            o => o.LookupMemoryCacheSize = 0,
            configureServices: s => s.AddSingleton(provider),
            configureBuilder: b => b.AddProvider<Harness.CountingLookupProvider>().UseRedis(redis, o => o.KeyPrefix = prefix),
            sameDeploymentAs: _first);
        Lookups = _second.Hub.Lookups;
        _cache = _second.Get<IDistributedCache>();
        _keys = [.. Numbers.Select(n => SharedKeyPrefix + n)];

        // What is measured must be what it says: every lookup of host B answered by the shared tier, no purchase.
        var sources = CountSources(() =>
        {
            foreach (var number in Numbers)
            {
                Lookups.LookupAsync(number).GetAwaiter().GetResult();
            }
        });
        if (provider.Calls != Count || sources.GetValueOrDefault("shared") != Count || sources.Count != 1)
        {
            throw new InvalidOperationException($"Host B was not served by Redis: {provider.Calls} provider calls, sources {string.Join(", ", sources)}.");
        }

        foreach (var key in _keys)
        {
            if (_cache.Get(key) is not { Length: > 0 })
            {
                throw new InvalidOperationException($"The baseline finds nothing at {key}.");
            }
        }
    }

    /// <summary>Disposes both hosts.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _second?.Dispose();
        _first?.Dispose();
    }

    /// <summary>Bare: <see cref="IDistributedCache.GetAsync"/> of each entry's bytes, on host B's connection.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public async Task<long> RawDistributedCacheGet()
    {
        long sum = 0;
        foreach (var key in _keys)
        {
            var bytes = await _cache!.GetAsync(key);
            sum += bytes!.Length;
        }

        return sum;
    }

    private static Dictionary<string, int> CountSources(Action action)
    {
        var sources = new Dictionary<string, int>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PhoneHubTelemetry.MeterName && instrument.Name == PhoneHubTelemetry.LookupRequests)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "phonehub.lookup.source" && tag.Value is string source)
                {
                    lock (sources)
                    {
                        sources[source] = sources.GetValueOrDefault(source) + (int)value;
                    }
                }
            }
        });
        listener.Start();
        action();
        return sources;
    }
}
