using BenchmarkDotNet.Attributes;
using PhoneHub.Normalization;
using PhoneNumbers;

namespace PhoneHub.Benchmarks.Normalization;

/// <summary>
/// Normalizing 10,000 distinct inputs once each: the cold path. Every call misses the normalizer's cache (a fresh
/// normalizer per pass, and no input repeats), so the cache can neither hide the parsing cost nor be skipped: its
/// bookkeeping on a miss is part of the figure.
/// </summary>
[MemoryDiagnoser]
public class NormalizeVariedBenchmarks
{
    private const int Size = 10_000;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private CorpusEntry[] _corpus = [];

    /// <summary>Builds the corpus.</summary>
    [GlobalSetup]
    public void Setup() => _corpus = PhoneCorpus.Varied(Size);

    /// <summary>
    /// libphonenumber by hand without validation: <c>Parse</c> then <c>Format(E164)</c>, junk caught. Not a target
    /// (it promises less than <c>Normalize</c>): it shows what validation costs.
    /// </summary>
    /// <returns>How many inputs parsed.</returns>
    [Benchmark(OperationsPerInvoke = Size)]
    public int RawParseFormat()
    {
        var ok = 0;
        foreach (var (input, region) in _corpus)
        {
            try
            {
                var e164 = Util.Format(Util.Parse(input, region), PhoneNumberFormat.E164);
                ok += e164.Length > 0 ? 1 : 0;
            }
            catch (NumberParseException)
            {
            }
        }

        return ok;
    }

    /// <summary>
    /// The baseline: libphonenumber by hand with the guarantee <c>Normalize</c> gives, <c>Parse</c>,
    /// <c>IsValidNumber</c>, then <c>Format(E164)</c>, junk caught.
    /// </summary>
    /// <returns>How many inputs were valid.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Size)]
    public int RawParseValidateFormat()
    {
        var ok = 0;
        foreach (var (input, region) in _corpus)
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

    /// <summary><see cref="PhoneNormalizer.TryNormalize"/> on the same inputs (validation included), cold cache.</summary>
    /// <returns>How many inputs were valid.</returns>
    [Benchmark(OperationsPerInvoke = Size)]
    public int Normalize()
    {
        var normalizer = new PhoneNormalizer();
        var ok = 0;
        foreach (var (input, region) in _corpus)
        {
            ok += normalizer.TryNormalize(input, out _, region) ? 1 : 0;
        }

        return ok;
    }
}
