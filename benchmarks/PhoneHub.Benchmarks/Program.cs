using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PhoneHub.Benchmarks.Harness;

namespace PhoneHub.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- --filter '*'</c> runs the BenchmarkDotNet suites (add <c>--job short</c> for a quick pass);
/// <c>concurrency</c>, <c>send-overhead</c>, <c>cache-footprint</c>, <c>paired</c>, <c>load</c>, <c>crash</c> and <c>rate</c> run the harness commands.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        switch (command)
        {
            case "concurrency":
                return await ConcurrencyCommand.RunAsync();
            case "send-overhead":
                return await SendOverheadCommand.RunAsync(args[1..]);
            case "cache-footprint":
                return CacheFootprintCommand.Run();
            case "paired":
                return PairedCommand.Run(args[1..]);
            case "load":
                return await LoadCommand.RunAsync(args[1..]);
            case "crash":
                return await CrashCommand.RunAsync(args[1..]);
            case "rate":
                return await RateCommand.RunAsync(args[1..]);
            default:
                var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, CreateConfig(args));
                MedianRatios.Print(summaries);
                return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
        }
    }

    private static ManualConfig CreateConfig(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));

        // Without --job, a middle ground between BenchmarkDotNet's default (minutes per benchmark) and --job short
        // (3 iterations, too few for a median on a shared machine): 9 measured iterations, so the suite runs in minutes.
        if (!args.Any(a => a is "--job" or "-j"))
        {
            config.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(9).WithLaunchCount(1).WithId("Bench"));
        }

        return config;
    }
}
