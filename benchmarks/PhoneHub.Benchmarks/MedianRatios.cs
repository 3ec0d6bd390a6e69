using System.Globalization;
using BenchmarkDotNet.Reports;

namespace PhoneHub.Benchmarks;

/// <summary>
/// Prints each benchmark beside its class's baseline as a ratio of medians (BenchmarkDotNet's own Ratio column is a
/// ratio of means, which one noisy iteration on a shared machine can move).
/// </summary>
internal static class MedianRatios
{
    public static void Print(IEnumerable<Summary> summaries)
    {
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
        if (reports.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("Baseline pairs (ratio of medians, value / baseline; allocations per operation):");
        // One group per class and parameter set ([Params]), as BenchmarkDotNet pairs baselines.
        foreach (var group in reports.GroupBy(r => (r.BenchmarkCase.Descriptor.Type, r.BenchmarkCase.Parameters.DisplayInfo)))
        {
            var baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
            foreach (var report in group.Where(r => !r.BenchmarkCase.Descriptor.Baseline))
            {
                var median = report.ResultStatistics!.Median;
                var line = string.Create(CultureInfo.InvariantCulture, $"  {group.Key.Type.Name}.{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}{(report.BenchmarkCase.HasParameters ? " " + group.Key.DisplayInfo : "")}: median {Format(median)}, {Bytes(report)}");
                if (baseline?.ResultStatistics is { } b)
                {
                    line += string.Create(CultureInfo.InvariantCulture,
                        $" | baseline {baseline.BenchmarkCase.Descriptor.WorkloadMethod.Name}: median {Format(b.Median)}, {Bytes(baseline)} | ratio {median / b.Median:0.000} (baseline/value {b.Median / median:0.00}x)");
                }

                Console.WriteLine(line);
            }
        }
    }

    private static string Format(double nanoseconds) => nanoseconds switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:0.0} ns"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000:0.00} us"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000_000:0.00} ms"),
    };

    private static string Bytes(BenchmarkReport report) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B/op")
            : "? B/op";
}
