using System.Net;
using System.Net.Sockets;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.PostgreSql.Tests.Infrastructure;
using PhoneHub.Stores;
using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.PostgreSql.Tests;

/// <summary>What <c>UsePostgreSql(...)</c> registers, where its settings come from, and what a host start does with them.</summary>
public class PostgreSqlPhoneHubBuilderExtensionsTests
{
    private const string NowhereConnectionString = "Host=127.0.0.1;Port=1;Database=phonehub;Username=app;Password=s3cret-value";

    private static HostApplicationBuilder NewHostBuilder(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        return builder;
    }

    private static IPhoneHubBuilder AddPhoneHub(IServiceCollection services) =>
        services.AddPhoneHub(o =>
        {
            o.EncryptionKey = Convert.ToBase64String(new byte[32]);

            // Hermetic: a key in the machine's environment must not change what the tests see.
            o.EncryptionKeyEnvironmentVariable = null;
        });

    [Test]
    public void UsePostgreSql_ReplacesEveryStoreAndTheMigrator()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        AddPhoneHub(services).UsePostgreSql(NowhereConnectionString);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.That(provider.GetRequiredService<IPhoneNumberStore>(), Is.InstanceOf<PostgreSqlPhoneNumberStore>());
        Assert.That(provider.GetRequiredService<ISmsStore>(), Is.InstanceOf<PostgreSqlSmsStore>());
        Assert.That(provider.GetRequiredService<IPhoneConfigStore>(), Is.InstanceOf<PostgreSqlPhoneConfigStore>());
        Assert.That(provider.GetRequiredService<IPhoneHubMigrator>(), Is.SameAs(provider.GetRequiredService<PostgreSqlDatabase>()));
        Assert.That(provider.GetRequiredService<IPhoneHub>(), Is.Not.Null, "no mix of store families to refuse");
    }

    [Test]
    public void HostStart_OneStoreReplacedTheOthersLeftOnPostgreSql_FailsNamingThem()
    {
        var builder = NewHostBuilder();
        AddPhoneHub(builder.Services).UsePostgreSql(NowhereConnectionString);
        builder.Services.AddSingleton(NSubstitute.Substitute.For<ISmsStore>());
        using var host = builder.Build();

        // Refused before the migration would try the (unreachable) server.
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("are mixed").And.Contain("IPhoneNumberStore from PostgreSQL").And.Contain("IPhoneConfigStore from PostgreSQL").And.Contain("ISmsStore from the host"));
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IPhoneHub>());
    }

    [Test]
    public void HostStart_PostgreSqlStoresWithTheSqliteMigrator_FailsSayingTheSchemaWouldNotBeMigrated()
    {
        // Stores registered by hand instead of through UsePostgreSql: the SQLite default's migrator stays behind.
        var builder = NewHostBuilder();
        AddPhoneHub(builder.Services);
        builder.Services.AddSingleton<PostgreSqlDatabase>();
        builder.Services.Configure<PostgreSqlStoreOptions>(o => o.ConnectionString = NowhereConnectionString);
        builder.Services.AddSingleton<IPhoneNumberStore, PostgreSqlPhoneNumberStore>();
        builder.Services.AddSingleton<ISmsStore, PostgreSqlSmsStore>();
        builder.Services.AddSingleton<IPhoneConfigStore, PostgreSqlPhoneConfigStore>();
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("come from PostgreSQL").And.Contain("IPhoneHubMigrator from SQLite"));
    }

    [Test]
    public void UseSqliteAfterUsePostgreSql_EveryStoreIsSqlite_NoMix()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        AddPhoneHub(services).UsePostgreSql(NowhereConnectionString).UseSqlite("Data Source=:memory:");
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ISmsStore>(), Is.Not.InstanceOf<PostgreSqlSmsStore>());
        Assert.That(provider.GetRequiredService<IPhoneHubMigrator>(), Is.Not.InstanceOf<PostgreSqlDatabase>());
        Assert.That(provider.GetRequiredService<IPhoneHub>(), Is.Not.Null, "one family: SQLite");
    }

    [Test]
    public void UsePostgreSql_NoConnectionStringInCode_TakesConnectionStringsPhoneHub()
    {
        var builder = NewHostBuilder(new() { ["ConnectionStrings:PhoneHub"] = NowhereConnectionString, ["PhoneHub:PostgreSql:Schema"] = "tenant_a" });
        AddPhoneHub(builder.Services).UsePostgreSql();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value;
        Assert.That(options.ConnectionString, Is.EqualTo(NowhereConnectionString));
        Assert.That(options.Schema, Is.EqualTo("tenant_a"));
        Assert.That(host.Services.GetRequiredService<PostgreSqlDatabase>().QuotedSchema, Is.EqualTo("\"tenant_a\""));
    }

    [Test]
    public void UsePostgreSql_SectionOverConnectionStrings_CodeOverBoth()
    {
        const string fromSection = "Host=127.0.0.1;Port=2;Database=section";
        const string fromCode = "Host=127.0.0.1;Port=3;Database=code";
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:PhoneHub"] = NowhereConnectionString, ["PhoneHub:PostgreSql:ConnectionString"] = fromSection };

        var sectionBuilder = NewHostBuilder(settings);
        AddPhoneHub(sectionBuilder.Services).UsePostgreSql();
        using var sectionHost = sectionBuilder.Build();
        Assert.That(sectionHost.Services.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value.ConnectionString, Is.EqualTo(fromSection));

        var codeBuilder = NewHostBuilder(settings);
        AddPhoneHub(codeBuilder.Services).UsePostgreSql(fromCode);
        using var codeHost = codeBuilder.Build();
        var options = codeHost.Services.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value;
        Assert.That(options.ConnectionString, Is.EqualTo(fromCode));
        Assert.That(options.Schema, Is.EqualTo(PostgreSqlStoreOptions.DefaultSchema));
    }

    [TestCase("phonehub; DROP SCHEMA public")]
    [TestCase("pg_temp")]
    public void HostStart_InvalidSchemaName_FailsNamingTheSetting(string schema)
    {
        var builder = NewHostBuilder();
        AddPhoneHub(builder.Services).UsePostgreSql(o =>
        {
            o.ConnectionString = NowhereConnectionString;
            o.Schema = schema;
        });
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("PhoneHub:PostgreSql:Schema"));
    }

    [Test]
    public void HostStart_NoConnectionStringAnywhere_FailsSayingWhereToSetOne()
    {
        var builder = NewHostBuilder();
        AddPhoneHub(builder.Services).UsePostgreSql();
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("ConnectionStrings:PhoneHub").And.Contain("PhoneHub:PostgreSql:ConnectionString"));
    }

    [Test]
    public void HostStart_UnreachableServer_FailsAtStartWithWhereAndWhy()
    {
        // A loopback port nothing listens on: taken from the system, then released.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var builder = NewHostBuilder();
        AddPhoneHub(builder.Services).UsePostgreSql($"Host=127.0.0.1;Port={port};Database=phonehub;Username=app;Password=s3cret-value;Timeout=5");
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("could not migrate").And.Contain($"127.0.0.1:{port}").And.Contain("\"phonehub\""));
        Assert.That(ex.Message, Does.Not.Contain("s3cret-value"), "the password is never part of the message");
        Assert.That(ex.InnerException, Is.InstanceOf<NpgsqlException>());
    }

    [Test]
    public async Task HostStart_RealServer_MigratesBeforeUseAndMessagesGoToPostgreSql()
    {
        await using var schema = TempPostgresSchema.Create();
        var builder = NewHostBuilder();
        AddPhoneHub(builder.Services).UsePostgreSql(o =>
        {
            o.ConnectionString = schema.ConnectionString;
            o.Schema = schema.Name;
        });
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            await using (var connection = await schema.DataSource.OpenConnectionAsync())
            {
                Assert.That(
                    await connection.ExecuteScalarAsync<int>($"SELECT max(version) FROM {schema.Quoted}.phonehub_schema_version"),
                    Is.EqualTo(PostgreSqlSchema.CurrentVersion),
                    "migrated when the host started, before any request");
            }

            var hub = host.Services.GetRequiredService<IPhoneHub>();
            await hub.Configs.CreateAsync(new PhoneConfig { Name = "default", IsActive = true, TestMode = true });
            var sent = await hub.SendSmsAsync("+14155551234", "hello from PostgreSQL");

            await using (var connection = await schema.DataSource.OpenConnectionAsync())
            {
                var stored = await connection.QuerySingleAsync<(string Body, string Status, bool IsTest)>(
                    $"SELECT body, status, is_test FROM {schema.Quoted}.sms_messages WHERE id = @id", new { id = sent.Id });
                Assert.That(stored.Body, Is.EqualTo("hello from PostgreSQL"));
                Assert.That(stored.IsTest, Is.True);
                Assert.That(SmsStatuses.TryParse(stored.Status, out var status) && status == sent.Status, Is.True);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task UsePostgreSql_DataSourceOfTheHost_IsUsedAndLeftOpen()
    {
        await using var schema = TempPostgresSchema.Create();
        var builder = NewHostBuilder(new() { ["PhoneHub:PostgreSql:Schema"] = schema.Name });
        AddPhoneHub(builder.Services).UsePostgreSql(schema.DataSource);
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var number = await host.Services.GetRequiredService<IPhoneNumberStore>().UpsertAsync(
                new Lookup.PhoneNumber { E164 = "+14155551234", Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch });
            Assert.That(number.Id, Is.GreaterThan(0));
            await host.StopAsync();
        }

        await using var connection = await schema.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {schema.Quoted}.phone_numbers"), Is.EqualTo(1), "the host's data source still works after the container is gone");
    }
}
