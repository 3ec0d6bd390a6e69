using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tenancy;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using PhoneHub.Stores;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

/// <summary>How the REST routes sit in a host: pluggable resolvers, the host's own endpoints and settings left alone.</summary>
public sealed class RestHostingTests
{
    [Test]
    public async Task CustomResolvers_DecidePermissionsAndGroup()
    {
        await using var host = await RestTestHost.StartAsync(configure: b =>
        {
            // Scoped, as a resolver that reads a database would be: the authorization handler must not capture it.
            b.Services.AddScoped<IPhoneHubPermissionResolver, RolePermissionResolver>();
            b.Services.AddSingleton<IPhoneHubTenantResolver, HeaderTenantResolver>();
        });
        await host.CreateConfigAsync(null, "system default");
        var message = await host.CreateMessageAsync("from-header", "routed by header");

        // The test scheme issues no permission claims here; the custom resolver maps the user name "operator" instead.
        using var client = host.Client("operator", null);
        client.DefaultRequestHeaders.Add("X-Tenant", "from-header");
        using var own = await client.GetAsync($"{Prefix}/sms/{message.Id}");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), await own.Content.ReadAsStringAsync());

        using var stranger = host.Client("operator", null);
        stranger.DefaultRequestHeaders.Add("X-Tenant", "elsewhere");
        using var other = await stranger.GetAsync($"{Prefix}/sms/{message.Id}");
        await AssertProblemAsync(other, 404, "not_found");

        using var nobody = host.Client("guest", null);
        using var denied = await nobody.GetAsync($"{Prefix}/sms");
        await AssertProblemAsync(denied, 403, "forbidden");
    }

    [Test]
    public async Task HostEndpoints_KeepTheirOwnAuthorizationAnswers()
    {
        var hostHandler = new CountingResultHandler();
        await using var host = await RestTestHost.StartAsync(
            configureBeforePhoneHub: b => b.Services.AddSingleton<IAuthorizationMiddlewareResultHandler>(hostHandler),
            configureApp: app => app.MapGet("/host/secret", () => "ok").RequireAuthorization());
        using var anonymous = host.Client(null, null);

        using var hostAnswer = await anonymous.GetAsync("/host/secret");
        using var phoneHubAnswer = await anonymous.GetAsync($"{Prefix}/sms");

        Assert.That(hostAnswer.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await hostAnswer.Content.ReadAsStringAsync(), Is.Empty, "the host's endpoints get no PhoneHub problem body");
        await AssertProblemAsync(phoneHubAnswer, 401, "unauthenticated");
        Assert.That(hostHandler.Calls, Is.EqualTo(2), "the host's own handler still runs, for both");
    }

    [Test]
    public async Task HostResultHandlerRegisteredLater_WinsAndPhoneHubWarns()
    {
        await using var host = await RestTestHost.StartAsync(configure: b => b.Services.AddSingleton<IAuthorizationMiddlewareResultHandler>(new CountingResultHandler()));
        using var anonymous = host.Client(null, null);

        using var response = await anonymous.GetAsync($"{Prefix}/sms");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the status is right either way");
        Assert.That(host.Logs.AllText, Does.Contain("IAuthorizationMiddlewareResultHandler"));
    }

    [Test]
    public async Task HostJsonOptions_DoNotChangePhoneHubWireFormat()
    {
        await using var host = await RestTestHost.StartAsync(configure: b =>
            b.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.KebabCaseUpper));
        using var client = host.Client("u", "g", PhoneHubPermissions.ViewPhoneNumbers);

        using var response = await client.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = "+14155552671" }));

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("\"national_format\""));
    }

    [Test]
    public async Task UnexpectedException_Returns500WithoutDetailsAndLogsIt()
    {
        var numbers = Substitute.For<Lookup.IPhoneNumberService>();
        numbers.ListAsync(Arg.Any<PhoneNumberQuery>(), Arg.Any<CancellationToken>())
            .Returns<Task<Page<Lookup.PhoneNumber>>>(_ => throw new InvalidOperationException("database exploded at /srv/secret/path"));
        await using var host = await RestTestHost.StartAsync(configure: b => b.Services.Replace(ServiceDescriptor.Singleton(numbers)));
        using var client = host.Client("u", "g", PhoneHubPermissions.ViewPhoneNumbers);

        using var response = await client.GetAsync($"{Prefix}/phone");

        var problem = await AssertProblemAsync(response, 500, "internal_error");
        Assert.That(problem.ToJsonString(), Does.Not.Contain("exploded").And.Not.Contain("InvalidOperationException"));
        Assert.That(host.Logs.AllText, Does.Contain("exploded"), "the details go to the log");
    }

    [Test]
    public async Task Lookup_AfterRecordChangedOrDeleted_IsNotAnsweredFromStaleMemory()
    {
        var provider = new FakeLookupProvider();
        await using var host = await RestTestHost.StartAsync(configure: b => b.Services.AddSingleton(provider).AddPhoneHub().AddProvider<FakeLookupProvider>());
        await host.CreateConfigAsync(null, "system default", testMode: false, provider: FakeLookupProvider.ProviderName);
        using var client = host.Client("u", "g", PhoneHubPermissions.ManagePhoneNumbers, PhoneHubPermissions.ManageGroups);
        var lookup = Json(new { phone_number = "+14155552671" });

        using var first = await client.PostAsync($"{Prefix}/phone/lookup", lookup);
        var id = (long)(await ReadJsonAsync(first))["id"]!;
        using var put = await client.PutAsync($"{Prefix}/phone/{id}", Json(new { carrier = "Corrected Carrier" }));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var afterUpdate = await client.PostAsync($"{Prefix}/phone/lookup", Json(new { phone_number = "+14155552671" }));
        Assert.That((string?)(await ReadJsonAsync(afterUpdate))["carrier"], Is.EqualTo("Corrected Carrier"));

        using var delete = await client.DeleteAsync($"{Prefix}/phone/{id}");
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var afterDelete = await client.PostAsync($"{Prefix}/phone/lookup", Json(new { phone_number = "+14155552671" }));
        var again = (long)(await ReadJsonAsync(afterDelete))["id"]!;
        Assert.That(again, Is.Not.EqualTo(id), "a deleted record is looked up anew, not served from memory");
        Assert.That(provider.Lookups, Is.EqualTo(2));
    }

    [TestCase("GET", "phone/abc")]
    [TestCase("PUT", "phone/-1")]
    [TestCase("DELETE", "phone/1.5")]
    [TestCase("GET", "sms/0")]
    [TestCase("GET", "config/abc")]
    [TestCase("PUT", "config/99999999999999999999")]
    [TestCase("DELETE", "config/x")]
    [TestCase("POST", "config/x/test")]
    [TestCase("POST", "config/x/credentials")]
    public async Task IdRoutes_MalformedId_Return400Problem(string method, string path)
    {
        await using var host = await RestTestHost.StartAsync();
        using var admin = host.Admin("g");
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{Prefix}/{path}") { Content = method is "PUT" or "POST" ? Json(new { }) : null };

        using var response = await admin.SendAsync(request);

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["id"], Is.Not.Null);
    }

    [Test]
    public void MapPhoneHub_WithoutAddAspNetCore_ThrowsSayingHowToFix()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddPhoneHub();
        using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapPhoneHub());
        Assert.That(ex!.Message, Does.Contain("AddAspNetCore()"));
    }

    [Test]
    public void MapPhoneHub_WithoutAuthentication_FailsAtStartSayingHowToFix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddPhoneHub().AddAspNetCore();
        using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapPhoneHub());
        Assert.That(ex!.Message, Does.Contain("AddAuthentication").And.Contain("'group'").And.Contain("'permission'"));
    }

    [Test]
    public void MapPhoneHub_WithBareAddAuthentication_FailsAtStartInsteadOfAnswering500()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication();
        builder.Services.AddPhoneHub().AddAspNetCore();
        using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapPhoneHub());
        Assert.That(ex!.Message, Does.Contain("no authentication scheme is registered"));
    }

    private sealed class RolePermissionResolver : IPhoneHubPermissionResolver
    {
        public ValueTask<IReadOnlyCollection<string>> GetPermissionsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyCollection<string>>(user.FindFirstValue(ClaimTypes.NameIdentifier) == "operator" ? [PhoneHubPermissions.ManageSms] : []);
    }

    private sealed class HeaderTenantResolver : IPhoneHubTenantResolver
    {
        public ValueTask<string?> GetGroupAsync(HttpContext context) => ValueTask.FromResult<string?>(context.Request.Headers["X-Tenant"].ToString());
    }

    private sealed class CountingResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public int Calls { get; private set; }

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            Calls++;
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}

/// <summary>
/// Finding 6 for the REST routes: bytes that are not Unicode, lone-surrogate escapes and wrong types answer 4xx, never
/// 5xx or a stack trace, on every route that reads a body.
/// </summary>
public sealed class MalformedBodyTests
{
    public static IEnumerable<TestCaseData> MalformedBodies()
    {
        var bodies = new (string Name, byte[] Bytes)[]
        {
            ("invalid UTF-8", [.. "{\"phone_number\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]),
            ("lone surrogate", "{\"phone_number\":\"\\ud800\",\"name\":\"\\udc00\",\"body\":\"\\ud83d\",\"to_number\":\"\\ud800\"}"u8.ToArray()),
            ("surrogate key", "{\"\\ud800\":\"x\"}"u8.ToArray()),
            ("wrong types", "{\"phone_number\":12,\"name\":[1],\"body\":{},\"test_mode\":\"yes\",\"lookup_cache_days\":\"7\"}"u8.ToArray()),
            ("not an object", "[]"u8.ToArray()),
            ("truncated", "{\"phone_number\":"u8.ToArray()),
        };
        var routes = new[] { "POST phone/normalize", "POST phone/lookup", "POST phone", "PUT phone/{id}", "POST sms/send", "POST config", "PUT config/{id}", "POST config/{id}/credentials" };
        return from route in routes from body in bodies select new TestCaseData(route, body.Name, body.Bytes).SetName($"MalformedBody({route}, {body.Name})");
    }

    private RestTestHost _host = null!;
    private long _configId;
    private long _phoneId;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await RestTestHost.StartAsync();
        await _host.CreateConfigAsync(null, "system default");
        _configId = (await _host.CreateConfigAsync("g", "mine")).Id;
        _phoneId = (await _host.Hub.Numbers.SaveAsync("+14155552671", new Lookup.PhoneNumberPatch())).Number.Id;
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [TestCaseSource(nameof(MalformedBodies))]
    public async Task MalformedBody_AnyRoute_Answers4xxWithoutDetails(string route, string kind, byte[] bytes)
    {
        using var client = _host.Client("admin", "g", [.. PhoneHubPermissions.All]);
        var id = (route.Contains("config", StringComparison.Ordinal) ? _configId : _phoneId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1].Replace("{id}", id, StringComparison.Ordinal));
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"{Prefix}/{path}") { Content = content });

        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.InRange(400, 499), $"{kind}: {text}");
        Assert.That(text, Does.Not.Contain("Exception").And.Not.Match(@"\bat [A-Z][\w.]+[.(]"), "no stack trace");
    }
}
