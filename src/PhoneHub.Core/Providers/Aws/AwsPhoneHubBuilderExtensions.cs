using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using PhoneHub;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using Polly;
using Polly.Retry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the AWS SNS provider (configs with provider <c>aws</c>).</summary>
public static class AwsPhoneHubBuilderExtensions
{
    /// <summary>The named <see cref="HttpClient"/> that sends Publish calls. It has no retry handler: a Publish whose outcome is unknown must not be re-sent.</summary>
    public const string PublishHttpClientName = "PhoneHub.Aws.Publish";

    /// <summary>The named <see cref="HttpClient"/> of connection tests (<c>GetSMSAttributes</c>), which retries throttling, 5xx answers and network failures with backoff and jitter.</summary>
    public const string ConnectionTestHttpClientName = "PhoneHub.Aws.ConnectionTest";

    /// <summary>Adds the AWS SNS provider with options bound from the <c>PhoneHub:Aws</c> configuration section (when the host has an <see cref="IConfiguration"/>).</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddAws(this IPhoneHubBuilder builder) => AddAwsCore(builder, configure: null);

    /// <summary>Adds the AWS SNS provider; <paramref name="configure"/> runs after the <c>PhoneHub:Aws</c> configuration section (when present) is bound, so it wins.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddAws(this IPhoneHubBuilder builder, Action<AwsSnsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddAwsCore(builder, configure);
    }

    private static IPhoneHubBuilder AddAwsCore(IPhoneHubBuilder builder, Action<AwsSnsOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // Registered once; a second AddAws only adds its configure action (after the configuration binding).
        if (!services.Any(d => d.ServiceType == typeof(AwsMarker)))
        {
            services.AddSingleton<AwsMarker>();
            services.AddSingleton<IConfigureOptions<AwsSnsOptions>>(sp => new ConfigureOptions<AwsSnsOptions>(
                o => sp.GetService<IConfiguration>()?.GetSection(AwsSnsOptions.SectionName).Bind(o)));
            services.AddOptionsWithValidateOnStart<AwsSnsOptions>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsSnsOptions>, AwsSnsOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsSnsOptions>, AwsSnsOptionsSemanticValidator>());

            services.TryAddSingleton<IAwsAmbientCredentials, AwsSdkDefaultCredentials>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsProvider, AwsSnsSmsProvider>());

            // The factory's default request logging is removed: at Trace level it hands every header value, the session token
            // included, to structured logging providers (its redaction only masks the formatted text). AwsLog says what matters.
            // Publish has no retry handler (a host that adds one to every client through ConfigureHttpClientDefaults takes that risk on).
            // Both clients put a request on the wire once per attempt (see HttpAttemptBudget). SocketsHttpHandler would otherwise
            // re-send by itself when SNS closes without answering before the body went out (with Expect: 100-continue, which a
            // host may set on every client): a second Publish.
            services.AddHttpClient(PublishHttpClientName, ConfigureClient)
                .SendOncePerAttempt()
                .RedactLoggedHeaders(SecretHeaders)
                .RemoveAllLoggers();

            services.AddHttpClient(ConnectionTestHttpClientName, ConfigureClient)
                .SendOncePerAttempt()
                .RedactLoggedHeaders(SecretHeaders)
                .RemoveAllLoggers()
                .AddResilienceHandler("retry", static (pipeline, context) =>
                {
                    var settings = context.ServiceProvider.GetRequiredService<IOptions<AwsSnsOptions>>().Value;
                    if (settings.ConnectionTestMaxRetries > 0)
                    {
                        pipeline.AddRetry(new HttpRetryStrategyOptions
                        {
                            MaxRetryAttempts = settings.ConnectionTestMaxRetries,
                            Delay = settings.ConnectionTestRetryDelay,
                            BackoffType = DelayBackoffType.Exponential,
                            UseJitter = true,
                            ShouldHandle = ShouldRetryConnectionTestAsync,
                        });
                    }
                });
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    private static readonly string[] SecretHeaders = ["Authorization", "X-Amz-Security-Token"];

    private static void ConfigureClient(IServiceProvider services, HttpClient client) =>
        client.Timeout = services.GetRequiredService<IOptions<AwsSnsOptions>>().Value.Timeout;

    private static async ValueTask<bool> ShouldRetryConnectionTestAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        // 5xx, 408, 429 and network failures, as the standard handler treats them ...
        if (HttpClientResiliencePredicates.IsTransient(args.Outcome))
        {
            return true;
        }

        // ... plus SNS's throttling, which comes as HTTP 400 with the code in the body. Buffering keeps the body readable afterwards.
        if (args.Outcome.Result is { StatusCode: System.Net.HttpStatusCode.BadRequest } response)
        {
            await response.Content.LoadIntoBufferAsync(args.Context.CancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(args.Context.CancellationToken).ConfigureAwait(false);
            return AwsSnsSmsProvider.IsThrottling(response.StatusCode, body);
        }

        return false;
    }

    private sealed class AwsMarker;
}
