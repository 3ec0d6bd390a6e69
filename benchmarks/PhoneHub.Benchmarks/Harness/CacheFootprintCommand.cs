using System.Globalization;
using PhoneHub.Benchmarks.Normalization;
using PhoneHub.Normalization;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// The memory bound of the normalizer's result cache: the heap it holds when full, and that it stays there however
/// many distinct inputs pass through it.
/// </summary>
internal static class CacheFootprintCommand
{
    public static int Run()
    {
        var corpus = PhoneCorpus.Varied(100_000, seed: 99);

        // Process-wide state first (libphonenumber's metadata, the validation automata of every region met), with a
        // normalizer that is then dropped, so that what follows is the cache alone.
        var before = Heap();
        var warm = new PhoneNormalizer();
        foreach (var (input, region) in corpus)
        {
            warm.TryNormalize(input, out _, region);
        }

        GC.KeepAlive(warm);
        warm = null;
        var baseline = Heap();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"process-wide normalization state (metadata and validation automata of the {corpus.Select(c => c.Region).Distinct().Count()} regions of the corpus, after {corpus.Length:N0} inputs): {(baseline - before) / 1024.0 / 1024.0:0.00} MiB"));
        var normalizer = new PhoneNormalizer();

        for (var i = 0; i < PhoneNormalizer.CacheCapacity; i++)
        {
            normalizer.TryNormalize(corpus[i].Input, out _, corpus[i].Region);
        }

        var full = Heap() - baseline;
        var peak = full;
        for (var i = 0; i < corpus.Length; i++)
        {
            normalizer.TryNormalize(corpus[i].Input, out _, corpus[i].Region);
            if (i % 10_000 == 9_999)
            {
                peak = Math.Max(peak, Heap() - baseline);
            }
        }

        GC.KeepAlive(normalizer);
        GC.KeepAlive(corpus);
        var perEntry = (double)full / PhoneNormalizer.CacheCapacity;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"normalizer cache: capacity {PhoneNormalizer.CacheCapacity} entries; full = {full / 1024.0 / 1024.0:0.00} MiB ({perEntry:0} B/entry, inputs not counted: they belong to the caller); " +
            $"largest retained while streaming {corpus.Length:N0} distinct inputs = {peak / 1024.0 / 1024.0:0.00} MiB"));
        var bounded = peak <= full * 1.5 + (256 * 1024);
        Console.WriteLine(bounded ? "normalizer cache: bounded OK" : "normalizer cache: NOT bounded");
        return bounded ? 0 : 1;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
