using Dapper;
using Npgsql;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.PostgreSql.Tests.Infrastructure;
using PhoneHub.Stores.ContractTests;
using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.PostgreSql.Tests;

/// <summary>The versioned migrations: where they put things, how often they run, and what they refuse.</summary>
public class PostgreSqlMigrationTests
{
    private static readonly string[] Tables = ["phone_config_identities", "phone_configs", "phone_numbers", "phonehub_schema_version", "sms_batches", "sms_messages", "sms_status_reports"];

    private readonly List<TempPostgresSchema> _schemas = [];

    private TempPostgresSchema NewSchema(string prefix = "phonehub_test_")
    {
        var schema = TempPostgresSchema.Create(prefix);
        _schemas.Add(schema);
        return schema;
    }

    [TearDown]
    public async Task DropSchemas()
    {
        foreach (var schema in _schemas)
        {
            await schema.DisposeAsync();
        }

        _schemas.Clear();
    }

    [Test]
    public async Task Migrate_FreshSchema_CreatesEveryObjectInsideTheSchemaAndRecordsEachVersion()
    {
        var schema = NewSchema();
        Assert.That(await schema.Database.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion));

        await using var connection = await schema.DataSource.OpenConnectionAsync();
        var tables = await connection.QueryAsync<string>("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = @s ORDER BY tablename", new { s = schema.Name });
        Assert.That(tables, Is.EqualTo(Tables));
        var elsewhere = await connection.QueryAsync<string>(
            "SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'phonehub%' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND c.relname = ANY(@names)",
            new { names = Tables });
        Assert.That(elsewhere, Is.Empty, "nothing is created outside the schema");
        var versions = await connection.QueryAsync<(int Version, string Name)>($"SELECT version, name FROM {schema.Quoted}.phonehub_schema_version ORDER BY version");
        Assert.That(versions, Is.EqualTo(PostgreSqlSchema.Migrations.Select(m => (m.Version, m.Name))));
        Assert.That(versions.First(), Is.EqualTo((1, "0001_initial")));
    }

    [Test]
    public async Task Migrate_RunTwiceAndFromAnotherInstance_IsIdempotent()
    {
        var schema = NewSchema();
        Assert.That(await schema.Database.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion));
        await new PostgreSqlPhoneNumberStore(schema.Database).UpsertAsync(new Lookup.PhoneNumber { E164 = "+14155551234", Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch });
        Assert.That(await schema.Database.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion));
        await using (var second = schema.NewDatabase())
        {
            Assert.That(await second.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion));
        }

        await using var connection = await schema.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.phonehub_schema_version"), Is.EqualTo(PostgreSqlSchema.CurrentVersion));
        Assert.That(await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.phone_numbers"), Is.EqualTo(1), "data survives re-migration");
    }

    [Test]
    public async Task Migrate_FourInstancesStartingAtOnce_ApplyEachVersionOnce()
    {
        var schema = NewSchema();
        var instances = Enumerable.Range(0, 4).Select(_ => schema.NewDatabase()).ToArray();
        var versions = await Concurrently.RunAsync(instances.Length, i => instances[i].MigrateAsync());
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        Assert.That(versions, Is.All.EqualTo(PostgreSqlSchema.CurrentVersion));
        await using var connection = await schema.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.phonehub_schema_version"), Is.EqualTo(PostgreSqlSchema.CurrentVersion));
    }

    [Test]
    public async Task Migrate_DatabaseNewerThanThisBuild_RefusesWithClearError()
    {
        var schema = NewSchema();
        await schema.Database.MigrateAsync();
        await using (var connection = await schema.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"INSERT INTO {schema.Quoted}.phonehub_schema_version (version, name) VALUES (999, '0999_future')");
        }

        await using var newer = schema.NewDatabase();
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => newer.MigrateAsync())!;
        Assert.That(ex.Message, Does.Contain("version 999").And.Contain(schema.Name).And.Contain("Upgrade PhoneHub"));
    }

    [Test]
    public async Task Migrate_FromEachEarlierVersion_ReachesTheCurrentVersion()
    {
        for (var version = 1; version <= PostgreSqlSchema.CurrentVersion; version++)
        {
            var schema = NewSchema();
            Assert.That(await schema.Database.MigrateToAsync(version, CancellationToken.None), Is.EqualTo(version));
            Assert.That(await schema.Database.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion), $"from version {version}");
            await using var connection = await schema.DataSource.OpenConnectionAsync();
            Assert.That(
                await connection.QueryAsync<int>($"SELECT version FROM {schema.Quoted}.phonehub_schema_version ORDER BY version"),
                Is.EqualTo(Enumerable.Range(1, PostgreSqlSchema.CurrentVersion)));
        }
    }

    /// <summary>
    /// Rows written as schema version 1 holds them (raw SQL, as the first release's stores wrote them) are read by the
    /// current stores after migrating. With one version the migration is a no-op; a second version makes this the upgrade test.
    /// </summary>
    [Test]
    public async Task Migrate_DatabaseAtVersion1WithData_KeepsEveryRowReadable()
    {
        var schema = NewSchema();
        await schema.Database.MigrateToAsync(1, CancellationToken.None);
        await using (var connection = await schema.DataSource.OpenConnectionAsync())
        {
            var s = schema.Quoted;
            await connection.ExecuteAsync($$"""
                INSERT INTO {{s}}.phone_configs (id, group_id, name, is_active, provider, settings, lookup_enabled, lookup_cache_days, test_mode, credentials, created, modified)
                VALUES (1, 'acme', 'twilio', true, 'twilio', '{"from_number": "+14155550100"}', true, 30, false, '\x010203', '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z');
                INSERT INTO {{s}}.phone_config_identities (config_id, kind, value, is_active) VALUES (1, 'phone_number', '+14155550100', true);
                INSERT INTO {{s}}.sms_messages (group_id, config_id, direction, to_number, body, media_urls, status, provider, provider_message_id, metadata, segments, price, is_test, created, modified)
                VALUES ('acme', 1, 'outbound', '+14155551234', 'kept', ARRAY['https://example.com/a.png'], 'delivered', 'twilio', 'SM1', '{"order": "42"}', 1, -0.0079, false, '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z');
                INSERT INTO {{s}}.sms_messages (group_id, config_id, direction, to_number, body, status, provider, segments, is_test, created, modified)
                VALUES ('acme', 1, 'outbound', '+14155551234', 'died mid-call', 'queued', 'twilio', 1, false, '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z');
                INSERT INTO {{s}}.phone_numbers (phone_number, carrier, lookup_provider, lookup_count, created, modified) VALUES ('+14155551234', 'Kept Carrier', 'twilio', 2, '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z');
                INSERT INTO {{s}}.sms_status_reports (provider, provider_message_id, status, received_at) VALUES ('twilio', 'SM2', 'sent', '2026-03-01T12:00:00Z');
                SELECT setval(pg_get_serial_sequence('{{s}}.phone_configs', 'id'), 1);
                """);
        }

        Assert.That(await schema.Database.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion));

        var configs = new PostgreSqlPhoneConfigStore(schema.Database);
        var config = (await configs.GetAsync(1))!;
        Assert.That(config.Settings, Is.EquivalentTo(new Dictionary<string, string> { ["from_number"] = "+14155550100" }));
        Assert.That(config.Identities, Is.EqualTo(new[] { new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100") }));
        Assert.That(config.HasCredentials, Is.True);
        Assert.That(await configs.GetCredentialsAsync(1), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(config.Created, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.That((await configs.FindByIdentityAsync(new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100")))!.Id, Is.EqualTo(1));
        var next = await configs.InsertAsync(new PhoneConfig { Name = "next", Group = "globex", Created = config.Created, Modified = config.Modified });
        Assert.That(next.Config.Id, Is.EqualTo(2), "ids continue after the existing rows");

        var messages = new PostgreSqlSmsStore(schema.Database);
        var message = (await messages.FindByProviderIdAsync("twilio", "SM1"))!;
        Assert.That(message.Body, Is.EqualTo("kept"));
        Assert.That(message.MediaUrls, Is.EqualTo(new[] { "https://example.com/a.png" }));
        Assert.That(message.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["order"] = "42" }));
        Assert.That(message.Price, Is.EqualTo(-0.0079m));
        Assert.That(message.ProviderAccount, Is.Null);
        Assert.That((message.Attempts, message.SendAt, message.IdempotencyKey, message.BatchId), Is.EqualTo((0, (DateTimeOffset?)null, (string?)null, (long?)null)), "pipeline columns of a message from version 1");
        Assert.That((config.FallbackConfigId, config.SendRate, config.AccountSendRate), Is.EqualTo(((long?)null, (double?)null, (double?)null)));

        // Version 1 sent inside the request: a row still queued without a provider id died during the provider call,
        // which may have been accepted, so version 2 makes it final as "outcome unknown" and never hands it to a dispatcher.
        var stuck = (await messages.ListAsync(new Stores.SmsQuery { AllGroups = true })).Items.Single(m => m.Body == "died mid-call");
        Assert.That((stuck.Status, stuck.ErrorCode), Is.EqualTo((Messaging.SmsStatus.Failed, (string?)"outcome_unknown")));
        var now = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
        Assert.That(await messages.ClaimDueAsync("host-a", now, now.AddMinutes(5), 10), Is.Empty);
        Assert.That(await messages.NextDueAsync(), Is.Null);
        Assert.That((await messages.TakePendingStatusesAsync("twilio", "SM2")).Single().Status, Is.EqualTo(Messaging.SmsStatus.Sent));
        Assert.That((await new PostgreSqlPhoneNumberStore(schema.Database).FindAsync("+14155551234"))!.Carrier, Is.EqualTo("Kept Carrier"));
    }

    [Test]
    public async Task Migrate_MixedCaseSchemaName_IsCreatedWithExactlyThatName()
    {
        var schema = NewSchema("PhoneHub_Test_");
        await schema.Database.MigrateAsync();
        await new PostgreSqlPhoneNumberStore(schema.Database).UpsertAsync(new Lookup.PhoneNumber { E164 = "+14155551234", Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch });

        await using var connection = await schema.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = @s", new { s = schema.Name }), Is.EqualTo(1));
        Assert.That(await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.phone_numbers"), Is.EqualTo(1));
    }

    [Test]
    public async Task Migrate_AlreadyMigratedSchema_NeedsNoDdlPrivilege()
    {
        var schema = NewSchema();
        await schema.Database.MigrateAsync();
        var role = "phonehub_test_app_" + Guid.NewGuid().ToString("N");
        await using (var admin = await schema.DataSource.OpenConnectionAsync())
        {
            // An application role that may read and write PhoneHub's rows but create nothing.
            await admin.ExecuteAsync($"""
                CREATE ROLE "{role}" LOGIN;
                GRANT USAGE ON SCHEMA {schema.Quoted} TO "{role}";
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema.Quoted} TO "{role}";
                GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema.Quoted} TO "{role}";
                """);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { Username = role };
            await using var appSource = NpgsqlDataSource.Create(builder.ConnectionString);
            await using var app = new PostgreSqlDatabase(
                Microsoft.Extensions.Options.Options.Create(new PostgreSqlStoreOptions { DataSource = appSource, Schema = schema.Name }),
                Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            Assert.That(await app.MigrateAsync(), Is.EqualTo(PostgreSqlSchema.CurrentVersion));
            var stored = await new PostgreSqlSmsStore(app).InsertAsync(new Messaging.SmsMessage { To = "+14155551234", Body = "hi", Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch });
            Assert.That(stored.Id, Is.GreaterThan(0));

            await using var admin = await schema.DataSource.OpenConnectionAsync();
            await admin.ExecuteAsync($"DELETE FROM {schema.Quoted}.phonehub_schema_version WHERE version = @v", new { v = PostgreSqlSchema.CurrentVersion });
            var ex = Assert.ThrowsAsync<InvalidOperationException>(() => app.MigrateAsync())!;
            Assert.That(ex.Message, Does.Contain("could not migrate").And.Contain(schema.Name), "a pending migration without the privilege fails, naming the schema");
            Assert.That(ex.InnerException, Is.InstanceOf<PostgresException>());
        }
        finally
        {
            await using var admin = await schema.DataSource.OpenConnectionAsync();
            await admin.ExecuteAsync($"""DROP OWNED BY "{role}"; DROP ROLE "{role}";""");
        }
    }
}
