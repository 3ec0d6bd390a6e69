using BenchmarkDotNet.Attributes;
using PhoneHub.Normalization;
using PhoneNumbers;

namespace PhoneHub.Benchmarks.Normalization;

/// <summary>
/// Normalizing a stream of 10,000 inputs drawn from 1,000 distinct numbers with a Zipf-like skew: the steady state of
/// a host that sees the same customers again and again. The normalizer is warmed once, as a long-running host's is.
/// </summary>
[MemoryDiagnoser]
public class NormalizeRepeatedBenchmarks
{
    private const int Distinct = 1_000;
    private const int Length = 10_000;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly PhoneNormalizer _normalizer = new();
    private CorpusEntry[] _stream = [];

    /// <summary>Builds the stream and warms the normalizer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _stream = PhoneCorpus.Skewed(Distinct, Length);
        foreach (var (input, region) in _stream)
        {
            _normalizer.TryNormalize(input, out _, region);
        }
    }

    /// <summary>libphonenumber by hand: <c>Parse</c> then <c>Format(E164)</c> for every input.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Length)]
    public int RawParseFormat()
    {
        var sum = 0;
        foreach (var (input, region) in _stream)
        {
            sum += Util.Format(Util.Parse(input, region), PhoneNumberFormat.E164).Length;
        }

        return sum;
    }

    /// <summary><see cref="PhoneNormalizer.Normalize"/> on the same stream.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(OperationsPerInvoke = Length)]
    public int Normalize()
    {
        var sum = 0;
        foreach (var (input, region) in _stream)
        {
            sum += _normalizer.Normalize(input, region).Length;
        }

        return sum;
    }
}
