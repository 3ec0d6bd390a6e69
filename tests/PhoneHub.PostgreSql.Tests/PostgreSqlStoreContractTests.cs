using Dapper;
using Npgsql;
using PhoneHub.PostgreSql.Tests.Infrastructure;
using PhoneHub.Stores.ContractTests;
using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.PostgreSql.Tests;

/// <summary>The store contract on PostgreSQL, a freshly migrated schema for each test.</summary>
public class PostgreSqlStoreContractTests : StoreContractTests
{
    // Dropped in DestroyStoresAsync, which the contract's [TearDown] calls.
#pragma warning disable NUnit1032
    private TempPostgresSchema _schema = null!;
#pragma warning restore NUnit1032

    protected override async Task CreateStoresAsync()
    {
        _schema = TempPostgresSchema.Create();
        await _schema.Database.MigrateAsync();
        Numbers = new PostgreSqlPhoneNumberStore(_schema.Database);
        Messages = new PostgreSqlSmsStore(_schema.Database);
        Configs = new PostgreSqlPhoneConfigStore(_schema.Database);
    }

    protected override async Task DestroyStoresAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }

    [Test]
    public async Task ActiveConfigIndex_RejectsTwoActiveConfigsInOneGroupAtTheDatabaseLevel()
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync();
        var insert = $"INSERT INTO {_schema.Quoted}.phone_configs (group_id, name, is_active, provider, lookup_enabled, lookup_cache_days, test_mode, created, modified) VALUES (NULL, 'x', true, 'twilio', true, 30, true, now(), now())";
        await connection.ExecuteAsync(insert);
        var ex = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(insert))!;
        Assert.That(ex.SqlState, Is.EqualTo(PostgresErrorCodes.UniqueViolation));
        Assert.That(ex.ConstraintName, Is.EqualTo("ux_phone_configs_active"));
    }

    [Test]
    public async Task IdentityIndex_RejectsTwoActiveHoldersAtTheDatabaseLevel()
    {
        await using var connection = await _schema.DataSource.OpenConnectionAsync();
        var configs = $"INSERT INTO {_schema.Quoted}.phone_configs (group_id, name, is_active, provider, lookup_enabled, lookup_cache_days, test_mode, created, modified) VALUES (@g, 'x', true, 'twilio', true, 30, true, now(), now()) RETURNING id";
        var identity = $"INSERT INTO {_schema.Quoted}.phone_config_identities (config_id, kind, value, is_active) VALUES (@id, 'phone_number', '+14155550100', @active)";
        var a = await connection.ExecuteScalarAsync<long>(configs, new { g = "a" });
        var b = await connection.ExecuteScalarAsync<long>(configs, new { g = "b" });
        await connection.ExecuteAsync(identity, new { id = a, active = true });
        var ex = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(identity, new { id = b, active = true }))!;
        Assert.That(ex.ConstraintName, Is.EqualTo("ux_phone_config_identities_active"));
        await connection.ExecuteAsync(identity, new { id = b, active = false });
    }
}
