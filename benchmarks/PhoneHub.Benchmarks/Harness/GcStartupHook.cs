using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

#pragma warning disable CA1050 // The runtime finds a startup hook by this exact name, outside any namespace.

/// <summary>
/// A .NET startup hook the load script loads into the sample host (<c>DOTNET_STARTUP_HOOKS</c>), so the host can be
/// measured without changing it: on SIGUSR1 it runs a full, compacting, decommitting GC and appends the process's
/// resident set size (bytes, from <c>/proc/self/status</c>) to the file named by <c>PHONEHUB_BENCH_RSS_FILE</c>.
/// </summary>
internal static class StartupHook
{
    private const int SigUsr1 = 10;
    private static PosixSignalRegistration? _registration;

    /// <summary>Called by the runtime before <c>Main</c>.</summary>
    public static void Initialize()
    {
        var file = Environment.GetEnvironmentVariable("PHONEHUB_BENCH_RSS_FILE");
        if (string.IsNullOrEmpty(file) || !OperatingSystem.IsLinux())
        {
            return;
        }

        _registration = PosixSignalRegistration.Create((PosixSignal)SigUsr1, context =>
        {
            context.Cancel = true;
            ThreadPool.QueueUserWorkItem(_ =>
            {
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var rss = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                var kb = long.Parse(rss["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                File.AppendAllText(file, string.Create(CultureInfo.InvariantCulture, $"{kb * 1024} {GC.GetTotalMemory(false)}\n"));
            });
        });
    }
}
