using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.Tests.Registration;

public class ServiceRegistrationTests
{
    [Test]
    public void AddPhoneHub_CalledTwice_RegistersServicesOnce()
    {
        var services = new ServiceCollection();
        services.AddPhoneHub();
        services.AddPhoneHub(o => o.DefaultRegion = "GB");
        Assert.That(services.Count(d => d.ServiceType == typeof(IPhoneHub)), Is.EqualTo(1));
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IOptions<PhoneHubOptions>>().Value.DefaultRegion, Is.EqualTo("GB"));
    }

    [Test]
    public void AddPhoneHub_BindsConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PhoneHub:DefaultRegion"] = "DE",
            ["PhoneHub:LookupMemoryCacheSize"] = "5",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneHub();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PhoneHubOptions>>().Value;
        Assert.That(options.DefaultRegion, Is.EqualTo("DE"));
        Assert.That(options.LookupMemoryCacheSize, Is.EqualTo(5));
        Assert.That(provider.GetRequiredService<IPhoneHub>().Normalize("030 123456"), Is.EqualTo("+4930123456"));
    }

    [Test]
    public void AddPhoneHub_InvalidOptions_FailValidationNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddPhoneHub(o =>
        {
            o.DefaultRegion = "XX";
            o.LookupMemoryCacheSize = -1;
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<PhoneHubOptions>>().Value)!;
        Assert.That(ex.Message, Does.Contain("PhoneHub:DefaultRegion"));
        Assert.That(ex.Failures.Count(), Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void AddPhoneHub_UsesSqliteByDefault_AndHostStoresWin()
    {
        var services = new ServiceCollection();
        services.AddPhoneHub();
        using (var provider = services.BuildServiceProvider())
        {
            Assert.That(provider.GetRequiredService<ISmsStore>().GetType().Name, Is.EqualTo("SqliteSmsStore"));
            Assert.That(provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.ConnectionString, Is.EqualTo(SqliteStoreOptions.DefaultConnectionString));
        }

        var custom = Substitute.For<ISmsStore>();
        services.AddSingleton(custom);
        using var withCustom = services.BuildServiceProvider();
        Assert.That(withCustom.GetRequiredService<ISmsStore>(), Is.SameAs(custom));
    }

    [Test]
    public void UseSqlite_SetsConnectionString()
    {
        var services = new ServiceCollection();
        services.AddPhoneHub().UseSqlite("Data Source=custom.db");
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.ConnectionString, Is.EqualTo("Data Source=custom.db"));
        Assert.That(services.Count(d => d.ServiceType == typeof(ISmsStore)), Is.EqualTo(1));
    }
}
