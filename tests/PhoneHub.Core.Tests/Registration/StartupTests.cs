using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NSubstitute;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Registration;

/// <summary>What PhoneHub checks when a host starts.</summary>
public class StartupTests
{
    [Test]
    public void HostStart_OneStoreReplacedTheOthersLeftOnSqlite_FailsNamingThem()
    {
        using var db = new TempSqliteDatabase();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(db.ConnectionString);
        builder.Services.AddSingleton(Substitute.For<ISmsStore>());
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("ISmsStore").And.Contain("IPhoneConfigStore").And.Contain("IPhoneNumberStore"));

        // Without a generic host the hub itself refuses.
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IPhoneHub>());
    }

    [Test]
    public void HostStart_OneStoreFromAnotherStorePackage_FailsNamingEachStoresPackage()
    {
        using var db = new TempSqliteDatabase();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(db.ConnectionString);
        var packaged = Substitute.For<ISmsStore, IStoreFamilyMember>();
        ((IStoreFamilyMember)packaged).StoreFamily.Returns("OtherDb");
        builder.Services.AddSingleton(packaged);
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync())!;
        Assert.That(ex.Message, Does.Contain("ISmsStore from OtherDb").And.Contain("IPhoneNumberStore from SQLite").And.Contain("IPhoneConfigStore from SQLite"));
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IPhoneHub>());
    }

    [Test]
    public async Task HostStart_EveryStoreTheHostsOwn_StartsWithPhoneHubsDefaultMigratorLeftInPlace()
    {
        using var db = new TempSqliteDatabase();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(db.ConnectionString);
        builder.Services.AddSingleton(Substitute.For<ISmsStore>());
        builder.Services.AddSingleton(Substitute.For<IPhoneNumberStore>());
        builder.Services.AddSingleton(Substitute.For<IPhoneConfigStore>());
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
        Assert.That(host.Services.GetRequiredService<IPhoneHub>(), Is.Not.Null);
    }

    [Test]
    public async Task HostStart_MigratesBeforeAnyRequest_AndWarnsWhenNoEncryptionKey()
    {
        using var db = new TempSqliteDatabase();
        var logs = new ListLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(db.ConnectionString);
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            Assert.That(File.Exists(db.FilePath), Is.True, "the schema exists before the first use");
            Assert.That(logs.Messages, Has.Some.Contains("PhoneHub:EncryptionKey").And.Contains("No credential encryption key"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task HostStart_WithKey_DoesNotWarn()
    {
        using var db = new TempSqliteDatabase();
        var logs = new ListLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddPhoneHub(o => o.EncryptionKey = Convert.ToBase64String(new byte[32])).UseSqlite(db.ConnectionString);
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
        Assert.That(logs.Messages, Has.None.Contains("No credential encryption key"));
    }
}
