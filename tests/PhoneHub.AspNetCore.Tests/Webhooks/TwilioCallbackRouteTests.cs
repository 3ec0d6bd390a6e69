using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>The StatusCallback URL Twilio is given always names the status route as mapped, whatever the prefix.</summary>
[NonParallelizable]
public class TwilioCallbackRouteTests
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    [TestCase(null, null, "https://app.example.com/api/phonehub/sms/webhook/twilio/status")]
    [TestCase("/custom", null, "https://app.example.com/custom/sms/webhook/twilio/status")]
    [TestCase("/sms-api", "/tenant-edge", "https://app.example.com/tenant-edge/sms-api/sms/webhook/twilio/status")]
    public async Task SendSms_StatusCallback_IsTheMountedStatusRoute(string? prefix, string? outerGroup, string expected)
    {
        var captured = new ConcurrentQueue<string>();
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-callback-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        builder.Services.AddPhoneHub(o =>
            {
                o.EncryptionKey = Convert.ToBase64String(new byte[32]);
                o.EncryptionKeyEnvironmentVariable = null;
                o.PublicBaseUrl = new Uri("https://app.example.com");
            })
            .UseSqlite($"Data Source={Path.Combine(directory, "phonehub.db")}")
            .AddTwilio(o => o.ApiBaseUrl = new Uri("https://api.twilio.test"))
            .AddAspNetCore();
        builder.Services.AddHttpClient(TwilioHttpClientNames.Messages).ConfigurePrimaryHttpMessageHandler(() => new CapturingTwilio(captured));

        await using var app = builder.Build();
        var endpoints = outerGroup is null ? (Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app : app.MapGroup(outerGroup);
        endpoints.MapPhoneHub(prefix);
        await app.StartAsync();
        try
        {
            var configs = app.Services.GetRequiredService<IPhoneConfigService>();
            var config = (await configs.CreateAsync(new PhoneConfig
            {
                Name = "acme",
                Provider = PhoneProviders.Twilio,
                IsActive = true,
                Settings = new Dictionary<string, string> { [TwilioDefinition.FromNumber] = "+14155550100" },
            })).Config;
            await configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio(AccountSid, "token"));

            var message = await app.Services.GetRequiredService<IPhoneHub>().SendSmsAsync("+14155552671", "hi");
            Assert.That(message.Status, Is.EqualTo(PhoneHub.Messaging.SmsStatus.Queued));
            Assert.That(captured.Single(), Does.Contain("StatusCallback=" + Uri.EscapeDataString(expected)));
            Assert.That(app.Services.GetRequiredService<IProviderCallbackUrls>().GetStatusCallbackUrl(PhoneProviders.Twilio), Is.EqualTo(expected));

            // And the URL reaches the status webhook (which refuses the unsigned request), not a 404.
            using var client = app.GetTestClient();
            using var response = await client.PostAsync(new Uri(expected).AbsolutePath,
                new FormUrlEncodedContent([new("MessageSid", message.ProviderMessageId!), new("MessageStatus", "delivered")]));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        finally
        {
            await app.StopAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    private sealed class CapturingTwilio(ConcurrentQueue<string> captured) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            captured.Enqueue(await request.Content!.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = new StringContent("""{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","from":"+14155550100","num_segments":"1"}""", System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }
}
