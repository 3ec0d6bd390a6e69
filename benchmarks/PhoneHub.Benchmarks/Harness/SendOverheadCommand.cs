namespace PhoneHub.Benchmarks.Harness;

/// <summary>Send overhead against a local mock provider endpoint (written below).</summary>
internal static class SendOverheadCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length >= 0 ? 2 : 2);
}
