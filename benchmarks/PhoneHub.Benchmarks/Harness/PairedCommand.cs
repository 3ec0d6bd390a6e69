using System.Diagnostics;
using System.Globalization;
using PhoneHub.Benchmarks.Messaging;
using PhoneHub.Benchmarks.Normalization;
using PhoneHub.Normalization;
using PhoneHub.Providers.Twilio;
using PhoneNumbers;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// <c>paired [rounds]</c>: the issue-16 comparisons with the baseline and PhoneHub measured in alternation, one pass of
/// each per round, so that load coming and going on a shared machine falls on both; prints the median of the per-round
/// ratios and the allocations per operation. A complement to the BenchmarkDotNet classes (which measure one benchmark
/// after the other), with the same inputs.
/// </summary>
internal static class PairedCommand
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 21;
        var corpus = PhoneCorpus.Varied(10_000);
        Report("cold Normalize vs raw Parse+IsValidNumber+Format(E164), 10,000 varied inputs", rounds, corpus.Length,
            () => RawNormalize(corpus), () => PhoneHubNormalize(corpus));

        var signatures = new SignatureValidationBenchmarks();
        foreach (var @case in new[] { "valid", "invalid" })
        {
            signatures.Case = @case;
            signatures.Setup();
            const int Checks = 2_000;
            Report($"signature check ({@case}) vs Twilio 8.2.0 RequestValidator, typical inbound webhook", rounds, Checks,
                () => Repeat(Checks, signatures.TwilioSdk), () => Repeat(Checks, signatures.PhoneHubIsValidForAnyUrl));
        }

        return 0;
    }

    private static void Report(string name, int rounds, int operations, Func<int> baseline, Func<int> phoneHub)
    {
        // Warm both (JIT, metadata, automata, HMAC pools) before measuring.
        baseline();
        phoneHub();
        var ratios = new List<double>();
        var baseTimes = new List<double>();
        var hubTimes = new List<double>();
        long baseBytes = 0, hubBytes = 0;
        for (var i = 0; i < rounds; i++)
        {
            // Alternate which goes first, too.
            var (b, bb) = i % 2 == 0 ? Time(baseline) : default;
            var (h, hb) = Time(phoneHub);
            if (i % 2 == 1)
            {
                (b, bb) = Time(baseline);
            }

            ratios.Add(h / b);
            baseTimes.Add(b / operations);
            hubTimes.Add(h / operations);
            baseBytes = bb / operations;
            hubBytes = hb / operations;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: PhoneHub median {Median(hubTimes):0} ns/op, {hubBytes} B/op | baseline median {Median(baseTimes):0} ns/op, {baseBytes} B/op | median ratio {Median(ratios):0.000} over {rounds} rounds (min {ratios.Min():0.000}, max {ratios.Max():0.000})"));
    }

    private static (double Nanoseconds, long Bytes) Time(Func<int> pass)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        pass();
        stopwatch.Stop();
        return (stopwatch.Elapsed.TotalNanoseconds, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int Repeat(int count, Func<bool> check)
    {
        var ok = 0;
        for (var i = 0; i < count; i++)
        {
            ok += check() ? 1 : 0;
        }

        return ok;
    }

    private static int RawNormalize(CorpusEntry[] corpus)
    {
        var ok = 0;
        foreach (var (input, region) in corpus)
        {
            try
            {
                var parsed = Util.Parse(input, region);
                if (Util.IsValidNumber(parsed))
                {
                    ok += Util.Format(parsed, PhoneNumberFormat.E164).Length > 0 ? 1 : 0;
                }
            }
            catch (NumberParseException)
            {
            }
        }

        return ok;
    }

    private static int PhoneHubNormalize(CorpusEntry[] corpus)
    {
        var normalizer = new PhoneNormalizer(); // fresh: every call a cache miss
        var ok = 0;
        foreach (var (input, region) in corpus)
        {
            ok += normalizer.TryNormalize(input, out _, region) ? 1 : 0;
        }

        return ok;
    }
}
