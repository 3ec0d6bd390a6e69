using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>
/// One Prism mock server (a request-validating OpenAPI mock) serving one spec document on a free loopback port.
/// Started from the repository's pinned install (<c>.prism/node_modules/.bin/prism</c>, set up by <c>.ci/run</c>);
/// the whole process tree is killed on dispose.
/// </summary>
internal sealed class PrismServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private PrismServer(Process process, Uri baseUrl, StringBuilder output)
    {
        _process = process;
        BaseUrl = baseUrl;
        _output = output;
    }

    public Uri BaseUrl { get; }

    /// <summary>The path of the pinned Prism, or null when it is not installed.</summary>
    public static string? Executable
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PhoneHub.Core.sln")))
                {
                    var prism = Path.Combine(dir.FullName, ".prism", "node_modules", ".bin", "prism");
                    return File.Exists(prism) ? prism : null;
                }
            }

            return null;
        }
    }

    /// <summary>Marks the test ignored (outside CI) or failed (in CI) when Prism or the specs are missing; returns the Prism path.</summary>
    public static string RequireExecutable()
    {
        var prism = Executable;
        if (prism is null)
        {
            const string reason = "Prism is not installed: run `npm install --no-save --prefix ./.prism @stoplight/prism-cli@5.16.0` in the repository root (.ci/run does).";
            if (SharedSpecs.IsCi)
            {
                Assert.Fail(reason + " CI must run the conformance tests.");
            }

            Assert.Ignore(reason);
        }

        return prism!;
    }

    public static async Task<PrismServer> StartAsync(string prism, string specPath)
    {
        // A freed port can be taken by someone else before Prism binds it; try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return await StartOnceAsync(prism, specPath, FreePort());
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
            }
        }

        throw new InvalidOperationException("Prism did not start.", last);
    }

    private static async Task<PrismServer> StartOnceAsync(string prism, string specPath, int port)
    {
        var info = new ProcessStartInfo(prism)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "mock", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), specPath })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";

        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Prism is listening", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Prism exited before listening."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new PrismServer(process, new Uri($"http://127.0.0.1:{port}"), output);
        try
        {
            // Startup takes 1-3 s on a quiet machine; leave room for a busy one.
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(90));
            return server;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            var log = server.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException($"Prism did not start on port {port} for {Path.GetFileName(specPath)}:{Environment.NewLine}{log}", ex);
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not dying in time: nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
