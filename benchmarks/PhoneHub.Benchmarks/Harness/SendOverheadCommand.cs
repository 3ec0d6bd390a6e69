using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Configuration;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// Send overhead: <see cref="IPhoneHub.SendSmsAsync(string, string, string?, string?, CancellationToken)"/> through
/// PhoneHub's Twilio provider against a local mock of Twilio's Messages endpoint, beside a raw <see cref="HttpClient"/> POST loop to the same endpoint with the
/// same body, at the same concurrency. Rounds alternate (baseline, PhoneHub) so drift on a shared machine hits both;
/// throughput is the median of the rounds. Target: PhoneHub / raw at least 0.7.
/// </summary>
internal static class SendOverheadCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var concurrency = Option(args, "--concurrency", 16);
        var perRound = Option(args, "--messages", 2_000);
        var rounds = Option(args, "--rounds", 5);
        var latency = TimeSpan.FromMilliseconds(Option(args, "--latency-ms", 0));
        // Pacing is a deliberate wait (a long code sends about one segment a second), not overhead: it is off unless a
        // rate is given, which then applies to the config's sender (at most 10,000 segments a second).
        var sendRate = Option(args, "--send-rate", 0);

        await using var mock = await MockProviderServer.StartAsync();
        // PhoneHub's own Twilio provider, pointed at the mock; a live config with stored (encrypted) credentials.
        using var host = BenchHost.Create(
            configureBuilder: b => b.AddTwilio(o => o.ApiBaseUrl = mock.BaseUrl),
            configureServices: s => s.Configure<SmsDispatchOptions>(o => o.PaceSenders = sendRate > 0));
        var config = await host.AddDefaultConfigAsync(provider: PhoneProviders.Twilio, testMode: false, sendRate: sendRate > 0 ? sendRate : null);
        var hub = host.Hub;
        await hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio(MockProviderServer.AccountSid, MockProviderServer.AuthToken));
        var numbers = BenchNumbers.UsMobiles(1_000, offset: 20_000);

        using var raw = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(MockProviderServer.AccountSid + ":" + MockProviderServer.AuthToken)));
        long sequence = 0;

        async Task RawSend()
        {
            var n = Interlocked.Increment(ref sequence);
            using var message = new HttpRequestMessage(HttpMethod.Post, mock.MessagesUrl)
            {
                Content = new FormUrlEncodedContent([new("To", numbers[n % numbers.Length]), new("From", "+14155550100"), new("Body", "Bench message " + n.ToString(CultureInfo.InvariantCulture))]),
            };
            message.Headers.Authorization = authorization;
            using var response = await raw.SendAsync(message);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var json = await JsonDocument.ParseAsync(stream);
            _ = json.RootElement.GetProperty("sid").GetString();
        }

        async Task HubSend()
        {
            var n = Interlocked.Increment(ref sequence);
            var sent = await hub.SendSmsAsync(numbers[n % numbers.Length], "Bench message " + n.ToString(CultureInfo.InvariantCulture));
            if (sent.ProviderMessageId is null)
            {
                throw new InvalidOperationException($"Send {sent.Id} failed: {sent.ErrorCode} {sent.ErrorMessage}");
            }
        }

        // 1. Proof that each message is stored (queued, its provider call recorded as started) before the provider is
        // called: the mock looks for it.
        await using (var check = await host.OpenRawAsync())
        {
            mock.Check = async form => await check.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM sms_messages WHERE direction = 'outbound' AND status = 'queued' AND body = @body AND provider_message_id IS NULL AND call_started_at IS NOT NULL AND attempts = 1;",
                new { body = form["Body"].ToString() }) == 1;
            await RunAsync(HubSend, 200, 1);
            mock.Check = null;
        }

        var stored = mock.CheckFailures == 0;
        Console.WriteLine($"persisted before the provider call: {200 - mock.CheckFailures}/200 {(stored ? "OK" : "FAILED")}");

        // 2. Warm both paths, then alternate measured rounds.
        mock.Latency = latency;
        await RunAsync(RawSend, perRound / 2, concurrency);
        await RunAsync(HubSend, perRound / 2, concurrency);
        var rawRates = new List<double>();
        var hubRates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            rawRates.Add(await RunAsync(RawSend, perRound, concurrency));
            hubRates.Add(await RunAsync(HubSend, perRound, concurrency));
        }

        var rawMedian = Median(rawRates);
        var hubMedian = Median(hubRates);
        var ratio = hubMedian / rawMedian;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"send overhead, {concurrency} concurrent, {rounds} rounds of {perRound} messages each, mock answers after {latency.TotalMilliseconds:0} ms, pacing {(sendRate > 0 ? sendRate.ToString(CultureInfo.InvariantCulture) + " segments/s" : "off")}:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  raw HttpClient POST: median {rawMedian:0} msg/s (rounds {string.Join(", ", rawRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  PhoneHub SendSmsAsync (insert, provider call, update): median {hubMedian:0} msg/s (rounds {string.Join(", ", hubRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio PhoneHub / raw = {ratio:0.00} (target >= 0.70) {(ratio >= 0.7 ? "MET" : "MISSED")}"));

        // 3. Every PhoneHub send left one row with the provider's id.
        await using var connection = await host.OpenRawAsync();
        var rows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sms_messages WHERE direction = 'outbound';");
        var unfinished = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sms_messages WHERE direction = 'outbound' AND provider_message_id IS NULL;");
        var expected = 200 + perRound / 2 + (long)perRound * rounds;
        var consistent = rows == expected && unfinished == 0;
        Console.WriteLine($"  stored outbound rows: {rows} (expected {expected}), without a provider id: {unfinished} {(consistent ? "OK" : "FAILED")}");
        return stored && consistent ? 0 : 1;
    }

    /// <summary>Runs <paramref name="count"/> operations, <paramref name="concurrency"/> at a time; returns operations per second.</summary>
    private static async Task<double> RunAsync(Func<Task> operation, int count, int concurrency)
    {
        var remaining = count;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await operation();
            }
        })));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
