using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using static PhoneHub.AspNetCore.Authorization.PhoneHubPermissions;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

/// <summary>
/// Every REST route × every permission set × two groups. Group A owns the resources; the expected answer is written
/// out per route here (not computed by the code under test): 403 without the permission, 404 for group B on group A's
/// resources, success otherwise; and no answer to group B ever contains group A's data or anyone's credentials.
/// Shared phone-number records are read by every group, so writing them needs manage_groups besides manage_phone_numbers.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class AuthorizationMatrixTests
{
    private const string GroupA = "alpha";
    private const string GroupB = "beta";
    private const string Secret = "matrix-planted-secret-7f3a";

    private static readonly Dictionary<string, string[]> PermissionSets = new()
    {
        ["none"] = [],
        [ViewPhoneNumbers] = [ViewPhoneNumbers],
        [ManagePhoneNumbers] = [ManagePhoneNumbers],
        [ViewSms] = [ViewSms],
        [ManageSms] = [ManageSms],
        [ManagePhoneConfig] = [ManagePhoneConfig],
        [ManageGroups] = [ManageGroups],
        [VerifyPhoneNumbers] = [VerifyPhoneNumbers],
        ["config+groups"] = [ManagePhoneConfig, ManageGroups],
        ["numbers+groups"] = [ManagePhoneNumbers, ManageGroups],
        ["all"] = [.. All],
    };

    // Distinct numbers per case, so "POST phone" always creates (201) rather than updates.
    private static int _nextNumber = 1000;

    private static readonly string[] ViewNumbers = [ViewPhoneNumbers, ManagePhoneNumbers];
    private static readonly string[] ViewMessages = [ViewSms, ManageSms];

    /// <summary>The routes: what each needs (every inner list is "any of"), whether it touches group A's data, what success is.</summary>
    private static readonly Route[] Routes =
    [
        new("POST phone/normalize", [ViewNumbers], false, 200, (c, _) => c.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = "+14155552671" }))),
        new("POST phone/lookup", [ViewNumbers], false, 200, (c, _) => c.PostAsync($"{Prefix}/phone/lookup", Json(new { phone_number = "+14155552671" }))),
        new("GET phone", [ViewNumbers], false, 200, (c, _) => c.GetAsync($"{Prefix}/phone")),
        new("POST phone", [[ManagePhoneNumbers], [ManageGroups]], false, 201, (c, _) => c.PostAsync($"{Prefix}/phone", Json(new { phone_number = $"+1202555{Interlocked.Increment(ref _nextNumber)}" }))),
        new("GET phone/{id}", [ViewNumbers], false, 200, (c, f) => c.GetAsync($"{Prefix}/phone/{f.PhoneId}")),
        new("PUT phone/{id}", [[ManagePhoneNumbers], [ManageGroups]], false, 200, (c, f) => c.PutAsync($"{Prefix}/phone/{f.PhoneId}", Json(new { carrier = "x" }))),
        new("DELETE phone/{id}", [[ManagePhoneNumbers], [ManageGroups]], false, 204, (c, f) => c.DeleteAsync($"{Prefix}/phone/{f.PhoneId}")),
        new("POST sms/send", [[ManageSms]], false, 201, (c, _) => c.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "hi" }))),
        new("POST sms/bulk", [[ManageSms]], false, 202, (c, _) => c.PostAsync($"{Prefix}/sms/bulk", Json(new { messages = new[] { new { to_number = "+14155552671", body = "hi" } } }))),
        new("GET sms/batches/{id}", [ViewMessages], true, 200, (c, f) => c.GetAsync($"{Prefix}/sms/batches/{f.BatchId}")),
        new("POST sms/{id}/cancel", [[ManageSms]], true, 200, (c, f) => c.PostAsync($"{Prefix}/sms/{f.ScheduledId}/cancel", null)),
        new("GET sms", [ViewMessages], false, 200, (c, _) => c.GetAsync($"{Prefix}/sms")),
        new("GET sms/{id}", [ViewMessages], true, 200, (c, f) => c.GetAsync($"{Prefix}/sms/{f.MessageId}")),
        new("GET config", [[ManagePhoneConfig]], false, 200, (c, _) => c.GetAsync($"{Prefix}/config")),
        new("POST config", [[ManagePhoneConfig]], false, 201, (c, _) => c.PostAsync($"{Prefix}/config", Json(new { name = "new", test_mode = true }))),
        new("GET config/{id}", [[ManagePhoneConfig]], true, 200, (c, f) => c.GetAsync($"{Prefix}/config/{f.ConfigId}")),
        new("PUT config/{id}", [[ManagePhoneConfig]], true, 200, (c, f) => c.PutAsync($"{Prefix}/config/{f.ConfigId}", Json(new { name = "changed" }))),
        new("DELETE config/{id}", [[ManagePhoneConfig]], true, 204, (c, f) => c.DeleteAsync($"{Prefix}/config/{f.ConfigId}")),
        new("POST config/{id}/activate", [[ManagePhoneConfig]], true, 200, (c, f) => c.PostAsync($"{Prefix}/config/{f.ConfigId}/activate", null)),
        new("POST config/{id}/test", [[ManagePhoneConfig]], true, 200, (c, f) => c.PostAsync($"{Prefix}/config/{f.ConfigId}/test", null)),
        new("POST config/{id}/credentials", [[ManagePhoneConfig]], true, 204, (c, f) => c.PostAsync($"{Prefix}/config/{f.ConfigId}/credentials", Json(new { auth_token = "replaced" }))),
        new("POST config (system default)", [[ManagePhoneConfig], [ManageGroups]], false, 201, (c, _) => c.PostAsync($"{Prefix}/config", Json(new { name = "sys", test_mode = true, system_default = true, is_active = false }))),
        new("GET config/{system id}", [[ManagePhoneConfig], [ManageGroups]], false, 200, (c, f) => c.GetAsync($"{Prefix}/config/{f.SystemConfigId}")),
        new("PUT config/{system id}", [[ManagePhoneConfig], [ManageGroups]], false, 200, (c, f) => c.PutAsync($"{Prefix}/config/{f.SystemConfigId}", Json(new { lookup_cache_days = 30 }))),
        new("POST config/{system id}/test", [[ManagePhoneConfig], [ManageGroups]], false, 200, (c, f) => c.PostAsync($"{Prefix}/config/{f.SystemConfigId}/test", null)),
        new("POST verify/start", [[VerifyPhoneNumbers]], false, 201, (c, _) => c.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = $"+1202555{Interlocked.Increment(ref _nextNumber)}" }))),
        // A code of four digits never matches the six-digit code sent: a check answers 200 "pending" to its owner.
        new("POST verify/check", [[VerifyPhoneNumbers]], true, 200, (c, f) => c.PostAsync($"{Prefix}/verify/check", Json(new { verification_id = f.VerificationId, code = "0000" }))),
        new("POST verify/{id}/cancel", [[VerifyPhoneNumbers]], true, 200, (c, f) => c.PostAsync($"{Prefix}/verify/{f.VerificationId}/cancel", null)),
    ];

    private RestTestHost _host = null!;
    private long _systemConfigId;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await RestTestHost.StartAsync();
        _systemConfigId = (await _host.CreateConfigAsync(null, "system default")).Id;
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    public static IEnumerable<TestCaseData> Cases() =>
        from route in Routes
        from set in PermissionSets.Keys
        from caller in new[] { GroupA, GroupB }
        select new TestCaseData(route.Name, set, caller).SetName($"Matrix({route.Name}, {set}, {caller})");

    public static IEnumerable<TestCaseData> RouteNames() => Routes.Select(r => new TestCaseData(r.Name).SetName($"Anonymous({r.Name})"));

    [TestCaseSource(nameof(Cases))]
    public async Task Route_PermissionSet_Group_AnswersAsExpected(string routeName, string setName, string callerGroup)
    {
        var route = Routes.Single(r => r.Name == routeName);
        var granted = PermissionSets[setName];
        var fixture = await CreateGroupAFixtureAsync();
        using var client = _host.Client("user-" + callerGroup, callerGroup, granted);

        using var response = await route.Send(client, fixture);
        var body = await response.Content.ReadAsStringAsync();

        var allowed = route.Requires.All(anyOf => anyOf.Any(granted.Contains));
        var expected = !allowed ? 403 : route.OwnedByGroupA && callerGroup != GroupA ? 404 : route.Success;
        Assert.That((int)response.StatusCode, Is.EqualTo(expected), body);
        if (expected >= 400)
        {
            await AssertProblemAsync(response, expected);
        }

        Assert.That(body, Does.Not.Contain(Secret), "credentials never appear in a response");
        if (callerGroup == GroupB)
        {
            Assert.That(body, Does.Not.Contain(fixture.Marker), "group A's data never reaches group B");
        }
    }

    [TestCaseSource(nameof(RouteNames))]
    public async Task Route_Anonymous_Returns401(string routeName)
    {
        var route = Routes.Single(r => r.Name == routeName);
        var fixture = await CreateGroupAFixtureAsync();
        using var client = _host.Client(null, null);

        using var response = await route.Send(client, fixture);

        await AssertProblemAsync(response, 401, "unauthenticated");
    }

    [Test]
    public void Matrix_CoversEveryRestRoute()
    {
        var mapped = _host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PhoneHubRestEndpointMetadata>() is not null)
            .Select(e => $"{e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Single()} {e.RoutePattern.RawText!.Replace(Prefix + "/", "", StringComparison.Ordinal).Replace(":long", "", StringComparison.Ordinal).TrimEnd('/')}")
            .ToHashSet();
        var covered = Routes.Select(r => r.Name.Replace("{system id}", "{id}", StringComparison.Ordinal).Replace(" (system default)", "", StringComparison.Ordinal)).ToHashSet();

        Assert.That(mapped, Is.SubsetOf(covered));
        Assert.That(mapped, Has.Count.EqualTo(24));
    }

    private async Task<Fixture> CreateGroupAFixtureAsync()
    {
        var marker = "alpha-private-" + Guid.NewGuid().ToString("N");
        var config = await _host.CreateConfigAsync(GroupA, marker);
        await _host.Hub.Configs.SetCredentialsAsync(config.Id, Security.ProviderCredentials.ForTwilio("AC" + new string('0', 32), Secret));
        var message = await _host.CreateMessageAsync(GroupA, marker);
        var phone = await _host.Services.GetRequiredService<Stores.IPhoneNumberStore>().UpsertAsync(new Lookup.PhoneNumber
        {
            E164 = $"+1303555{Interlocked.Increment(ref _nextNumber)}",
            IsValid = true,
            Created = DateTimeOffset.UtcNow,
            Modified = DateTimeOffset.UtcNow,
        });
        // Scheduled a day ahead so that no dispatcher takes them while the case runs: the cancel stays cancelable.
        var later = DateTimeOffset.UtcNow.AddDays(1);
        var scheduled = await _host.Hub.Messages.EnqueueAsync(new Messaging.SendSmsRequest { To = "+14155552671", Body = marker, SendAt = later }, GroupA, "seed");
        var batch = await _host.Hub.Messages.SendManyAsync([new Messaging.SendSmsRequest { To = "+14155552671", Body = marker, SendAt = later }], GroupA, "seed");
        var verification = await _host.Services.GetRequiredService<PhoneHub.Verification.IVerificationService>()
            .StartAsync($"+1312555{Interlocked.Increment(ref _nextNumber)}", GroupA);
        return new Fixture(marker, config.Id, message.Id, phone.Id, _systemConfigId, scheduled.Id, batch.Batch.Id, verification.Verification.Id);
    }

    private sealed record Fixture(string Marker, long ConfigId, long MessageId, long PhoneId, long SystemConfigId, long ScheduledId, long BatchId, long VerificationId);

    private sealed record Route(string Name, string[][] Requires, bool OwnedByGroupA, int Success, Func<HttpClient, Fixture, Task<HttpResponseMessage>> Send);
}
