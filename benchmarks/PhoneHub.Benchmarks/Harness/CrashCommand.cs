using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Messaging;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// Crash harness. <c>crash run</c> starts a mock Twilio (200 ms per create, every create counted by recipient), starts
/// <c>crash host</c> as a child process (a generic host with the background dispatcher on a SQLite file) which queues
/// 1,000 messages as one bulk send (<see cref="ISmsService.SendManyAsync(IEnumerable{SendSmsRequest}, string?, string?, CancellationToken)"/>), kills it with SIGKILL once the mock has
/// seen a share of the creates, starts it again on the same file, waits one lease period and checks: messages accepted
/// = rows; at most one create per message; no row left in the pipeline; every provider id stored is the one the mock
/// answered; messages the provider may have had when the host died are <c>failed</c>/<c>outcome_unknown</c>, the others
/// were sent after the restart. Bounded: every wait has a deadline, and the child is killed on the way out.
/// </summary>
internal static class CrashCommand
{
    public static async Task<int> RunAsync(string[] args) =>
        args.Length > 0 && args[0] == "host" ? await HostAsync(args[1..]) : await OrchestrateAsync(args.Length > 0 && args[0] == "run" ? args[1..] : args);

    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private static Dictionary<string, string> DispatchSettings(int leaseSeconds, int concurrency) => new()
    {
        ["LeaseDuration"] = TimeSpan.FromSeconds(leaseSeconds).ToString("c", CultureInfo.InvariantCulture),
        // Lapsed calls are looked for every second, so the figure is bounded by the lease, not by the recovery timer.
        ["RecoveryInterval"] = RecoveryInterval.ToString("c", CultureInfo.InvariantCulture),
        ["PollInterval"] = PollInterval.ToString("c", CultureInfo.InvariantCulture),
        ["MaxConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
        ["BatchSize"] = (concurrency * 2).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The child: a host that dispatches; with <c>--enqueue N</c> it first queues N messages as one bulk send.</summary>
    private static async Task<int> HostAsync(string[] args)
    {
        var db = PipelineHost.Option(args, "--db") ?? throw new ArgumentException("--db is required");
        var provider = new Uri(PipelineHost.Option(args, "--provider") ?? throw new ArgumentException("--provider is required"));
        var enqueue = PipelineHost.Option(args, "--enqueue", 0);
        using var host = PipelineHost.Build(db, provider, DispatchSettings(PipelineHost.Option(args, "--lease-seconds", 10), PipelineHost.Option(args, "--concurrency", 32)));
        await host.StartAsync();
        if (enqueue > 0)
        {
            await PipelineHost.AddLiveConfigAsync(host, sendRate: 10_000);
            var numbers = BenchNumbers.UsMobiles(enqueue, offset: 40_000);
            var requests = numbers.Select((n, i) => new SendSmsRequest { To = n, Body = "Crash harness message " + i.ToString(CultureInfo.InvariantCulture) });
            var result = await host.Services.GetRequiredService<ISmsService>().SendManyAsync(requests);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ACCEPTED accepted={result.MessageIds.Count} rejected={result.Rejected.Count} batch={result.Batch.Id}"));
        }

        Console.WriteLine("READY");
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<int> OrchestrateAsync(string[] args)
    {
        var messages = PipelineHost.Option(args, "--messages", 1_000);
        var latency = TimeSpan.FromMilliseconds(PipelineHost.Option(args, "--latency-ms", 200));
        var leaseSeconds = PipelineHost.Option(args, "--lease-seconds", 10);
        var concurrency = PipelineHost.Option(args, "--concurrency", 32);
        var killAt = PipelineHost.Option(args, "--kill-after", messages * 3 / 10);
        var lease = TimeSpan.FromSeconds(leaseSeconds);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var directory = Path.Combine(Path.GetTempPath(), "phonehub-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "phonehub.db");
        await using var mock = await MockProviderServer.StartAsync();
        mock.Latency = latency;
        var hostArgs = new List<string> { "crash", "host", "--db", db, "--provider", mock.BaseUrl.ToString(),
            "--lease-seconds", leaseSeconds.ToString(CultureInfo.InvariantCulture), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture) };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crash harness: {messages} messages as one bulk send, mock provider {latency.TotalMilliseconds:0} ms per create, lease {leaseSeconds} s, {concurrency} provider calls at once, SIGKILL after {killAt} creates"));

        Child? first = null, second = null;
        try
        {
            // 1. First host: queue the bulk send and dispatch until the mock has seen killAt creates, then SIGKILL.
            first = Child.Start([.. hostArgs, "--enqueue", messages.ToString(CultureInfo.InvariantCulture)]);
            var accepted = await first.WaitForLineAsync("ACCEPTED", deadline.Token);
            var acceptedCount = int.Parse(Field(accepted, "accepted"), CultureInfo.InvariantCulture);
            Console.WriteLine($"  host 1 (pid {first.Id}): {accepted}");
            while (mock.Requests < killAt)
            {
                first.ThrowIfExited();
                await Task.Delay(5, deadline.Token);
            }

            var createsAtKill = mock.Requests;
            var inFlightAtKill = mock.InFlight;
            var killedAt = Stopwatch.GetTimestamp();
            first.Kill();
            long answeredRowsAtKill;
            await using (var reader = await PipelineHost.OpenReaderAsync(db))
            {
                answeredRowsAtKill = await reader.ExecuteScalarAsync<long>("SELECT count(*) FROM sms_messages WHERE direction = 'outbound' AND provider_message_id IS NOT NULL;");
            }

            Console.WriteLine($"  SIGKILL: mock had received {createsAtKill} creates, {inFlightAtKill} of them not yet answered; {answeredRowsAtKill} rows had a provider id");

            // 2. Second host on the same file; watch the pipeline drain.
            var restartedAt = Stopwatch.GetTimestamp();
            second = Child.Start(hostArgs);
            await second.WaitForLineAsync("READY", deadline.Token);
            var readyAfter = Stopwatch.GetElapsedTime(restartedAt);
            // Every lease the dead host held was taken (or renewed at its call's start) before the kill, so all have
            // lapsed one lease period after the kill; recovery then needs at most one recovery interval to see them and a
            // provider round trip (plus a poll) to send the never-started ones again. That is the acceptance checkpoint.
            // The count at exactly one lease period is printed as well: leases are lapsing at that very instant.
            var checkpoint = lease + RecoveryInterval + PollInterval + 2 * latency;
            var samples = new List<(TimeSpan SinceKill, long NotFinal)>();
            TimeSpan? drainedAfter = null;
            await using (var reader = await PipelineHost.OpenReaderAsync(db))
            {
                while (true)
                {
                    second.ThrowIfExited();
                    var notFinal = await reader.ExecuteScalarAsync<long>($"SELECT count(*) FROM sms_messages WHERE {PipelineHost.NotFinalWhere};");
                    var sinceKill = Stopwatch.GetElapsedTime(killedAt);
                    samples.Add((sinceKill, notFinal));
                    drainedAfter ??= notFinal == 0 ? sinceKill : null;
                    if ((sinceKill > checkpoint && drainedAfter is not null) || sinceKill > 4 * lease)
                    {
                        break;
                    }

                    await Task.Delay(100, deadline.Token);
                }
            }

            // The last sample taken at or before a point (the first one if none).
            long At(TimeSpan point) => samples.LastOrDefault(x => x.SinceKill <= point, samples[0]).NotFinal;
            var notFinalAtLease = At(lease);
            var notFinalAfterLease = samples.First(x => x.SinceKill > checkpoint).NotFinal;

            // Nothing more is sent after the pipeline drained; give a late create (a bug) a moment to show.
            await Task.Delay(latency * 3, deadline.Token);
            second.Kill();
            Console.WriteLine($"  log lines with a warning or failure: host 1 {first.Warnings}, host 2 {second.Warnings} (the first {Child.EchoedWarnings} of each shown)");
            return await CheckAsync(db, mock, messages, acceptedCount, killedAt, readyAfter, notFinalAtLease, notFinalAfterLease, drainedAfter, lease, checkpoint);
        }
        finally
        {
            first?.Dispose();
            second?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans its temporary folder.
            }
        }
    }

    private static async Task<int> CheckAsync(string db, MockProviderServer mock, int messages, int accepted, long killedAt, TimeSpan readyAfter, long notFinalAtLease, long notFinalAfterLease, TimeSpan? drainedAfter, TimeSpan lease, TimeSpan checkpoint)
    {
        await using var reader = await PipelineHost.OpenReaderAsync(db);
        var rows = (await reader.QueryAsync<(string To, string Status, string? ProviderMessageId, string? ErrorCode, long Attempts)>(
            "SELECT to_number, status, provider_message_id, error_code, attempts FROM sms_messages WHERE direction = 'outbound';")).ToList();
        var notFinal = await reader.ExecuteScalarAsync<long>($"SELECT count(*) FROM sms_messages WHERE {PipelineHost.NotFinalWhere};");

        int sentBeforeKill = 0, sentAfterRestart = 0, unknownReceived = 0, unknownNotReceived = 0, wrongId = 0, otherOutcome = 0, maxCreates = 0;
        foreach (var row in rows)
        {
            var creates = mock.CreatesByRecipient.TryGetValue(row.To, out var c) ? c.ToArray() : [];
            maxCreates = Math.Max(maxCreates, creates.Length);
            if (row.ProviderMessageId is { } sid)
            {
                if (creates.Length != 1 || creates[0].Sid != sid)
                {
                    wrongId++;
                }
                else if (creates[0].ReceivedAt > killedAt)
                {
                    sentAfterRestart++;
                }
                else
                {
                    sentBeforeKill++;
                }
            }
            else if (row.Status == "failed" && row.ErrorCode == "outcome_unknown")
            {
                if (creates.Length > 0)
                {
                    unknownReceived++;
                }
                else
                {
                    unknownNotReceived++;
                }
            }
            else
            {
                otherOutcome++;
            }
        }

        var createsTotal = mock.CreatesByRecipient.Values.Sum(q => q.Count);
        var ok = accepted == messages && rows.Count == accepted && maxCreates <= 1 && notFinalAfterLease == 0 && notFinal == 0 && wrongId == 0 && otherOutcome == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  host 2 ready {readyAfter.TotalSeconds:0.0} s after the restart; pipeline drained {(drainedAfter is { } d ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "never")} after the kill"));
        Console.WriteLine($"  messages accepted: {accepted}; rows: {rows.Count} {(accepted == messages && rows.Count == accepted ? "OK" : "FAILED")}");
        Console.WriteLine($"  provider creates: {createsTotal} for {mock.CreatesByRecipient.Count} messages; most for one message: {maxCreates} {(maxCreates <= 1 ? "OK (<= 1)" : "FAILED")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  rows not final {lease.TotalSeconds:0} s (one lease period) after the kill: {notFinalAtLease} (leases lapsing); {checkpoint.TotalSeconds:0.0} s after (lease + recovery interval + poll + 2 provider round trips): {notFinalAfterLease}; at the end: {notFinal} {(notFinalAfterLease == 0 && notFinal == 0 ? "OK" : "FAILED")}"));
        Console.WriteLine($"  outcomes: sent before the kill {sentBeforeKill}, sent after the restart {sentAfterRestart}, failed/outcome_unknown {unknownReceived + unknownNotReceived} " +
            $"({unknownReceived} reached the provider, {unknownNotReceived} had their call started but never arrived), other {otherOutcome}, provider id not the one answered {wrongId} {(wrongId == 0 && otherOutcome == 0 ? "OK" : "FAILED")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT accepted={accepted} rows={rows.Count} creates={createsTotal} max_creates_per_message={maxCreates} not_final_at_lease={notFinalAtLease} not_final_after_lease={notFinalAfterLease} not_final_end={notFinal} sent_before_kill={sentBeforeKill} sent_after_restart={sentAfterRestart} outcome_unknown={unknownReceived + unknownNotReceived} other={otherOutcome} wrong_id={wrongId} {(ok ? "OK" : "FAILED")}"));
        return ok ? 0 : 1;
    }

    private static string Field(string line, string name) =>
        line.Split(' ').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>A child process running this program's <c>crash host</c>; its output is echoed and scanned for lines.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly SemaphoreSlim _newLine = new(0);

        public const int EchoedWarnings = 3;
        private int _warnings;

        private Child(Process process) => _process = process;

        public int Id => _process.Id;

        /// <summary>Warning and failure lines the host logged.</summary>
        public int Warnings => Volatile.Read(ref _warnings);

        public static Child Start(IReadOnlyList<string> args)
        {
            // Run the same program the same way: through the dotnet host with the assembly, or as its own executable.
            var self = Environment.ProcessPath!;
            var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.Ordinal))
            {
                info.ArgumentList.Add(typeof(CrashCommand).Assembly.Location);
            }

            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            var child = new Child(Process.Start(info) ?? throw new InvalidOperationException("The host process did not start."));
            child._process.OutputDataReceived += (_, e) => child.Received(e.Data, echo: false);
            child._process.ErrorDataReceived += (_, e) => child.Received(e.Data, echo: true);
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            return child;
        }

        private void Received(string? line, bool echo)
        {
            if (line is null)
            {
                return;
            }

            // Standard error always; warnings and failures (one per recovered message) the first few, then counted.
            var warning = line.Contains("warn", StringComparison.OrdinalIgnoreCase) || line.Contains("fail", StringComparison.OrdinalIgnoreCase);
            if (echo || (warning && Interlocked.Increment(ref _warnings) <= EchoedWarnings))
            {
                Console.WriteLine($"    [host {_process.Id}] {line}");
            }

            lock (_lines)
            {
                _lines.Add(line);
            }

            _newLine.Release();
        }

        public async Task<string> WaitForLineAsync(string prefix, CancellationToken cancellationToken)
        {
            while (true)
            {
                lock (_lines)
                {
                    if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
                    {
                        return line;
                    }
                }

                ThrowIfExited();
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }

        public void ThrowIfExited()
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host process {_process.Id} exited with code {_process.ExitCode}.");
            }
        }

        /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Unix), then waits for the process to be gone.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
            _newLine.Dispose();
        }
    }
}
