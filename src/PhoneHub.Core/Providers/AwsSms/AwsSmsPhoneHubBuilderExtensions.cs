using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using PhoneHub;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the AWS End User Messaging SMS provider (configs with provider <c>aws-sms</c>).</summary>
public static class AwsSmsPhoneHubBuilderExtensions
{
    /// <summary>The named <see cref="HttpClient"/> of <c>SendTextMessage</c> and <c>SendMediaMessage</c>. It has no retry handler: a send whose outcome is unknown must not be re-sent.</summary>
    public const string SendHttpClientName = "PhoneHub.AwsSms.Send";

    /// <summary>The named <see cref="HttpClient"/> of calls that are safe to repeat (connection tests, opt-out lists); it retries throttling, 5xx answers and network failures with backoff and jitter.</summary>
    public const string ApiHttpClientName = "PhoneHub.AwsSms.Api";

    /// <summary>The largest answer read from AWS. Its documents are small; anything bigger is not AWS.</summary>
    private const long MaxResponseBytes = 1024 * 1024;

    private static readonly string[] SecretHeaders = ["Authorization", "X-Amz-Security-Token"];

    /// <summary>Adds the AWS End User Messaging SMS provider with options bound from the <c>PhoneHub:AwsSms</c> configuration section (when the host has an <see cref="IConfiguration"/>).</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddAwsSms(this IPhoneHubBuilder builder) => AddAwsSmsCore(builder, configure: null);

    /// <summary>Adds the AWS End User Messaging SMS provider; <paramref name="configure"/> runs after the <c>PhoneHub:AwsSms</c> configuration section (when present) is bound, so it wins.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddAwsSms(this IPhoneHubBuilder builder, Action<AwsSmsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddAwsSmsCore(builder, configure);
    }

    private static IPhoneHubBuilder AddAwsSmsCore(IPhoneHubBuilder builder, Action<AwsSmsOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // Registered once; a second AddAwsSms only adds its configure action (a second resilience handler would retry twice over).
        if (!services.Any(d => d.ServiceType == typeof(AwsSmsMarker)))
        {
            services.AddSingleton<AwsSmsMarker>();

            // Bound when first read, so a configuration added to the container after this call still counts.
            services.AddSingleton<IConfigureOptions<AwsSmsOptions>>(sp => new ConfigureOptions<AwsSmsOptions>(
                o => sp.GetService<IConfiguration>()?.GetSection(AwsSmsOptions.SectionName).Bind(o)));
            services.AddOptionsWithValidateOnStart<AwsSmsOptions>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsSmsOptions>, AwsSmsOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsSmsOptions>, AwsSmsOptionsSemanticValidator>());

            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<IAwsAmbientCredentials, AwsSdkDefaultCredentials>();
            services.TryAddSingleton<AwsSmsClient>();
            services.TryAddSingleton<AwsSmsProvider>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ISmsProvider, AwsSmsProvider>(sp => sp.GetRequiredService<AwsSmsProvider>()));

            // The factory's default request logging is removed: at Trace level it hands every header value, the session token
            // included, to structured logging providers (its redaction only masks the formatted text). AwsSmsLog says what matters.
            // Sends have no retry handler (a host that adds one to every client through ConfigureHttpClientDefaults takes that risk on).
            // Both clients put a request on the wire once per attempt (see HttpAttemptBudget): SocketsHttpHandler would
            // otherwise re-send by itself when AWS closes without answering before the body went out, a second send.
            services.AddHttpClient(SendHttpClientName, ConfigureClient)
                .SendOncePerAttempt()
                .RedactLoggedHeaders(SecretHeaders)
                .RemoveAllLoggers();

            services.AddHttpClient(ApiHttpClientName, ConfigureClient)
                .SendOncePerAttempt()
                .RedactLoggedHeaders(SecretHeaders)
                .RemoveAllLoggers()
                .AddResilienceHandler("retry", static (pipeline, context) =>
                {
                    var settings = context.ServiceProvider.GetRequiredService<IOptions<AwsSmsOptions>>().Value;
                    if (settings.MaxRetries > 0)
                    {
                        pipeline.AddRetry(new HttpRetryStrategyOptions
                        {
                            MaxRetryAttempts = settings.MaxRetries,
                            Delay = settings.RetryDelay,
                            BackoffType = DelayBackoffType.Exponential,
                            UseJitter = true,
                            ShouldHandle = ShouldRetryAsync,
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

    private static void ConfigureClient(HttpClient client)
    {
        // AwsSmsClient bounds every call on the injected TimeProvider instead, retries included.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.MaxResponseContentBufferSize = MaxResponseBytes;
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        // 5xx, 408, 429 and network failures, as the standard handler treats them ...
        if (HttpClientResiliencePredicates.IsTransient(args.Outcome))
        {
            return true;
        }

        // ... plus the service's ThrottlingException, which comes as HTTP 400 with the type in a header or the body.
        // Buffering keeps the body readable afterwards.
        if (args.Outcome.Result is { StatusCode: HttpStatusCode.BadRequest } response)
        {
            await response.Content.LoadIntoBufferAsync(args.Context.CancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(args.Context.CancellationToken).ConfigureAwait(false);
            var header = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            return AwsSmsError.Parse((int)response.StatusCode, header, body).IsThrottling;
        }

        return false;
    }

    private sealed class AwsSmsMarker;
}
