using System.Net;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using PhoneHub.Messaging;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

public sealed class SmsRoutesTests
{
    private RestTestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await RestTestHost.StartAsync();
        await _host.CreateConfigAsync(null, "system default");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private static string NewGroup() => "g-" + Guid.NewGuid().ToString("N")[..8];

    [Test]
    public async Task Send_Valid_Returns201WithCallerGroupAndUser()
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new
        {
            to_number = "(415) 555-2671",
            body = "Hello from the tests",
            metadata = new Dictionary<string, string> { ["OrderId"] = "42" },
        }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        Assert.That((string?)json["to_number"], Is.EqualTo("+14155552671"));
        Assert.That((string?)json["group"], Is.EqualTo(group));
        Assert.That((string?)json["user"], Is.EqualTo("alice"));
        Assert.That((string?)json["direction"], Is.EqualTo("outbound"));
        Assert.That((bool?)json["is_test"], Is.True);
        Assert.That((string?)json["metadata"]?["OrderId"], Is.EqualTo("42"), "metadata keys are kept as written");
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"{Prefix}/sms/{(long)json["id"]!}"));

        using var get = await client.GetAsync(response.Headers.Location);
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Send_InvalidRecipient_Returns400WithCode()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "12", body = "x" }));

        await AssertProblemAsync(response, 400, "too_short");
    }

    [Test]
    public async Task Send_EmptyBodyAndBadMedia_Returns400WithErrors()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x", media_urls = new[] { "ftp://example.com/a.png" } }));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["media_urls"], Is.Not.Null);
    }

    [Test]
    public async Task Send_WithViewOnly_Returns403()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ViewSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x" }));

        var problem = await AssertProblemAsync(response, 403, "forbidden");
        Assert.That((string?)problem["detail"], Is.EqualTo("This route requires the 'manage_sms' permission."));
    }

    [Test]
    public async Task Send_Anonymous_Returns401()
    {
        using var client = _host.Client(null, null);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x" }));

        await AssertProblemAsync(response, 401, "unauthenticated");
    }

    [Test]
    public async Task Send_NoConfigApplies_Returns409()
    {
        await using var host = await RestTestHost.StartAsync();
        using var client = host.Client("alice", "lonely", PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x" }));

        await AssertProblemAsync(response, 409, "config_not_found");
    }

    [Test]
    public async Task Send_ProviderMissingFromThisHost_Returns503WithoutHostDetails()
    {
        await using var host = await RestTestHost.StartAsync();
        var group = NewGroup();
        await host.InsertConfigAsOtherHostAsync(group, "carrier-pigeon");
        using var client = host.Client("alice", group, PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x" }));

        // The caller learns that sending is unavailable, nothing of how the host is set up; the operator's log says it.
        var problem = await AssertProblemAsync(response, 503, "provider_not_registered");
        Assert.That(problem.ToJsonString(), Does.Not.Contain("carrier-pigeon").And.Not.Contain("AddCarrier").And.Not.Contain("services."));
        Assert.That(host.Logs.AllText, Does.Contain("carrier-pigeon"));
    }

    [Test]
    public async Task Get_OtherGroupsMessage_Returns404LikeMissing()
    {
        var mine = NewGroup();
        var theirs = await _host.CreateMessageAsync(NewGroup(), "their secret");
        using var client = _host.Client("alice", mine, PhoneHubPermissions.ViewSms);

        using var other = await client.GetAsync($"{Prefix}/sms/{theirs.Id}");
        using var missing = await client.GetAsync($"{Prefix}/sms/987654321");

        var a = await AssertProblemAsync(other, 404, "not_found");
        var b = await AssertProblemAsync(missing, 404, "not_found");
        Assert.That(a.ToJsonString(), Is.EqualTo(b.ToJsonString()), "another group's id is indistinguishable from a missing one");
    }

    [Test]
    public async Task Get_WithoutPermission_Returns403()
    {
        var group = NewGroup();
        var message = await _host.CreateMessageAsync(group, "hello");
        using var client = _host.Client("alice", group, PhoneHubPermissions.ViewPhoneNumbers);

        using var response = await client.GetAsync($"{Prefix}/sms/{message.Id}");

        await AssertProblemAsync(response, 403, "forbidden");
    }

    [Test]
    public async Task List_ShowsOnlyOwnGroupAndAppliesFilters()
    {
        var group = NewGroup();
        var other = NewGroup();
        var outbound = await _host.CreateMessageAsync(group, "out", to: "+14155550001");
        var inbound = await _host.CreateMessageAsync(group, "in", to: "+14155550002", direction: SmsDirection.Inbound);
        await _host.CreateMessageAsync(other, "not yours");
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);

        using var all = await client.GetAsync($"{Prefix}/sms");
        var allJson = await ReadJsonAsync(all);
        Assert.That((long)allJson["total_count"]!, Is.EqualTo(2));
        Assert.That(allJson.ToJsonString(), Does.Not.Contain("not yours"));

        using var byDirection = await client.GetAsync($"{Prefix}/sms?direction=inbound");
        var items = (await ReadJsonAsync(byDirection))["items"]!.AsArray();
        Assert.That(items.Select(i => (long)i!["id"]!), Is.EqualTo(new[] { inbound.Id }));

        using var byStatus = await client.GetAsync($"{Prefix}/sms?status=sent");
        Assert.That((await ReadJsonAsync(byStatus))["items"]!.AsArray().Select(i => (long)i!["id"]!), Is.EqualTo(new[] { outbound.Id }));

        using var byNumber = await client.GetAsync($"{Prefix}/sms?number={Uri.EscapeDataString("(415) 555-0001")}");
        Assert.That((await ReadJsonAsync(byNumber))["items"]!.AsArray().Select(i => (long)i!["id"]!), Is.EqualTo(new[] { outbound.Id }));

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        using var byDate = await client.GetAsync($"{Prefix}/sms?from={future}");
        Assert.That((long)(await ReadJsonAsync(byDate))["total_count"]!, Is.Zero);

        using var paged = await client.GetAsync($"{Prefix}/sms?limit=1&offset=1");
        var page = await ReadJsonAsync(paged);
        Assert.That(page["items"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That((int)page["offset"]!, Is.EqualTo(1));
    }

    [TestCase("direction=sideways")]
    [TestCase("status=teleported")]
    [TestCase("number=12")]
    [TestCase("from=yesterday")]
    [TestCase("from=2026-02-01&to=2026-01-01")]
    [TestCase("limit=1000")]
    public async Task List_BadFilter_Returns400WithErrors(string query)
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ViewSms);

        using var response = await client.GetAsync($"{Prefix}/sms?{query}");

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]!.AsObject(), Is.Not.Empty);
    }

    [Test]
    public async Task List_Anonymous_Returns401()
    {
        using var client = _host.Client(null, null);

        using var response = await client.GetAsync($"{Prefix}/sms");

        await AssertProblemAsync(response, 401, "unauthenticated");
    }
}
