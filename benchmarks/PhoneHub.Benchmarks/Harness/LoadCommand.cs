using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// The load generator behind <c>benchmarks/load/run.sh</c>: closed-loop HTTP/1.1 clients on loopback, one request in
/// flight per connection.
/// <list type="bullet">
/// <item><c>load ping --base URL</c>: <c>GET /ping</c>.</item>
/// <item><c>load webhook --base URL --token T --account AC.. --to +1..</c>: signed Twilio inbound webhooks with unique
/// MessageSids, every <c>--dup-every</c>th one repeating an earlier Sid (a provider retry).</item>
/// <item><c>load check --db FILE --prefix P --expect N</c>: stored rows with that Sid prefix equal the distinct Sids
/// that were answered 200, and no Sid is stored twice.</item>
/// </list>
/// Runs for <c>--seconds</c> (after <c>--warmup</c> seconds not counted) or until <c>--count</c> requests; prints one
/// <c>RESULT key=value ...</c> line.
/// </summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var options = Options.Parse(args.Skip(1).ToArray());
        return mode switch
        {
            "ping" => await RunLoadAsync(options, webhook: false),
            "webhook" => await RunLoadAsync(options, webhook: true),
            "check" => Check(options),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: load ping|webhook --base http://127.0.0.1:PORT [--connections 32] [--seconds 10] [--warmup 2] [--count N] [--token T --account AC.. --to +1.. --prefix P --dup-every 10]; load check --db FILE --prefix P --expect N");
        return 2;
    }

    private static async Task<int> RunLoadAsync(Options o, bool webhook)
    {
        var baseUrl = o.Get("--base").TrimEnd('/');
        var connections = o.Int("--connections", 32);
        var seconds = o.Int("--seconds", 10);
        var warmup = o.Int("--warmup", 0);
        var count = o.Int("--count", 0);
        var dupEvery = o.Int("--dup-every", 10);
        var prefix = o.Get("--prefix", "SMload");
        var token = webhook ? o.Get("--token") : "";
        var account = webhook ? o.Get("--account") : "";
        var to = webhook ? o.Get("--to") : "";
        var webhookUrl = baseUrl + "/api/phonehub/sms/webhook/twilio";
        var pingUrl = new Uri(baseUrl + "/ping");

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        long issued = 0;
        var accepted = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        long sent = 0, ok = 0, failed = 0, errors = 0, measuredOk = 0;
        var latencies = new ConcurrentBag<List<long>>();
        var stopwatch = Stopwatch.StartNew();
        var measureFrom = TimeSpan.FromSeconds(warmup);
        var until = count > 0 ? TimeSpan.MaxValue : measureFrom + TimeSpan.FromSeconds(seconds);
        var measureEnd = TimeSpan.Zero;

        HttpRequestMessage Build(out string? sid)
        {
            if (!webhook)
            {
                sid = null;
                return new HttpRequestMessage(HttpMethod.Get, pingUrl);
            }

            var n = Interlocked.Increment(ref issued);
            // A provider retry: the same Sid as a request a few before this one.
            var id = dupEvery > 0 && n % dupEvery == 0 && n > 5 ? n - 5 : n;
            sid = prefix + id.ToString("D20", CultureInfo.InvariantCulture);
            var parameters = new List<KeyValuePair<string, string>>
            {
                new("AccountSid", account),
                new("ApiVersion", "2010-04-01"),
                new("Body", "Load test message " + id.ToString(CultureInfo.InvariantCulture)),
                new("From", "+1415" + (2_000_000 + (id % 7_000_000)).ToString(CultureInfo.InvariantCulture)),
                new("MessageSid", sid),
                new("NumMedia", "0"),
                new("NumSegments", "1"),
                new("SmsMessageSid", sid),
                new("SmsSid", sid),
                new("SmsStatus", "received"),
                new("To", to),
            };
            var body = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.Add(TwilioRequestValidator.SignatureHeader, TwilioRequestValidator.ComputeSignature(webhookUrl, parameters, token));
            return request;
        }

        async Task Worker()
        {
            var mine = new List<long>(65_536);
            latencies.Add(mine);
            while (true)
            {
                var elapsed = stopwatch.Elapsed;
                if (elapsed >= until)
                {
                    return;
                }

                if (count > 0 && Interlocked.Increment(ref sent) > count)
                {
                    return;
                }

                using var request = Build(out var sid);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    var took = Stopwatch.GetTimestamp() - started;
                    var measured = count > 0 || elapsed >= measureFrom;
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref ok);
                        if (sid is not null)
                        {
                            accepted.TryAdd(sid, 0);
                        }

                        if (measured)
                        {
                            Interlocked.Increment(ref measuredOk);
                            mine.Add(took);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                catch (TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(Worker)));
        measureEnd = stopwatch.Elapsed;
        var window = count > 0 ? measureEnd : measureEnd - measureFrom;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)] * 1000.0 / Stopwatch.Frequency;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode={(webhook ? "webhook" : "ping")} connections={connections} seconds={window.TotalSeconds:0.00} ok={ok} non2xx={failed} errors={errors} " +
            $"measured_ok={measuredOk} rps={measuredOk / window.TotalSeconds:0} p50_ms={Percentile(0.50):0.000} p99_ms={Percentile(0.99):0.000} " +
            $"distinct_accepted={accepted.Count} prefix={prefix}"));
        return failed == 0 && errors == 0 ? 0 : 1;
    }

    private static int Check(Options o)
    {
        var db = o.Get("--db");
        var prefix = o.Get("--prefix");
        var expect = long.Parse(o.Get("--expect"), CultureInfo.InvariantCulture);
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*), count(DISTINCT provider_message_id) FROM sms_messages
            WHERE direction = 'inbound' AND provider = 'twilio' AND substr(provider_message_id, 1, length($prefix)) = $prefix;
            """;
        command.Parameters.AddWithValue("$prefix", prefix);
        using var reader = command.ExecuteReader();
        reader.Read();
        var rows = reader.GetInt64(0);
        var distinct = reader.GetInt64(1);
        var lost = expect - distinct;
        var duplicates = rows - distinct;
        var ok = lost == 0 && duplicates == 0 && rows == expect;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode=check prefix={prefix} accepted_distinct={expect} rows={rows} lost={lost} duplicate_rows={duplicates} {(ok ? "OK" : "FAILED")}"));
        return ok ? 0 : 1;
    }

    private sealed class Options(Dictionary<string, string> values)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                values[args[i]] = args[i + 1];
            }

            return new Options(values);
        }

        public string Get(string name, string? fallback = null) =>
            values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"{name} is required.");

        public int Int(string name, int fallback) =>
            values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
    }
}
