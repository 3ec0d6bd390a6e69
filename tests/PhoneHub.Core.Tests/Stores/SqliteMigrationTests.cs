using Dapper;
using Microsoft.Data.Sqlite;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Stores.Sqlite;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Stores;

/// <summary>A database made by the first schema version (as the previous release wrote it) opens and migrates without losing data.</summary>
public class SqliteMigrationTests
{
    private TempSqliteDatabase _db = null!;

    [SetUp]
    public void SetUp() => _db = new TempSqliteDatabase();

    [TearDown]
    public void TearDown() => _db.Dispose();

    [Test]
    public async Task Migrate_FromVersion1_MovesProviderColumnsIntoSettingsAndIdentities()
    {
        await using (var connection = new SqliteConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
            await connection.ExecuteAsync("CREATE TABLE phonehub_schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL);");
            await connection.ExecuteAsync(SqliteSchema.Migrations[0]);
            await connection.ExecuteAsync("INSERT INTO phonehub_schema_version VALUES (1, 0);");
            const string insert = """
                INSERT INTO phone_configs (group_id, name, is_active, provider, twilio_from_number, twilio_messaging_service_sid, aws_region,
                    aws_sender_id, aws_origination_number, lookup_enabled, lookup_cache_days, test_mode, credentials, created, modified)
                VALUES (@g, @n, @a, @p, @tf, @mg, @r, @s, @o, 1, 30, 0, @c, 1000, 2000);
                """;
            await connection.ExecuteAsync(insert, new { g = "acme", n = "twilio", a = 1, p = "twilio", tf = "+14155550100", mg = "MG0123456789abcdef0123456789abcdef", r = (string?)null, s = (string?)null, o = (string?)null, c = new byte[] { 1, 2, 3 } });
            await connection.ExecuteAsync(insert, new { g = (string?)null, n = "aws", a = 1, p = "aws", tf = (string?)null, mg = (string?)null, r = "eu-west-1", s = "ACME", o = "+14155550200", c = (byte[]?)null });
            await connection.ExecuteAsync(insert, new { g = "globex", n = "same number", a = 1, p = "twilio", tf = "+14155550100", mg = (string?)null, r = "us-east-1", s = (string?)null, o = (string?)null, c = (byte[]?)null });
            await connection.ExecuteAsync("""
                INSERT INTO sms_messages (group_id, config_id, direction, to_number, body, status, provider, provider_message_id, segments, is_test, created, modified)
                VALUES ('acme', 1, 'outbound', '+14155551234', 'kept', 'delivered', 'twilio', 'SM1', 1, 0, 1000, 1000);
                INSERT INTO phone_numbers (phone_number, carrier, lookup_provider, lookup_count, created, modified) VALUES ('+14155551234', 'Kept Carrier', 'twilio', 2, 1000, 1000);
                """);
        }

        Assert.That(await _db.Database.MigrateAsync(), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));

        var configs = new SqlitePhoneConfigStore(_db.Database);
        var twilio = (await configs.GetAsync(1))!;
        Assert.That(twilio.Settings, Is.EquivalentTo(new Dictionary<string, string> { ["from_number"] = "+14155550100", ["messaging_service_sid"] = "MG0123456789abcdef0123456789abcdef" }));
        Assert.That(twilio.Identities, Is.EquivalentTo(new[]
        {
            new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100"),
            new ProviderIdentity(ProviderIdentityKinds.MessagingService, "MG0123456789abcdef0123456789abcdef"),
        }));
        Assert.That(twilio.HasCredentials, Is.True);
        Assert.That(await configs.GetCredentialsAsync(1), Is.EqualTo(new byte[] { 1, 2, 3 }), "credentials untouched");
        Assert.That(twilio.IsActive, Is.True);
        Assert.That(twilio.Created, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1000)));

        var aws = (await configs.GetAsync(2))!;
        Assert.That(aws.Settings, Is.EquivalentTo(new Dictionary<string, string> { ["region"] = "eu-west-1", ["sender_id"] = "ACME", ["origination_number"] = "+14155550200" }));
        Assert.That((await configs.FindByIdentityAsync(new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550200")))!.Id, Is.EqualTo(2));

        // The newer claim of an already held number is deactivated (nothing of it is lost); an unused column is kept under its old name.
        var duplicate = (await configs.GetAsync(3))!;
        Assert.That(duplicate.IsActive, Is.False);
        Assert.That(duplicate.Settings, Is.EquivalentTo(new Dictionary<string, string> { ["from_number"] = "+14155550100", ["aws_region"] = "us-east-1" }));
        Assert.That((await configs.FindByIdentityAsync(new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100")))!.Id, Is.EqualTo(1));

        var message = (await new SqliteSmsStore(_db.Database).FindByProviderIdAsync("twilio", "SM1"))!;
        Assert.That(message.Body, Is.EqualTo("kept"));
        Assert.That(message.ProviderAccount, Is.Null);
        Assert.That((await new SqlitePhoneNumberStore(_db.Database).FindAsync("+14155551234"))!.Carrier, Is.EqualTo("Kept Carrier"));

        Assert.That(await _db.Database.MigrateAsync(), Is.EqualTo(SqliteDatabase.CurrentSchemaVersion), "idempotent");
    }
}
