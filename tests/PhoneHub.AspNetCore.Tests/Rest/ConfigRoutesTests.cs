using System.Net;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

public sealed class ConfigRoutesTests
{
    private RestTestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await RestTestHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private static string NewGroup() => "g-" + Guid.NewGuid().ToString("N")[..8];

    private HttpClient Manager(string group) => _host.Client("cfg-admin", group, PhoneHubPermissions.ManagePhoneConfig);

    [Test]
    public async Task Crud_OwnGroup_RoundTrip()
    {
        var group = NewGroup();
        using var client = Manager(group);

        using var created = await client.PostAsync($"{Prefix}/config", Json(new { name = "Main", provider = "twilio", settings = new { from_number = "(415) 555-2671" }, test_mode = true }));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(created);
        Assert.That((string?)json["group"], Is.EqualTo(group));
        Assert.That((bool?)json["system_default"], Is.False);
        Assert.That((string?)json["settings"]?["from_number"], Is.EqualTo("+14155552671"));
        Assert.That((string?)json["identities"]?[0]?["kind"], Is.EqualTo("phone_number"));
        Assert.That((bool?)json["is_active"], Is.False, "activation is asked for, never implied");
        Assert.That((bool?)json["has_credentials"], Is.False);
        var location = created.Headers.Location!;

        using var put = await client.PutAsync(location, Json(new { name = "Renamed", lookup_cache_days = 7 }));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        var updated = await ReadJsonAsync(put);
        Assert.That((string?)updated["name"], Is.EqualTo("Renamed"));
        Assert.That((int?)updated["lookup_cache_days"], Is.EqualTo(7));
        Assert.That((bool?)updated["test_mode"], Is.True, "omitted fields keep their value");

        using var list = await client.GetAsync($"{Prefix}/config");
        Assert.That((await ReadJsonAsync(list))["items"]!.AsArray().Select(i => (string?)i!["name"]), Is.EqualTo(new[] { "Renamed" }));

        using var test = await client.PostAsync($"{location}/test", null);
        Assert.That(test.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((bool?)(await ReadJsonAsync(test))["success"], Is.True);

        using var delete = await client.DeleteAsync(location);
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await client.GetAsync(location);
        await AssertProblemAsync(gone, 404, "not_found");
    }

    [Test]
    public async Task Create_Invalid_Returns400WithFieldErrors()
    {
        using var client = Manager(NewGroup());

        using var response = await client.PostAsync($"{Prefix}/config", Json(new { name = "", provider = "twilio", settings = new { aws_region = "moon", from_number = "12" }, lookup_cache_days = -1, test_mode = true }));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["name"], Is.Not.Null);
        Assert.That(problem["errors"]?["settings.aws_region"], Is.Not.Null, "a setting Twilio does not have");
        Assert.That(problem["errors"]?["settings.from_number"], Is.Not.Null);
        Assert.That(problem["errors"]?["lookup_cache_days"], Is.Not.Null);
    }

    [Test]
    public async Task Create_UnknownProvider_Returns400AndStoresNothing()
    {
        var group = NewGroup();
        using var client = Manager(group);

        using var response = await client.PostAsync($"{Prefix}/config", Json(new { name = "x", provider = "foo", is_active = true }));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["provider"], Is.Not.Null);
        using var list = await client.GetAsync($"{Prefix}/config");
        Assert.That((await ReadJsonAsync(list))["items"]!.AsArray(), Is.Empty);

        // And so no send of the group can later fail with a 500 for it.
        using var sender = _host.Client("s", group, PhoneHubPermissions.ManageSms);
        using var send = await sender.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x" }));
        Assert.That((int)send.StatusCode, Is.LessThan(500));
    }

    [Test]
    public async Task Create_ActiveReplacingAnother_SaysWhichItDeactivated()
    {
        var group = NewGroup();
        using var client = Manager(group);
        using var first = await client.PostAsync($"{Prefix}/config", Json(new { name = "one", test_mode = true, is_active = true }));
        var firstId = (long)(await ReadJsonAsync(first))["id"]!;
        Assert.That((await ReadJsonAsync(first))["deactivated_config_ids"]!.AsArray(), Is.Empty);

        using var second = await client.PostAsync($"{Prefix}/config", Json(new { name = "two", test_mode = true, is_active = true }));
        var json = await ReadJsonAsync(second);
        Assert.That(json["deactivated_config_ids"]!.AsArray().Select(n => (long)n!), Is.EqualTo(new[] { firstId }));

        using var back = await client.PostAsync($"{Prefix}/config/{firstId}/activate", null);
        Assert.That(back.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(back))["deactivated_config_ids"]!.AsArray().Select(n => (long)n!), Is.EqualTo(new[] { (long)json["id"]! }));
    }

    [Test]
    public async Task Create_NumberOfAnotherGroup_Returns409_AndOf20ConcurrentClaimsExactlyOneWins()
    {
        const string number = "+12125550177";
        using var owner = Manager(NewGroup());
        using var mine = await owner.PostAsync($"{Prefix}/config", Json(new { name = "a", provider = "twilio", settings = new { from_number = number }, is_active = true }));
        Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.Created), await mine.Content.ReadAsStringAsync());

        using var thief = Manager(NewGroup());
        using var stolen = await thief.PostAsync($"{Prefix}/config", Json(new { name = "b", provider = "twilio", settings = new { from_number = number }, is_active = true }));
        var problem = await AssertProblemAsync(stolen, 409, "identity_conflict");
        Assert.That(problem.ToJsonString(), Does.Not.Contain(owner.DefaultRequestHeaders.GetValues(TestAuthHandler.GroupHeader).Single()), "the holder's group is not revealed");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var client = Manager(NewGroup());
            using var response = await client.PostAsync($"{Prefix}/config", Json(new { name = "c", provider = "twilio", settings = new { messaging_service_sid = "MG00000000000000000000000000000177" }, is_active = true }));
            return (int)response.StatusCode;
        }));
        Assert.That(statuses.Count(s => s == 201), Is.EqualTo(1));
        Assert.That(statuses.Count(s => s == 409), Is.EqualTo(19));
    }

    [Test]
    public async Task Credentials_UnknownNames_Return400_SeedNamesAreAccepted()
    {
        var group = NewGroup();
        var sid = "AC" + Guid.NewGuid().ToString("N");
        var config = await _host.CreateConfigAsync(group, settings: new Dictionary<string, string> { ["from_number"] = "+12125550178" });
        using var client = Manager(group);

        using var unknown = await client.PostAsync($"{Prefix}/config/{config.Id}/credentials", Json(new { account_sid = sid, token = "x" }));
        var problem = await AssertProblemAsync(unknown, 400, "validation_failed");
        Assert.That(problem["errors"]?["credentials.token"], Is.Not.Null);
        Assert.That((await _host.Hub.Configs.GetAsync(config.Id))!.HasCredentials, Is.False, "nothing stored");

        using var seed = await client.PostAsync($"{Prefix}/config/{config.Id}/credentials", Json(new { twilio_account_sid = sid, twilio_auth_token = "seed-token" }));
        Assert.That(seed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await seed.Content.ReadAsStringAsync());
        using var get = await client.GetAsync($"{Prefix}/config/{config.Id}");
        var json = await ReadJsonAsync(get);
        Assert.That((bool?)json["has_credentials"], Is.True);
        Assert.That((string?)json["settings"]?["account_sid"], Is.EqualTo(sid));
        Assert.That(json.ToJsonString(), Does.Not.Contain("seed-token"));
    }

    [Test]
    public async Task Create_WithCredentialFieldsInBody_Returns400InsteadOfIgnoringThem()
    {
        using var client = Manager(NewGroup());

        using var response = await client.PostAsync($"{Prefix}/config", Json(new { name = "x", test_mode = true, auth_token = "should-not-be-here" }));

        var problem = await AssertProblemAsync(response, 400, "invalid_json");
        Assert.That(problem.ToJsonString(), Does.Not.Contain("should-not-be-here"));
    }

    [Test]
    public async Task Create_SystemDefaultWithoutManageGroups_Returns403()
    {
        using var client = Manager(NewGroup());

        using var response = await client.PostAsync($"{Prefix}/config", Json(new { name = "sys", test_mode = true, system_default = true }));

        await AssertProblemAsync(response, 403, "forbidden");
    }

    [Test]
    public async Task Create_WithoutGroupOrManageGroups_Returns403()
    {
        using var client = _host.Client("cfg-admin", null, PhoneHubPermissions.ManagePhoneConfig);

        using var response = await client.PostAsync($"{Prefix}/config", Json(new { name = "x", test_mode = true }));

        await AssertProblemAsync(response, 403, "forbidden");
    }

    [Test]
    public async Task SystemDefault_WithManageGroups_IsListedAndManageable()
    {
        var group = NewGroup();
        using var admin = _host.Client("root", group, PhoneHubPermissions.ManagePhoneConfig, PhoneHubPermissions.ManageGroups);

        using var created = await admin.PostAsync($"{Prefix}/config", Json(new { name = "sys-" + group, test_mode = true, system_default = true, is_active = false }));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(created);
        Assert.That((bool?)json["system_default"], Is.True);
        Assert.That(json["group"], Is.Null);

        using var list = await admin.GetAsync($"{Prefix}/config");
        Assert.That((await ReadJsonAsync(list)).ToJsonString(), Does.Contain("sys-" + group));

        // Without manage_groups the same config is forbidden and left out of the list.
        using var plain = Manager(group);
        using var get = await plain.GetAsync(created.Headers.Location);
        await AssertProblemAsync(get, 403, "forbidden");
        using var plainList = await plain.GetAsync($"{Prefix}/config");
        Assert.That((await ReadJsonAsync(plainList)).ToJsonString(), Does.Not.Contain("sys-" + group));

        using var move = await admin.PutAsync(created.Headers.Location, Json(new { system_default = false }));
        await AssertProblemAsync(move, 400, "validation_failed");
    }

    [Test]
    public async Task IdRoutes_OtherGroupsConfig_Return404()
    {
        var theirs = await _host.CreateConfigAsync(NewGroup(), "theirs");
        using var client = Manager(NewGroup());
        var url = $"{Prefix}/config/{theirs.Id}";

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync(url),
            () => client.PutAsync(url, Json(new { name = "mine now" })),
            () => client.DeleteAsync(url),
            () => client.PostAsync($"{url}/test", null),
            () => client.PostAsync($"{url}/credentials", Json(new { auth_token = "x" })),
        })
        {
            using var response = await request();
            await AssertProblemAsync(response, 404, "not_found");
        }

        var still = await _host.Hub.Configs.GetAsync(theirs.Id);
        Assert.That(still?.Name, Is.EqualTo("theirs"));
        Assert.That(still?.HasCredentials, Is.False);
    }

    [Test]
    public async Task Routes_WithoutManagePhoneConfig_Return403()
    {
        var group = NewGroup();
        var mine = await _host.CreateConfigAsync(group);
        using var client = _host.Client("u", group, PhoneHubPermissions.ManageSms, PhoneHubPermissions.ManagePhoneNumbers, PhoneHubPermissions.ManageGroups);

        using var list = await client.GetAsync($"{Prefix}/config");
        using var get = await client.GetAsync($"{Prefix}/config/{mine.Id}");

        await AssertProblemAsync(list, 403, "forbidden");
        await AssertProblemAsync(get, 403, "forbidden");
    }

    [Test]
    public async Task Routes_Anonymous_Return401()
    {
        using var client = _host.Client(null, null);

        using var response = await client.GetAsync($"{Prefix}/config");

        await AssertProblemAsync(response, 401, "unauthenticated");
    }

    [Test]
    public async Task Credentials_Set_Returns204AndShowsOnlyHasCredentials()
    {
        var group = NewGroup();
        var config = await _host.CreateConfigAsync(group);
        using var client = Manager(group);

        using var response = await client.PostAsync($"{Prefix}/config/{config.Id}/credentials", Json(new { account_sid = "AC" + new string('1', 32), auth_token = "tok-123" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
        using var get = await client.GetAsync($"{Prefix}/config/{config.Id}");
        var json = await ReadJsonAsync(get);
        Assert.That((bool?)json["has_credentials"], Is.True);
        Assert.That(json.ToJsonString(), Does.Not.Contain("tok-123"));
    }

    [Test]
    public async Task Credentials_Empty_Returns400()
    {
        var group = NewGroup();
        var config = await _host.CreateConfigAsync(group);
        using var client = Manager(group);

        using var response = await client.PostAsync($"{Prefix}/config/{config.Id}/credentials", Json(new { }));

        await AssertProblemAsync(response, 400, "validation_failed");
    }

    [Test]
    public async Task Credentials_NonStringValue_Returns400()
    {
        var group = NewGroup();
        var config = await _host.CreateConfigAsync(group);
        using var client = Manager(group);

        using var response = await client.PostAsync($"{Prefix}/config/{config.Id}/credentials", RawJson("{\"auth_token\": 12345}"));

        await AssertProblemAsync(response, 400, "invalid_json");
    }

    [Test]
    public async Task Credentials_WithoutEncryptionKey_Returns503RevealingNothingOfTheHost()
    {
        await using var host = await RestTestHost.StartAsync(withEncryptionKey: false);
        var config = await host.CreateConfigAsync("g");
        using var client = host.Client("u", "g", PhoneHubPermissions.ManagePhoneConfig);

        using var response = await client.PostAsync($"{Prefix}/config/{config.Id}/credentials", Json(new { auth_token = "tok-no-key" }));

        var problem = await AssertProblemAsync(response, 503, "credentials_unavailable");
        Assert.That(problem.ToJsonString(), Does.Not.Contain("EncryptionKey").And.Not.Contain("PHONEHUB").And.Not.Contain("tok-no-key"));
        Assert.That(host.Logs.AllText, Does.Contain("PhoneHub:EncryptionKey"), "the operator is told which setting to fix");
        Assert.That(host.Logs.AllText, Does.Not.Contain("tok-no-key"));
    }

    [Test]
    public async Task Test_ProviderNotRegistered_ReportsFailureWithoutThrowing()
    {
        var group = NewGroup();
        var config = await _host.InsertConfigAsOtherHostAsync(group, "carrier-pigeon");
        using var client = Manager(group);

        using var response = await client.PostAsync($"{Prefix}/config/{config.Id}/test", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await ReadJsonAsync(response);
        Assert.That((bool?)json["success"], Is.False);
        Assert.That((string?)json["error_code"], Is.EqualTo("provider_not_registered"));
    }
}
