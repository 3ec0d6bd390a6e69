using Dapper;
using Microsoft.Data.Sqlite;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Stores;

/// <summary>
/// Group commit: writes waiting at the same time share one transaction, each in a savepoint of its own, and each caller
/// is answered only after the commit that holds its write.
/// </summary>
public class SqliteGroupCommitTests
{
    private TempSqliteDatabase _db = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = new TempSqliteDatabase();
        await _db.Database.WriteAsync((c, t) => c.ExecuteAsync("CREATE TABLE notes (n INTEGER NOT NULL UNIQUE);", transaction: t));
    }

    [TearDown]
    public void TearDown() => _db.Dispose();

    private long CountOnAFreshConnection()
    {
        using var connection = new SqliteConnection(_db.ConnectionString + ";Pooling=False");
        connection.Open();
        return connection.ExecuteScalar<long>("SELECT count(*) FROM notes;");
    }

    // Holds the writer inside a first write until released, so the writes that follow queue up behind it.
    private async Task<(Task First, TaskCompletionSource Release)> HoldTheWriterAsync()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _db.Database.WriteAsync(async (c, t) =>
        {
            running.SetResult();
            await release.Task;
            return await c.ExecuteAsync("INSERT INTO notes (n) VALUES (-1);", transaction: t);
        });
        await running.Task;
        return (first, release);
    }

    [Test]
    public async Task WriteAsync_ConcurrentWrites_ShareOneCommit()
    {
        var (first, release) = await HoldTheWriterAsync();
        var before = _db.Database.Commits;

        var writes = Enumerable.Range(0, 50).Select(i => _db.Database.WriteAsync((c, t) => c.ExecuteAsync("INSERT INTO notes (n) VALUES (@i);", new { i }, t))).ToList();
        Assert.That(writes.Any(w => w.IsCompleted), Is.False, "no caller is answered before its commit");
        release.SetResult();
        await first;
        await Task.WhenAll(writes);

        Assert.Multiple(() =>
        {
            Assert.That(_db.Database.Commits - before, Is.EqualTo(2), "the held write's commit, then one for all fifty");
            Assert.That(CountOnAFreshConnection(), Is.EqualTo(51), "answered means committed");
        });
    }

    [Test]
    public async Task WriteAsync_OneWriteFailsInAGroup_OnlyThatWriteIsUndone()
    {
        var (first, release) = await HoldTheWriterAsync();

        var good = Enumerable.Range(0, 10).Select(i => _db.Database.WriteAsync(async (c, t) =>
        {
            // Two statements per write: a failure after the first must undo the first too.
            await c.ExecuteAsync("INSERT INTO notes (n) VALUES (@n);", new { n = i * 2 }, t);
            return await c.ExecuteAsync("INSERT INTO notes (n) VALUES (@n);", new { n = (i * 2) + 1 }, t);
        })).ToList();
        var bad = _db.Database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("INSERT INTO notes (n) VALUES (1000);", transaction: t);
            return await c.ExecuteAsync("INSERT INTO notes (n) VALUES (0);", transaction: t);
        });
        release.SetResult();
        await first;
        await Task.WhenAll(good);

        Assert.ThrowsAsync<SqliteException>(() => bad);
        Assert.Multiple(() =>
        {
            Assert.That(CountOnAFreshConnection(), Is.EqualTo(21));
            using var connection = new SqliteConnection(_db.ConnectionString + ";Pooling=False");
            connection.Open();
            Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM notes WHERE n = 1000;"), Is.Zero, "the failed write's first statement is gone");
        });
    }

    [Test]
    public async Task WriteAsync_CanceledWhileWaiting_NeverRuns()
    {
        var (first, release) = await HoldTheWriterAsync();
        using var cts = new CancellationTokenSource();
        var ran = false;

        var canceled = _db.Database.WriteAsync((c, t) =>
        {
            ran = true;
            return c.ExecuteAsync("INSERT INTO notes (n) VALUES (5);", transaction: t);
        }, cts.Token);
        await cts.CancelAsync();
        release.SetResult();
        await first;

        Assert.That(async () => await canceled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(ran, Is.False);
        Assert.That(CountOnAFreshConnection(), Is.EqualTo(1));
    }
}
