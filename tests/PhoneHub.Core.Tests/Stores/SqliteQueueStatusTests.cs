using Microsoft.Extensions.Logging.Abstractions;
using PhoneHub.Messaging;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Stores;

/// <summary>What the SQLite store counts as waiting in the send queue (the health check's and the gauges' view).</summary>
public sealed class SqliteQueueStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static SmsEnqueue Due(string to, DateTimeOffset dueAt, SmsAttempt? attempt = null) =>
        new(new SmsMessage { To = to, Body = "queued", Status = SmsStatus.Queued, Segments = 1, Created = dueAt, Modified = dueAt }, dueAt) { Attempt = attempt };

    [Test]
    public async Task GetQueueStatusAsync_MixedQueue_CountsDueMessagesWithoutAProviderCall()
    {
        using var db = new TempSqliteDatabase();
        ISmsStore store = new SqliteSmsStore(db.Database);

        await store.EnqueueAsync(Due("+14155550001", Now.AddMinutes(-7)));
        await store.EnqueueAsync(Due("+14155550002", Now.AddMinutes(-1)));
        await store.EnqueueAsync(Due("+14155550003", Now.AddHours(1)));                                                  // scheduled
        await store.EnqueueAsync(Due("+14155550004", Now.AddMinutes(-30), new SmsAttempt("other", "t1", Now.AddMinutes(5)))); // being sent
        var claimed = await store.ClaimDueAsync("me", Now, Now.AddMinutes(5), limit: 1);                                    // waits for its turn

        var status = await store.GetQueueStatusAsync(Now);

        Assert.That(claimed, Has.Count.EqualTo(1));
        Assert.That(status, Is.EqualTo(new SmsQueueStatus(2, Now.AddMinutes(-7))));
        Assert.That(status.OldestAge(Now), Is.EqualTo(TimeSpan.FromMinutes(7)));
    }

    [Test]
    public async Task GetQueueStatusAsync_NothingDue_ZeroAndNoOldest()
    {
        using var db = new TempSqliteDatabase();
        ISmsStore store = new SqliteSmsStore(db.Database);
        await store.EnqueueAsync(Due("+14155550003", Now.AddHours(1)));

        var status = await store.GetQueueStatusAsync(Now);

        Assert.That(status, Is.EqualTo(new SmsQueueStatus(0, null)));
        Assert.That(status.OldestAge(Now), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task GetSchemaStatusAsync_BeforeAndAfterMigration_ReportsVersionsAndChangesNothing()
    {
        using var db = new TempSqliteDatabase();
        var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new SqliteStoreOptions { ConnectionString = db.ConnectionString }), NullLogger<SqliteDatabase>.Instance);

        var before = await database.GetSchemaStatusAsync();
        var again = await database.GetSchemaStatusAsync();
        await database.MigrateAsync();
        var after = await database.GetSchemaStatusAsync();
        database.Dispose();

        Assert.That(before, Is.EqualTo(new PhoneHubSchemaStatus(0, SqliteDatabase.CurrentSchemaVersion)));
        Assert.That(again, Is.EqualTo(before));
        Assert.That(after, Is.EqualTo(new PhoneHubSchemaStatus(SqliteDatabase.CurrentSchemaVersion, SqliteDatabase.CurrentSchemaVersion)));
        Assert.That(after!.IsCurrent, Is.True);
    }
}
