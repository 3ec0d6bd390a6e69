using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneHub.Stores.Sqlite;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Stores;

public class SqliteDurabilityTests
{
    [TestCase(SqliteDurability.Normal, 1)]
    [TestCase(SqliteDurability.Full, 2)]
    public async Task OpenAsync_EveryPooledConnection_HasTheConfiguredSynchronousSetting(SqliteDurability durability, long expected)
    {
        using var temp = new TempSqliteDatabase();
        using var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions { ConnectionString = temp.ConnectionString, Durability = durability }),
            NullLogger<SqliteDatabase>.Instance);

        // Several connections at once (new handles) and then again (handles back from the pool).
        for (var round = 0; round < 2; round++)
        {
            var connections = new List<Microsoft.Data.Sqlite.SqliteConnection>();
            for (var i = 0; i < 3; i++)
            {
                connections.Add(await database.OpenAsync());
            }

            foreach (var connection in connections)
            {
                Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA synchronous;"), Is.EqualTo(expected));
                await connection.DisposeAsync();
            }
        }
    }

    [Test]
    public void Durability_Default_IsNormal() =>
        Assert.That(new SqliteStoreOptions().Durability, Is.EqualTo(SqliteDurability.Normal));
}
