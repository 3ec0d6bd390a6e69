using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Providers;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// The cost of concurrency: concurrent lookups of the same uncached number must make one provider call, and a burst
/// over a set of numbers one call per number. Each scenario runs with the memory tier on (the default) and off.
/// </summary>
internal static class ConcurrencyCommand
{
    private static readonly TimeSpan ProviderLatency = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync()
    {
        // One untimed pass first, so the timed ones do not include JIT compilation.
        var quiet = Console.Out;
        Console.SetOut(TextWriter.Null);
        await SameNumberAsync("warm-up", memoryTier: true, concurrency: 64);
        await BurstAsync("warm-up", memoryTier: true, lookups: 1_000, distinct: 100, concurrency: 64);
        Console.SetOut(quiet);

        var failures = 0;
        foreach (var memoryTier in new[] { true, false })
        {
            var label = memoryTier ? "memory tier on " : "memory tier off";
            failures += await SameNumberAsync(label, memoryTier, concurrency: 64);
            failures += await BurstAsync(label, memoryTier, lookups: 1_000, distinct: 100, concurrency: 64);
        }

        Console.WriteLine(failures == 0 ? "concurrency: all provider call counts as expected" : $"concurrency: {failures} scenario(s) FAILED");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> SameNumberAsync(string label, bool memoryTier, int concurrency)
    {
        using var host = CreateHost(memoryTier, out var provider);
        await host.AddDefaultConfigAsync(provider: CountingLookupProvider.ProviderName, testMode: false);
        var lookups = host.Hub.Lookups;
        var number = BenchNumbers.UsMobiles(1, offset: 777)[0];

        using var gate = new ManualResetEventSlim();
        var started = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            return await lookups.LookupAsync(number);
        })).ToArray();
        gate.Set();
        var results = await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var ok = provider.Calls == 1 && results.All(r => r.E164 == number);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{label}] {concurrency} concurrent lookups of one uncached number: {provider.Calls} provider call(s) (expected 1), {elapsed.TotalMilliseconds:0} ms wall for a {ProviderLatency.TotalMilliseconds:0} ms provider = {elapsed / ProviderLatency:0.00}x one call {(ok ? "OK" : "FAILED")}"));
        return ok ? 0 : 1;
    }

    private static async Task<int> BurstAsync(string label, bool memoryTier, int lookups, int distinct, int concurrency)
    {
        using var host = CreateHost(memoryTier, out var provider);
        await host.AddDefaultConfigAsync(provider: CountingLookupProvider.ProviderName, testMode: false);
        var service = host.Hub.Lookups;
        var numbers = BenchNumbers.UsMobiles(distinct, offset: 5_000);
        var random = new Random(42);
        var work = new Queue<string>(Enumerable.Range(0, lookups).Select(i => numbers[i < distinct ? i : random.Next(distinct)]).OrderBy(_ => random.Next()));
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                string next;
                lock (work)
                {
                    if (!work.TryDequeue(out next!))
                    {
                        return;
                    }
                }

                await service.LookupAsync(next);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var ok = provider.Calls == distinct;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{label}] {lookups} lookups over {distinct} numbers (shuffled), {concurrency} at a time: {provider.Calls} provider call(s) (expected {distinct}), {elapsed.TotalMilliseconds:0} ms wall with a {ProviderLatency.TotalMilliseconds:0} ms provider {(ok ? "OK" : "FAILED")}"));
        return ok ? 0 : 1;
    }

    private static BenchHost CreateHost(bool memoryTier, out CountingLookupProvider provider)
    {
        var counting = new CountingLookupProvider(ProviderLatency);
        provider = counting;
        return BenchHost.Create(
            o => o.LookupMemoryCacheSize = memoryTier ? 10_000 : 0,
            configureServices: s => s.AddSingleton(counting),
            configureBuilder: b => b.AddProvider<CountingLookupProvider>());
    }
}
