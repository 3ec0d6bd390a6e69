using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using static PhoneHub.AspNetCore.Authorization.PhoneHubPermissions;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

/// <summary><c>verify/...</c> over a real host: status codes, reason codes and Retry-After.</summary>
public sealed class VerificationRoutesTests
{
    private const string Group = "acme";

    private RestTestHost _host = null!;
    private HttpClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = await RestTestHost.StartAsync();
        await _host.CreateConfigAsync(Group);
        _client = _host.Client("ada", Group, VerifyPhoneNumbers);
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Start_SixthWithinTenMinutes_Answers429WithRetryAfter()
    {
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = "+14155552671" }));
            statuses.Add((int)response.StatusCode);
        }

        using var refused = await _client.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = "+14155552671" }));

        Assert.That(statuses, Is.EqualTo(new[] { 201, 200, 200, 200, 200 }), "the first start creates, later ones resend");
        await AssertProblemAsync(refused, 429, "too_many_starts");
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.That(retryAfter, Is.Not.Null);
        Assert.That(retryAfter!.Value, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public async Task Start_ThenWrongCode_Answers200PendingWithRemainingChecks()
    {
        using var start = await _client.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = "(415) 555-2672", code_length = 8 }));
        var started = await ReadJsonAsync(start);

        using var check = await _client.PostAsync($"{Prefix}/verify/check", Json(new { phone_number = "+14155552672", code = "1234" }));
        var answer = await ReadJsonAsync(check);

        Assert.Multiple(() =>
        {
            Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((string?)started["phone_number"], Is.EqualTo("+14155552672"));
            Assert.That((string?)started["status"], Is.EqualTo("pending"));
            Assert.That(started["code"], Is.Null, "the code is never returned");
            Assert.That(check.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((string?)answer["status"], Is.EqualTo("pending"));
            Assert.That((string?)answer["reason"], Is.EqualTo("incorrect_code"));
            Assert.That((int?)answer["remaining_checks"], Is.EqualTo(4));
            Assert.That((long?)answer["verification_id"], Is.EqualTo((long?)started["id"]));
        });
    }

    [Test]
    public async Task Cancel_ThenCheck_Answers404VerificationNotFound()
    {
        using var start = await _client.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = "+14155552673" }));
        var id = (long)(await ReadJsonAsync(start))["id"]!;

        using var cancel = await _client.PostAsync($"{Prefix}/verify/{id}/cancel", null);
        using var check = await _client.PostAsync($"{Prefix}/verify/check", Json(new { verification_id = id, code = "123456" }));

        Assert.That((string?)(await ReadJsonAsync(cancel))["status"], Is.EqualTo("canceled"));
        await AssertProblemAsync(check, 404, "verification_not_found");
    }

    [Test]
    public async Task Check_WithoutCodeOrTarget_Answers400()
    {
        using var noCode = await _client.PostAsync($"{Prefix}/verify/check", Json(new { phone_number = "+14155552671" }));
        using var noTarget = await _client.PostAsync($"{Prefix}/verify/check", Json(new { code = "123456" }));
        using var badNumber = await _client.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = "12" }));

        await AssertProblemAsync(noCode, 400, "validation_failed");
        await AssertProblemAsync(noTarget, 400, "validation_failed");
        Assert.That((int)badNumber.StatusCode, Is.EqualTo(400));
    }

    [Test]
    public async Task Start_WithoutCodeKeyOnTheServer_Answers503()
    {
        await using var host = await RestTestHost.StartAsync(configure: b =>
            b.Services.Configure<PhoneHub.Verification.VerificationOptions>(o => o.CodeKey = null));
        await host.CreateConfigAsync(Group);
        using var client = host.Client("ada", Group, VerifyPhoneNumbers);

        using var response = await client.PostAsync($"{Prefix}/verify/start", Json(new { phone_number = "+14155552671" }));

        await AssertProblemAsync(response, 503, "verification_unavailable");
    }
}
