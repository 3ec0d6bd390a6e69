using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneHub.Stores.ContractTests;
using PhoneHub.Stores.Sqlite;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Stores;

/// <summary>The store contract on the SQLite default, a fresh database file for each test.</summary>
public class SqliteStoreContractTests : StoreContractTests
{
    // Deleted in DestroyStoresAsync, which the contract's [TearDown] calls.
#pragma warning disable NUnit1032
    private TempSqliteDatabase _db = null!;
#pragma warning restore NUnit1032

    protected override Task CreateStoresAsync()
    {
        _db = new TempSqliteDatabase();
        Numbers = new SqlitePhoneNumberStore(_db.Database);
        Messages = new SqliteSmsStore(_db.Database);
        Configs = new SqlitePhoneConfigStore(_db.Database);
        return Task.CompletedTask;
    }

    protected override Task DestroyStoresAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Test]
    public async Task Migrate_RunTwiceAndFromAnotherInstance_IsIdempotent()
    {
        Assert.That(await _db.Database.MigrateAsync(), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));
        Assert.That(await _db.Database.MigrateAsync(), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));
        await Numbers.UpsertAsync(new PhoneHub.Lookup.PhoneNumber { E164 = "+14155551234", Created = T0, Modified = T0 });

        using var second = new SqliteDatabase(Options.Create(new SqliteStoreOptions { ConnectionString = _db.ConnectionString }), NullLogger<SqliteDatabase>.Instance);
        Assert.That(await second.MigrateAsync(), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));

        await using var connection = new SqliteConnection(_db.ConnectionString);
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM phonehub_schema_version"), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM phone_numbers"), Is.EqualTo(1), "data survives re-migration");
        Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task Migrate_ConcurrentFirstUse_AppliesOnce()
    {
        var dbs = Enumerable.Range(0, 4)
            .Select(_ => new SqliteDatabase(Options.Create(new SqliteStoreOptions { ConnectionString = _db.ConnectionString }), NullLogger<SqliteDatabase>.Instance))
            .ToArray();
        await Task.WhenAll(dbs.Select(d => Task.Run(() => d.MigrateAsync())));
        foreach (var d in dbs)
        {
            d.Dispose();
        }

        await using var connection = new SqliteConnection(_db.ConnectionString);
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM phonehub_schema_version"), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));
    }

    [Test]
    public async Task Migrate_DatabaseFromNewerVersion_RefusesWithClearError()
    {
        await _db.Database.MigrateAsync();
        await using (var connection = new SqliteConnection(_db.ConnectionString))
        {
            await connection.ExecuteAsync("INSERT INTO phonehub_schema_version (version, applied_at) VALUES (999, 0)");
        }

        using var newer = new SqliteDatabase(Options.Create(new SqliteStoreOptions { ConnectionString = _db.ConnectionString }), NullLogger<SqliteDatabase>.Instance);
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => newer.MigrateAsync())!;
        Assert.That(ex.Message, Does.Contain("999"));
    }

    [Test]
    public async Task ActiveConfigIndex_RejectsTwoActiveConfigsInOneGroupAtTheDatabaseLevel()
    {
        await _db.Database.MigrateAsync();
        await using var connection = new SqliteConnection(_db.ConnectionString);
        const string insert = "INSERT INTO phone_configs (group_id, name, is_active, provider, lookup_enabled, lookup_cache_days, test_mode, created, modified) VALUES (NULL, 'x', 1, 'twilio', 1, 30, 1, 0, 0)";
        await connection.ExecuteAsync(insert);
        Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(insert));
    }
}
