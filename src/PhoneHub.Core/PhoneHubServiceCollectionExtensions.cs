using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PhoneHub;
using PhoneHub.Caching;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Hosting;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Providers.Testing;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PhoneHub in a service collection.</summary>
public static class PhoneHubServiceCollectionExtensions
{
    /// <summary>Adds PhoneHub with options bound from the <c>PhoneHub</c> configuration section (when the host has an <see cref="IConfiguration"/>).</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to choose stores and providers.</returns>
    public static IPhoneHubBuilder AddPhoneHub(this IServiceCollection services) =>
        AddPhoneHubCore(services, o => o.BindSectionIfPresent(PhoneHubOptions.SectionName));

    /// <summary>Adds PhoneHub with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding PhoneHub's settings.</param>
    /// <returns>A builder to choose stores and providers.</returns>
    public static IPhoneHubBuilder AddPhoneHub(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddPhoneHubCore(services, o => o.Bind(configuration));
    }

    /// <summary>Adds PhoneHub with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to choose stores and providers.</returns>
    public static IPhoneHubBuilder AddPhoneHub(this IServiceCollection services, Action<PhoneHubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddPhoneHubCore(services, o => o.Configure(configure));
    }

    /// <summary>
    /// Registers a provider from outside PhoneHub: its <see cref="ISmsProvider"/> (whose <see cref="ISmsProvider.Definition"/>
    /// declares its settings, identities and credentials) and, when it implements it, its <see cref="IPhoneLookupProvider"/>.
    /// Configs may name it once it is registered.
    /// </summary>
    /// <typeparam name="TProvider">The provider type, created once by the container.</typeparam>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddProvider<TProvider>(this IPhoneHubBuilder builder)
        where TProvider : class, ISmsProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<TProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsProvider, TProvider>(sp => sp.GetRequiredService<TProvider>()));
        if (typeof(IPhoneLookupProvider).IsAssignableFrom(typeof(TProvider)))
        {
            // A factory typed by TProvider, so the container can tell this registration from other lookup providers.
            Func<IServiceProvider, TProvider> factory = sp => sp.GetRequiredService<TProvider>();
            services.TryAddEnumerable(new ServiceDescriptor(typeof(IPhoneLookupProvider), factory, ServiceLifetime.Singleton));
        }

        return builder;
    }

    /// <summary>
    /// Migrates PhoneHub's store schema now. Hosts built on the generic host do this at start (see
    /// <see cref="PhoneHubOptions.MigrateOnStart"/>); call it yourself from tools that build a bare service provider.
    /// </summary>
    /// <param name="services">The built service provider.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public static async Task MigratePhoneHubAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<IPhoneHubMigrator>() is { } migrator)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Binds the static <see cref="Phone"/> facade to this container's <see cref="IPhoneHub"/>.</summary>
    /// <param name="services">The built service provider (for example <c>host.Services</c>).</param>
    /// <returns>The same provider.</returns>
    public static IServiceProvider UsePhoneHub(this IServiceProvider services)
    {
        Phone.Use(services);
        return services;
    }

    private static PhoneHubBuilder AddPhoneHubCore(IServiceCollection services, Action<OptionsBuilder<PhoneHubOptions>> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new PhoneHubBuilder(services);
        configureOptions(services.AddOptions<PhoneHubOptions>());

        // A second AddPhoneHub call only adds its options source; everything else is registered once.
        if (services.Any(d => d.ServiceType == typeof(PhoneHubMarker)))
        {
            return builder;
        }

        services.AddSingleton<PhoneHubMarker>();
        services.AddOptionsWithValidateOnStart<PhoneHubOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoneHubOptions>, PhoneHubOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoneHubOptions>, PhoneHubOptionsSemanticValidator>());

        // The HTTP client factory also brings logging and options; providers use named clients from it.
        services.AddHttpClient();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PhoneHubMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(PhoneNormalizer.Shared);
        services.TryAddSingleton<ICredentialProtector, AesGcmCredentialProtector>();
        services.TryAddSingleton<TestPhoneProvider>();
        services.TryAddSingleton<ProviderRegistry>();
        services.TryAddSingleton<ProviderSettingsValidator>();
        services.TryAddSingleton<ConfigChangeToken>();

        // The cache tier: HybridCache (the host's own if it registered one), whose distributed level is the host's
        // IDistributedCache when there is one. PhoneHub's values go there as source-generated JSON.
        services.AddHybridCache();
        services.TryAddSingleton<IHybridCacheSerializer<PhoneNumber>>(new JsonCacheSerializer<PhoneNumber>(CacheJsonContext.Default.PhoneNumber));
        services.TryAddSingleton<IHybridCacheSerializer<CachedConfig>>(new JsonCacheSerializer<CachedConfig>(CacheJsonContext.Default.CachedConfig));
        services.TryAddSingleton<ConfigResolutionCache>();
        services.TryAddSingleton<LookupMemoryCache>();
        services.TryAddSingleton<SharedLookupCache>();
        services.TryAddSingleton<IProviderCallbackUrls, ConventionalCallbackUrls>();
        services.TryAddSingleton<IPhoneConfigService, PhoneConfigService>();
        services.TryAddSingleton<IPhoneLookupService, PhoneLookupService>();
        services.TryAddSingleton<IPhoneNumberService, PhoneNumberService>();
        services.AddOptions<SmsDispatchOptions>().BindSectionIfPresent(SmsDispatchOptions.SectionName);
        services.AddOptionsWithValidateOnStart<SmsDispatchOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmsDispatchOptions>, SmsDispatchOptionsValidator>());
        services.TryAddSingleton<SenderPacing>();
        services.TryAddSingleton<SmsStatusEffects>();
        services.TryAddSingleton<SmsDispatcher>();
        services.TryAddSingleton<ISmsService, SmsService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SmsDispatcherService>());
        services.TryAddSingleton<IPhoneHub, PhoneHubService>();

        // In a generic host, checks and migrations run at start, before the first request.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PhoneHubStartup>());

        // SQLite is the default store; UseSqlite(...) sets where, and a host's own stores replace it.
        builder.AddSqliteStores();
        return builder;
    }

    private sealed class PhoneHubMarker;
}
