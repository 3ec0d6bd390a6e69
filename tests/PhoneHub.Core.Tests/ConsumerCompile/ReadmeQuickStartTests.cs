// The README's quick start, compiled and run: if this file changes, change the README with it.
using Microsoft.Extensions.DependencyInjection;
using PhoneHub;
using PhoneHub.Configuration;
using PhoneHub.Stores.Sqlite;

namespace Contoso.QuickStart;

[NonParallelizable]
public class ReadmeQuickStartTests
{
    [Test]
    public async Task QuickStart_RunsAsWritten()
    {
        var path = Path.Combine(Path.GetTempPath(), $"phonehub-readme-{Guid.NewGuid():N}.db");
        try
        {
            // --- README quick start ---
            var services = new ServiceCollection();
            services.AddPhoneHub(o => o.DefaultRegion = "US")
                    .UseSqlite($"Data Source={path}");
            await using var provider = services.BuildServiceProvider();
            var hub = provider.GetRequiredService<IPhoneHub>();

            // A system-default config in test mode: messages are recorded, nothing is sent.
            await hub.Configs.CreateAsync(new PhoneConfig { Name = "Default", TestMode = true, IsActive = true });

            var e164 = Phone.Normalize("(415) 555-1234");               // "+14155551234", no setup needed
            var message = await hub.SendSmsAsync(e164, "Hello from PhoneHub");
            var number = await hub.LookupAsync(e164);                  // cached for lookup_cache_days
            Console.WriteLine($"{message.Id} {message.Status} {number.LineType}");
            // --- end ---

            Assert.That(e164, Is.EqualTo("+14155551234"));
            Assert.That(message.Status, Is.EqualTo(PhoneHub.Messaging.SmsStatus.Sent));
            Assert.That(number.E164, Is.EqualTo(e164));
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
}
