using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using PhoneHub.Security;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

/// <summary>A credential planted through <c>POST config/{id}/credentials</c> never shows up in any answer or log line.</summary>
public sealed class CredentialLeakTests
{
    private const string Group = "leak-group";

    [Test]
    public async Task PlantedCredential_NeverAppearsInResponsesOrLogs()
    {
        var secret = "PLANTED-" + Guid.NewGuid().ToString("N");
        var sid = "AC" + Guid.NewGuid().ToString("N");
        // Twilio pointed at a closed local port: the provider paths that read credentials run, and nothing leaves the machine.
        await using var host = await RestTestHost.StartAsync(configure: b => b.Services.Configure<PhoneHub.Providers.Twilio.TwilioOptions>(o =>
        {
            o.ApiBaseUrl = new Uri("http://127.0.0.1:9");
            o.LookupsBaseUrl = new Uri("http://127.0.0.1:9");
            o.MaxRetryAttempts = 0;
        }));
        await host.CreateConfigAsync(null, "system default");
        var testConfig = await host.CreateConfigAsync(Group, "test-mode config");
        using var admin = host.Client("admin", Group, [.. PhoneHubPermissions.All]);
        var transcript = new StringBuilder();

        async Task<HttpResponseMessage> Call(Func<HttpClient, Task<HttpResponseMessage>> send)
        {
            var response = await send(admin);
            transcript.Append((int)response.StatusCode).Append(' ').Append(response.Headers).Append(response.Content.Headers)
                .AppendLine(await response.Content.ReadAsStringAsync());
            return response;
        }

        // A live (not test-mode) Twilio config, so provider paths that read credentials run too.
        using var live = await Call(c => c.PostAsync($"{Prefix}/config", Json(new { name = "live", provider = "twilio", settings = new { from_number = "+14155550142" }, is_active = false })));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var liveId = (long)(await ReadJsonAsync(live))["id"]!;

        foreach (var id in new[] { testConfig.Id, liveId })
        {
            using var set = await Call(c => c.PostAsync($"{Prefix}/config/{id}/credentials", Json(new { account_sid = sid, auth_token = secret })));
            Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        // The secret really is stored (so the checks below mean something).
        var stored = await host.Hub.Configs.GetProviderContextAsync((await host.Hub.Configs.GetAsync(testConfig.Id))!);
        Assert.That(stored.Credentials?.Get(ProviderCredentials.TwilioAuthToken), Is.EqualTo(secret));

        foreach (var id in new[] { testConfig.Id, liveId })
        {
            (await Call(c => c.GetAsync($"{Prefix}/config/{id}"))).Dispose();
            (await Call(c => c.PutAsync($"{Prefix}/config/{id}", Json(new { name = "renamed" })))).Dispose();
            (await Call(c => c.PostAsync($"{Prefix}/config/{id}/test", null))).Dispose();
        }

        (await Call(c => c.GetAsync($"{Prefix}/config"))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "hello" })))).Dispose();
        (await Call(c => c.GetAsync($"{Prefix}/sms"))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/phone/lookup", Json(new { phone_number = "+14155552671", force_refresh = true })))).Dispose();

        // Activate the live config: sending now goes through the provider, which cannot connect.
        (await Call(c => c.PutAsync($"{Prefix}/config/{liveId}", Json(new { is_active = true })))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "hello" })))).Dispose();

        // Rejected requests that carry the secret must not echo it back.
        (await Call(c => c.PostAsync($"{Prefix}/config", Json(new { name = "x", test_mode = true, auth_token = secret })))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/config/{testConfig.Id}/credentials", RawJson($"{{\"auth_token\": [\"{secret}\"]}}")))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/config/{testConfig.Id}/credentials", RawJson($"{{\"auth_token\": \"{secret}\", }}")))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/config/{testConfig.Id}/credentials", Json(new { auth_token = secret + new string('x', 70 * 1024) })))).Dispose();
        (await Call(c => c.PostAsync($"{Prefix}/config/999999/credentials", Json(new { auth_token = secret })))).Dispose();

        var responses = transcript.ToString();
        Assert.That(responses, Does.Contain("has_credentials"), "the transcript holds real answers");
        Assert.That(responses, Does.Not.Contain(secret));
        Assert.That(host.Logs.Lines, Is.Not.Empty);
        Assert.That(host.Logs.AllText, Does.Not.Contain(secret));

        // The account SID is not a secret: it is the config's account identity, shown as its account_sid setting.
        Assert.That(responses, Does.Contain(sid));
    }
}
