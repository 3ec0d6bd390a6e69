using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using PhoneHub;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Twilio provider (Messages API, Lookup v2, account check) to PhoneHub.</summary>
public static class TwilioPhoneHubBuilderExtensions
{
    /// <summary>
    /// Adds the Twilio provider, used by configs whose provider is <c>twilio</c>, with options bound from the
    /// <c>PhoneHub:Twilio</c> configuration section when the host has an <see cref="IConfiguration"/>.
    /// </summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddTwilio(this IPhoneHubBuilder builder) => AddTwilioCore(builder, null);

    /// <summary>
    /// Adds the Twilio provider with options set in code; they are applied after the <c>PhoneHub:Twilio</c>
    /// configuration section (when the host has one), so code wins.
    /// </summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddTwilio(this IPhoneHubBuilder builder, Action<TwilioOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddTwilioCore(builder, configure);
    }

    private static IPhoneHubBuilder AddTwilioCore(IPhoneHubBuilder builder, Action<TwilioOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // A second AddTwilio call only adds its options action; clients and pipelines are registered once
        // (a second resilience handler on the same client would retry twice over).
        if (!services.Any(d => d.ServiceType == typeof(TwilioMarker)))
        {
            services.AddSingleton<TwilioMarker>();
            RegisterOnce(services);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    // The Basic header holds the auth token or API key secret. IHttpClientFactory's default loggers log request headers
    // at Trace level; redaction masks the message text but the structured state still carries the raw value, which
    // structured sinks export. So the default loggers are removed (PhoneHub logs each call itself), and the header is
    // marked for redaction in case a host adds them back with AddDefaultLogger().
    private static readonly string[] RedactedHeaders = ["Authorization"];

    private static void RegisterOnce(IServiceCollection services)
    {
        // Bound lazily so hosts without IConfiguration (plain ServiceCollection) still work.
        services.AddSingleton<IConfigureOptions<TwilioOptions>>(sp => new ConfigureNamedOptions<TwilioOptions>(
            Microsoft.Extensions.Options.Options.DefaultName,
            o => sp.GetService<IConfiguration>()?.GetSection(TwilioOptions.SectionName).Bind(o)));
        services.AddOptionsWithValidateOnStart<TwilioOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsSemanticValidator>());

        // Message creates are not idempotent: a retry after a timeout or 5xx could send the text twice.
        // Only a per-attempt timeout guards them. Resilience handlers a host added to every client
        // (ConfigureHttpClientDefaults) are removed first, so they cannot bring retries back.
        // Every client puts a request on the wire once per pipeline attempt (see HttpAttemptBudget). SocketsHttpHandler
        // would otherwise re-send by itself when Twilio closes without answering: up to four sends per attempt for reads,
        // and a second message for a create sent with Expect: 100-continue (which a host may set on every client).
        services.AddHttpClient(TwilioHttpClientNames.Messages, ConfigureClient)
            .SendOncePerAttempt()
            .RedactLoggedHeaders(RedactedHeaders)
            .RemoveAllLoggers()
            .ConfigureAdditionalHttpMessageHandlers(RemoveEarlierResilienceHandlers)
            .AddResilienceHandler(TwilioHttpClientNames.Messages, (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value;
                pipeline.TimeProvider = context.ServiceProvider.GetService<TimeProvider>();
                pipeline.AddTimeout(options.RequestTimeout);
            });

        // Reads are safe to repeat: retry 429 (honouring Retry-After), 408, 5xx and network failures.
        // Host-wide handlers are removed here too: two retry layers would multiply attempts against Twilio's limits.
        services.AddHttpClient(TwilioHttpClientNames.Lookups, ConfigureClient)
            .SendOncePerAttempt()
            .RedactLoggedHeaders(RedactedHeaders)
            .RemoveAllLoggers()
            .ConfigureAdditionalHttpMessageHandlers(RemoveEarlierResilienceHandlers)
            .AddResilienceHandler(TwilioHttpClientNames.Lookups, ConfigureRetryingPipeline);
        services.AddHttpClient(TwilioHttpClientNames.Api, ConfigureClient)
            .SendOncePerAttempt()
            .RedactLoggedHeaders(RedactedHeaders)
            .RemoveAllLoggers()
            .ConfigureAdditionalHttpMessageHandlers(RemoveEarlierResilienceHandlers)
            .AddResilienceHandler(TwilioHttpClientNames.Api, ConfigureRetryingPipeline);

        services.TryAddSingleton<TwilioProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsProvider, TwilioProvider>(sp => sp.GetRequiredService<TwilioProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPhoneLookupProvider, TwilioProvider>(sp => sp.GetRequiredService<TwilioProvider>()));
    }

    /// <summary>Drops resilience handlers added before ours (the host's client defaults); ours is added after this runs.</summary>
    private static void RemoveEarlierResilienceHandlers(IList<DelegatingHandler> handlers, IServiceProvider services)
    {
        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            if (handlers[i] is ResilienceHandler)
            {
                handlers.RemoveAt(i);
            }
        }
    }

    private static void ConfigureClient(HttpClient client)
    {
        // The resilience pipeline owns timeouts; HttpClient's own 100 s default would cut retries short.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PhoneHub", typeof(TwilioPhoneHubBuilderExtensions).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    private static void ConfigureRetryingPipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value;
        pipeline.TimeProvider = context.ServiceProvider.GetService<TimeProvider>();

        // Outermost first: a budget for the whole call, retries inside it, and a timeout per attempt.
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "Total", Timeout = options.TotalRequestTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldRetryAfterHeader = true,
            });
        }

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "Attempt", Timeout = options.RequestTimeout });
    }

    private sealed class TwilioMarker;
}
