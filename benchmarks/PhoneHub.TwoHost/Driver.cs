using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;

namespace PhoneHub.TwoHost;

/// <summary>
/// The checks of the two-host harness. Every figure comes from the two places that cannot be fooled by either host:
/// the counting mock (what reached "Twilio") and the shared PostgreSQL database (what was stored).
/// </summary>
internal static class Driver
{
    private const int Webhooks = 2_000;
    private const int Messages = 2_000;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(150);
    private static bool s_allHeld = true;

    /// <summary>Migrates the shared database and stores the one Twilio config (with credentials and send rate) both hosts use.</summary>
    public static async Task<int> SetupAsync(Options options)
    {
        await using var services = BuildPhoneHub(options);
        await services.MigratePhoneHubAsync();
        var hub = services.GetRequiredService<IPhoneHub>();
        var config = (await hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "twohost",
            Provider = PhoneProviders.Twilio,
            IsActive = true,
            TestMode = false,
            Settings = new Dictionary<string, string> { ["from_number"] = Deployment.OwnNumber },
            LookupEnabled = true,
            LookupCacheDays = 30,
            SendRate = Deployment.SendRate,
        })).Config;
        await hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio(Deployment.AccountSid, Deployment.AuthToken));
        Console.WriteLine($"setup: config {config.Id}, twilio, sender {Deployment.OwnNumber}, send rate {Deployment.SendRate} msg/s per sender");
        return 0;
    }

    public static async Task<int> RunAsync(Options options)
    {
        var hosts = options.Get("--hosts").Split(',');
        var killPid = int.Parse(options.Get("--kill-pid"), CultureInfo.InvariantCulture);
        var mockPort = new Uri(options.Get("--mock")).Port;
        await using var mock = await MockTwilio.StartAsync(mockPort);
        await using var services = BuildPhoneHub(options);
        await using var database = NpgsqlDataSource.Create(options.Get("--postgres"));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 }) { Timeout = TimeSpan.FromSeconds(60) };
        var run = Random.Shared.Next(0x1000_0000, int.MaxValue).ToString("x8", CultureInfo.InvariantCulture);
        Console.WriteLine($"drive: run {run}, hosts {string.Join(" ", hosts)}, mock Twilio on 127.0.0.1:{mockPort}");

        var counters = await DbCounters.ReadAsync(database);
        await WebhooksAsync(http, hosts, database, run);
        counters = await DbCounters.PrintAsync(database, counters, "webhooks", Webhooks);
        await LookupsAsync(http, hosts, mock);
        counters = await DbCounters.PrintAsync(database, counters, "lookups", 1_064);
        var hub = services.GetRequiredService<IPhoneHub>();
        await DispatchAsync(hub, mock, database, $"th{run}-1-", killPid: null);
        counters = await DbCounters.PrintAsync(database, counters, "dispatch", Messages);

        // Capacity: the same queue with the sender's rate lifted, so both hosts dispatch as fast as they can.
        var config = await hub.Configs.ResolveAsync(null);
        await hub.Configs.UpdateAsync(config with { SendRate = 10_000 });
        await Task.Delay(TimeSpan.FromSeconds(6)); // past the hosts' config cache, whether or not the invalidation arrived
        counters = await DbCounters.ReadAsync(database);
        await DispatchAsync(hub, mock, database, $"th{run}-3-", killPid: null, capacity: true);
        await DbCounters.PrintAsync(database, counters, "capacity", Messages);
        await hub.Configs.UpdateAsync((await hub.Configs.ResolveAsync(null)) with { SendRate = Deployment.SendRate });
        await Task.Delay(TimeSpan.FromSeconds(6));
        // A slow provider for the kill, so that host a has calls in flight when it dies (about 25 at 50 msg/s).
        mock.SendLatency = TimeSpan.FromMilliseconds(500);
        counters = await DbCounters.ReadAsync(database);
        await DispatchAsync(hub, mock, database, $"th{run}-2-", killPid);
        await DbCounters.PrintAsync(database, counters, "kill", Messages);

        Console.WriteLine(s_allHeld ? "RESULT all held" : "RESULT some checks did NOT hold (see FAIL lines)");
        return s_allHeld ? 0 : 1;
    }

    // 1. Signed inbound webhooks, alternating between the hosts; every 10th repeats the previous Sid, sent to the other
    // host while the first delivery is likely still in flight there (16 at a time).
    private static async Task WebhooksAsync(HttpClient http, string[] hosts, NpgsqlDataSource database, string run)
    {
        var sids = new string[Webhooks];
        for (var i = 0; i < Webhooks; i++)
        {
            sids[i] = i % 10 == 9 ? sids[i - 1] : "SM" + run + i.ToString("x24", CultureInfo.InvariantCulture);
        }

        var distinct = sids.Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var statuses = new int[Webhooks];
        var started = Stopwatch.GetTimestamp();
        await ForEachAsync(Webhooks, 16, async i =>
        {
            var url = hosts[i % 2] + "/api/phonehub/sms/webhook/twilio";
            var parameters = new List<KeyValuePair<string, string>>
            {
                new("MessageSid", sids[i]),
                new("SmsMessageSid", sids[i]),
                new("AccountSid", Deployment.AccountSid),
                new("From", Numbers.At(500_000 + (i % 97))),
                new("To", Deployment.OwnNumber),
                new("Body", "inbound " + sids[i]),
                new("NumMedia", "0"),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(parameters) };
            request.Headers.Add(TwilioRequestValidator.SignatureHeader, TwilioRequestValidator.ComputeSignature(url, parameters, Deployment.AuthToken));
            using var response = await http.SendAsync(request);
            statuses[i] = (int)response.StatusCode;
        });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        await using var connection = await database.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<string>(
            "SELECT provider_message_id FROM phonehub.sms_messages WHERE provider = 'twilio' AND provider_message_id LIKE @prefix;",
            new { prefix = "SM" + run + "%" })).ToList();
        var rows = stored.Count;
        var storedDistinct = stored.Distinct(StringComparer.Ordinal).Count();
        var lost = distinct.Count(s => !stored.Contains(s, StringComparer.Ordinal));
        var non200 = statuses.Count(s => s != 200);
        Console.WriteLine($"webhooks: {Webhooks} signed Twilio inbound webhooks, alternating hosts, every 10th repeating the previous MessageSid, 16 concurrent, {seconds:0.0} s");
        Check($"  distinct Sids {distinct.Count}, rows {rows}, duplicates {rows - storedDistinct}, lost {lost}, non-200 answers {non200}",
            rows == distinct.Count && rows == storedDistinct && lost == 0 && non200 == 0);
    }

    // 2. One provider lookup per number across both hosts.
    private static async Task LookupsAsync(HttpClient http, string[] hosts, MockTwilio mock)
    {
        var offset = Random.Shared.Next(0, 400_000);
        var one = Numbers.At(offset);
        var carriers = new string[64];
        await ForEachAsync(64, 64, async i => carriers[i] = await LookupAsync(http, hosts[i % 2], one));
        var calls = mock.Lookups.Where(p => Numbers.Same(p.Key, one)).Sum(p => p.Value);
        Console.WriteLine($"lookups: 64 concurrent lookups of one uncached number, 32 to each host, mock provider answers after {mock.LookupLatency.TotalMilliseconds:0} ms");
        Check($"  provider calls {calls} (expected 1), answers with the provider's carrier {carriers.Count(c => c == "Mock Wireless")}/64",
            calls == 1 && carriers.All(c => c == "Mock Wireless"));

        var numbers = Enumerable.Range(offset + 1, 100).Select(Numbers.At).ToArray();
        var order = Enumerable.Range(0, 1_000).ToArray();
        new Random(11).Shuffle(order);
        var answered = 0;
        await ForEachAsync(order.Length, 32, async k =>
        {
            var i = order[k];
            if (await LookupAsync(http, hosts[k % 2], numbers[i % 100]) == "Mock Wireless")
            {
                Interlocked.Increment(ref answered);
            }
        });
        var total = mock.Lookups.Where(p => numbers.Any(n => Numbers.Same(p.Key, n))).Sum(p => p.Value);
        Console.WriteLine("lookups: 1,000 lookups over 100 uncached numbers (10 each, shuffled), alternating hosts, 32 concurrent");
        Check($"  provider calls {total} (expected 100), answered {answered}/1000", total == 100 && answered == 1_000);
    }

    private static async Task<string> LookupAsync(HttpClient http, string host, string number)
    {
        using var response = await http.PostAsync(host + "/harness/lookup?number=" + Uri.EscapeDataString(number), null);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : $"HTTP {(int)response.StatusCode}";
    }

    // 3 and 4. Messages enqueued through the public API, dispatched by both hosts' background dispatchers; with a pid,
    // that host is killed with SIGKILL once half of them reached the provider.
    private static async Task DispatchAsync(IPhoneHub hub, MockTwilio mock, NpgsqlDataSource database, string prefix, int? killPid, bool capacity = false)
    {
        var requests = Enumerable.Range(0, Messages)
            .Select(i => new SendSmsRequest { To = Numbers.At(600_000 + i), Body = prefix + i.ToString("D5", CultureInfo.InvariantCulture) })
            .ToList();
        var started = Stopwatch.GetTimestamp();
        var bulk = await hub.Messages.SendManyAsync(requests);
        var enqueueSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        int Reached() => mock.Sends.Count(s => s.Body.StartsWith(prefix, StringComparison.Ordinal));

        long? killedAt = null;
        var sentBeforeKill = 0;
        if (killPid is { } pid)
        {
            await WaitAsync(() => Task.FromResult(Reached() >= Messages / 2));
            // Process.Kill sends SIGKILL on Linux: no shutdown code of the host runs.
            using (var process = Process.GetProcessById(pid))
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            killedAt = Stopwatch.GetTimestamp();
            sentBeforeKill = Reached();
        }

        await using var connection = await database.OpenConnectionAsync();
        var bodyPrefix = new { prefix = prefix + "%" };
        const string Open = "SELECT count(*) FROM phonehub.sms_messages WHERE body LIKE @prefix AND provider_message_id IS NULL AND status NOT IN ('failed', 'canceled');";
        var finished = await WaitAsync(async () => await connection.ExecuteScalarAsync<long>(Open, bodyPrefix) == 0);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a late duplicate would arrive now
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var rows = (await connection.QueryAsync<(string Body, string Status, string? ProviderMessageId, string? ErrorCode)>(
            "SELECT body, status, provider_message_id, error_code FROM phonehub.sms_messages WHERE body LIKE @prefix;", bodyPrefix)).ToList();
        var sends = mock.Sends.Where(s => s.Body.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var perBody = sends.GroupBy(s => s.Body, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int CallsOf(string body) => perBody.TryGetValue(body, out var n) ? n : 0;

        var accepted = rows.Where(r => r.ProviderMessageId is not null).ToList();
        var unknown = rows.Where(r => r.ProviderMessageId is null && r.ErrorCode == "outcome_unknown").ToList();
        var otherFailed = rows.Where(r => r.ProviderMessageId is null && r.ErrorCode != "outcome_unknown" && r.Status is "failed" or "canceled").ToList();
        var open = rows.Count - accepted.Count - unknown.Count - otherFailed.Count;
        var twice = perBody.Count(p => p.Value > 1);
        var acceptedNotOnce = accepted.Count(r => CallsOf(r.Body) != 1);
        var unknownReached = unknown.Count(r => CallsOf(r.Body) == 1);
        var byHost = sends.GroupBy(s => s.Host).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");

        var title = killPid is null ? "dispatch" : "kill";
        Console.WriteLine(capacity
            ? $"capacity: {Messages} messages enqueued ({enqueueSeconds:0.0} s, {Messages / enqueueSeconds:0} rows/s), the sender's rate lifted to 10,000 msg/s, dispatched by both hosts (mock answers after {mock.SendLatency.TotalMilliseconds:0} ms), {seconds:0.0} s"
            : killPid is null
            ? $"dispatch: {Messages} messages enqueued with SendManyAsync ({enqueueSeconds:0.0} s, {bulk.Rejected.Count} rejected), dispatched by both hosts to the counting mock (answers after {mock.SendLatency.TotalMilliseconds:0} ms), {seconds:0.0} s"
            : $"kill: {Messages} more messages, the mock answering after {mock.SendLatency.TotalMilliseconds:0} ms; host a killed with SIGKILL when {sentBeforeKill} had reached the provider; host b finished the queue, {seconds:0.0} s in all");
        Console.WriteLine($"  provider calls by host: {string.Join(", ", byHost)}");
        Check($"  rows {rows.Count}, accepted by the provider {accepted.Count}, outcome_unknown {unknown.Count} (of which reached the mock {unknownReached}), other failures {otherFailed.Count}, still open {open}{(finished ? "" : " (timed out)")}",
            rows.Count == Messages && open == 0 && otherFailed.Count == 0 && (killPid is not null || unknown.Count == 0));
        Check($"  sent twice {twice}, accepted rows not called exactly once {acceptedNotOnce}, provider calls {sends.Count}",
            twice == 0 && acceptedNotOnce == 0);
        if (killPid is not null && otherFailed.Count > 0)
        {
            Console.WriteLine("  other failures: " + string.Join(", ", otherFailed.GroupBy(r => r.ErrorCode).Select(g => $"{g.Key ?? "none"} {g.Count()}")));
        }

        // The rate both hosts together kept for the one sender: calls over the span from the first to the last.
        var times = sends.Select(s => s.At).Order().ToArray();
        if (times.Length > 1)
        {
            var span = Stopwatch.GetElapsedTime(times[0], times[^1]).TotalSeconds;
            var rate = (times.Length - 1) / span;
            var peak = BusiestSecond(times, 0);

            // The limiter lets a sender burst one second's worth on top of its rate (GCRA), so the first second may
            // see up to twice the rate; after it, any second should hold the rate.
            var steady = BusiestSecond(times, times[0] + (2 * Stopwatch.Frequency));

            var limit = Deployment.SendRate;
            if (capacity)
            {
                Console.WriteLine($"  capacity: both hosts together dispatched {rate:0.0} msg/s over {span:0.0} s, busiest 1-second window {peak}");
            }
            else if (killPid is null)
            {
                Check($"  {title} rate, both hosts together, one sender: {rate:0.0} msg/s over {span:0.0} s (limit {limit:0} msg/s, +10% = {limit * 1.1:0}), busiest 1-second window {peak} (burst allowance {limit:0}), after the first 2 s {steady}",
                    rate <= limit * 1.1);
            }
            else
            {
                Console.WriteLine($"  {title} rate, one sender: {rate:0.0} msg/s over {span:0.0} s (limit {limit:0} msg/s), busiest 1-second window {peak}, after the first 2 s {steady}" +
                    (killedAt is { } k ? $"; after the kill host a made {sends.Count(s => s.Host == "a" && s.At > k)} calls" : ""));
            }
        }
    }

    /// <summary>The most calls in any one-second span starting at or after <paramref name="from"/> (Stopwatch ticks).</summary>
    private static int BusiestSecond(long[] times, long from)
    {
        var peak = 0;
        for (int lo = 0, hi = 0; hi < times.Length; hi++)
        {
            while (lo < hi && (times[hi] - times[lo] >= Stopwatch.Frequency || times[lo] < from))
            {
                lo++;
            }

            if (times[lo] >= from)
            {
                peak = Math.Max(peak, hi - lo + 1);
            }
        }

        return peak;
    }

    private static ServiceProvider BuildPhoneHub(Options options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPhoneHub(o => o.EncryptionKey = Deployment.EncryptionKey)
            .AddTwilio(o =>
            {
                var mock = new Uri(options.Get("--mock").TrimEnd('/') + "/driver");
                o.ApiBaseUrl = mock;
                o.LookupsBaseUrl = mock;
            })
            .UsePostgreSql(options.Get("--postgres"))
            .UseRedis(options.Get("--redis"), o => o.KeyPrefix = Deployment.RedisPrefix);
        return services.BuildServiceProvider();
    }

    private static void Check(string line, bool held)
    {
        Console.WriteLine((held ? "OK   " : "FAIL ") + line.TrimStart());
        s_allHeld &= held;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> done)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(PhaseTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!await done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }

    private static Task ForEachAsync(int count, int concurrency, Func<int, Task> body)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await body(i);
            }
        })));
    }
}

/// <summary>PostgreSQL's own counters for the database (all clients: both hosts, their idle polling, and the driver's checks).</summary>
internal sealed record DbCounters(long Commits, long Inserted, long Updated, long Fetched)
{
    public static async Task<DbCounters> ReadAsync(NpgsqlDataSource database)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // backends report their counters about once a second
        await using var connection = await database.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(long, long, long, long)>(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_fetched FROM pg_stat_database WHERE datname = current_database();");
        return new DbCounters(row.Item1, row.Item2, row.Item3, row.Item4);
    }

    public static async Task<DbCounters> PrintAsync(NpgsqlDataSource database, DbCounters before, string phase, int operations)
    {
        var after = await ReadAsync(database);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  database, {phase}, per operation ({operations}): commits {(after.Commits - before.Commits) / (double)operations:0.00}, rows inserted {(after.Inserted - before.Inserted) / (double)operations:0.00}, updated {(after.Updated - before.Updated) / (double)operations:0.00}, fetched {(after.Fetched - before.Fetched) / (double)operations:0.0}"));
        return after;
    }
}

/// <summary>Deterministic valid US numbers (415-2xx-xxxx and up: the exchange digit must be 2-9).</summary>
internal static class Numbers
{
    public static string At(int n) =>
        "+1415" + (200 + (n / 10_000 % 800)).ToString(CultureInfo.InvariantCulture) + (n % 10_000).ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>Whether a number as the mock saw it in a URL path is <paramref name="e164"/>.</summary>
    public static bool Same(string seen, string e164) => Uri.UnescapeDataString(seen).TrimStart('+') == e164.TrimStart('+');
}
