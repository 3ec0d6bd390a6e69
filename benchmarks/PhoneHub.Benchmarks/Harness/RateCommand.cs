using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Messaging;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// Rate harness: 300 single-segment messages queued as one bulk send through one sender whose config allows 10
/// segments a second (<c>PhoneConfig.SendRate</c>), in a generic host with the background dispatcher, against a mock
/// that answers at once. Measured end to end, from the bulk call until every message has its provider id. The sender's
/// bucket holds one second of sends, so the first 10 go at once and the other 290 at 10 a second: about 29 s. Target:
/// between 29 s and 33 s. Also prints the most creates the mock saw in any one-second window after the first second.
/// </summary>
internal static class RateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var messages = PipelineHost.Option(args, "--messages", 300);
        var rate = PipelineHost.Option(args, "--rate", 10);
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-rate", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "phonehub.db");
        try
        {
            await using var mock = await MockProviderServer.StartAsync();
            using var host = PipelineHost.Build(db, mock.BaseUrl, new Dictionary<string, string> { ["PollInterval"] = "00:00:00.250" });
            await host.StartAsync();
            await PipelineHost.AddLiveConfigAsync(host, sendRate: rate);
            var sms = host.Services.GetRequiredService<ISmsService>();
            var numbers = BenchNumbers.UsMobiles(messages, offset: 60_000);
            var requests = numbers.Select((n, i) => new SendSmsRequest { To = n, Body = "Rate harness " + i.ToString(CultureInfo.InvariantCulture) }).ToList();
            if (requests.Any(r => SmsEncoding.CountSegments(r.Body) != 1))
            {
                throw new InvalidOperationException("Every message must be one segment.");
            }

            var started = Stopwatch.GetTimestamp();
            var bulk = await sms.SendManyAsync(requests);
            var enqueued = Stopwatch.GetElapsedTime(started);
            long done;
            await using (var reader = await PipelineHost.OpenReaderAsync(db))
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(messages / (double)rate * 3 + 30));
                while ((done = await reader.ExecuteScalarAsync<long>("SELECT count(*) FROM sms_messages WHERE direction = 'outbound' AND provider_message_id IS NOT NULL;")) < bulk.MessageIds.Count)
                {
                    await Task.Delay(20, deadline.Token);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            await host.StopAsync();

            // The pace as the provider saw it: creates per one-second window, after the bucket's first second.
            var times = mock.CreatesByRecipient.Values.SelectMany(q => q).Select(c => Stopwatch.GetElapsedTime(started, c.ReceivedAt).TotalSeconds).Order().ToArray();
            var maxWindow = 0;
            for (int i = 0, j = 0; i < times.Length; i++)
            {
                while (times[i] - times[j] >= 1.0)
                {
                    j++;
                }

                if (times[j] >= 1.0)
                {
                    maxWindow = Math.Max(maxWindow, i - j + 1);
                }
            }

            var perSecond = times.GroupBy(t => (int)t).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Count()}"));
            var maxCreates = mock.CreatesByRecipient.Values.Max(q => q.Count);
            var seconds = elapsed.TotalSeconds;
            var met = seconds is >= 29 and <= 33;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rate harness: {messages} single-segment messages as one bulk send, one sender at {rate} segments/s, mock answers at once"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  accepted {bulk.MessageIds.Count} (bulk call returned after {enqueued.TotalSeconds:0.00} s), sent {done}, provider creates {times.Length} (most for one message {maxCreates})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first create {times.First():0.00} s, last {times.Last():0.00} s after the bulk call; most creates in any 1 s window after the first second: {maxWindow}"));
            Console.WriteLine($"  creates per second after the bulk call (second:count): {string.Join(' ', perSecond)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  end to end: {seconds:0.00} s (target 29-33 s) {(met ? "MET" : "MISSED")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT seconds={seconds:0.00} accepted={bulk.MessageIds.Count} sent={done} creates={times.Length} max_per_second={maxWindow} {(met && maxCreates == 1 ? "OK" : "FAILED")}"));
            return met && maxCreates == 1 && done == messages ? 0 : 1;
        }
        finally
        {
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
}
