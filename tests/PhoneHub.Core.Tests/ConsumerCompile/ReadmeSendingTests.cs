// The README's "Sending at scale" snippet, compiled and run: if this file changes, change the README with it.
using Microsoft.Extensions.DependencyInjection;
using PhoneHub;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Stores.Sqlite;

namespace Contoso.Sending;

[NonParallelizable]
public class ReadmeSendingTests
{
    [Test]
    public async Task Sending_RunsAsWritten()
    {
        var path = Path.Combine(Path.GetTempPath(), $"phonehub-readme-{Guid.NewGuid():N}.db");
        try
        {
            var services = new ServiceCollection();
            services.AddPhoneHub(o => o.DefaultRegion = "US").UseSqlite($"Data Source={path}");
            await using var provider = services.BuildServiceProvider();
            var hub = provider.GetRequiredService<IPhoneHub>();
            await hub.Configs.CreateAsync(new PhoneConfig { Name = "Default", TestMode = true, IsActive = true });
            using var output = new StringWriter();
            var console = Console.Out;
            Console.SetOut(output);
            try
            {
                // --- README sending ---
                // A retried request with the same key returns the first message and never sends twice.
                var receipt = await hub.Messages.EnqueueAsync(
                    new SendSmsRequest { To = "+14155551234", Body = "Your order shipped", IdempotencyKey = "order-1042-shipped" });

                // Scheduled: stored now, sent when due; cancelable until a dispatcher takes it.
                var reminder = await hub.Messages.EnqueueAsync(
                    new SendSmsRequest { To = "+14155551234", Body = "Appointment tomorrow 9:30", SendAt = DateTimeOffset.UtcNow.AddHours(20) });
                await hub.Messages.CancelAsync(reminder.Id);

                // Bulk: each row is checked on its own; refused rows are reported, the others queued as one batch.
                using var csv = new StringReader("to,body\n+14155551234,Hi Ann\n+14155551235,Hi Bob\n");
                var batch = await hub.Messages.SendManyAsync(SmsCsv.Read(csv));
                await hub.Messages.DispatchDueAsync();                     // only where no host runs the dispatcher
                var progress = await hub.Messages.GetBatchAsync(batch.Batch.Id);
                Console.WriteLine($"{receipt.Status} {progress!.Dispatched}/{progress.Enqueued} sent, {batch.Rejected.Count} refused");
                // --- end ---

                var again = await hub.Messages.EnqueueAsync(
                    new SendSmsRequest { To = "+14155551234", Body = "Your order shipped", IdempotencyKey = "order-1042-shipped" });
                Assert.Multiple(async () =>
                {
                    Assert.That(again.Id, Is.EqualTo(receipt.Id));
                    Assert.That((await hub.Messages.GetAsync(receipt.Id))!.Status, Is.EqualTo(SmsStatus.Sent));
                    Assert.That((await hub.Messages.GetAsync(reminder.Id))!.Status, Is.EqualTo(SmsStatus.Canceled));
                    Assert.That(output.ToString().Trim(), Is.EqualTo("Queued 2/2 sent, 0 refused"));
                });
            }
            finally
            {
                Console.SetOut(console);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Test]
    public void Readme_ShowsThisCodeWordForWord()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var section = readme[readme.IndexOf("## Sending at scale: scheduled, bulk and idempotent sends", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var shown = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];

        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "PhoneHub.Core.Tests", "ConsumerCompile", "ReadmeSendingTests.cs")).ReplaceLineEndings("\n");
        var from = source.IndexOf("// --- README sending ---\n", StringComparison.Ordinal) + "// --- README sending ---\n".Length;
        var to = source.IndexOf("                // --- end ---", from, StringComparison.Ordinal);
        var run = string.Join("\n", source[from..to].Split('\n').Select(line => line.Length >= 16 ? line[16..] : line.TrimStart()));

        Assert.That(shown, Is.EqualTo(run));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests run inside the repository.");
    }
}
