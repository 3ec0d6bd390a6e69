namespace PhoneHub.Benchmarks.Harness;

/// <summary>The load generator for benchmarks/load/run.sh (written below).</summary>
internal static class LoadCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length >= 0 ? 2 : 2);
}
