using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Rest;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Stores;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

/// <summary>
/// The send pipeline over HTTP: idempotency keys, scheduling and cancel, bulk sends as JSON and CSV, and batches. The
/// host's background dispatcher is off, so what is queued stays queued until a test dispatches it.
/// </summary>
public sealed class SmsPipelineRoutesTests
{
    private RestTestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await RestTestHost.StartAsync(configure: b => b.Services
            .Configure<SmsDispatchOptions>(o => o.Enabled = false)
            .Configure<PhoneHubRestOptions>(o => o.MaxBulkMessages = 50));
        await _host.CreateConfigAsync(null, "system default");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private static string NewGroup() => "g-" + Guid.NewGuid().ToString("N")[..8];

    private static HttpRequestMessage SendRequest(object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/sms/send") { Content = Json(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private async Task<long> CountAsync(string group) => (await _host.Hub.Messages.ListAsync(new SmsQuery { Group = group })).TotalCount;

    [Test]
    public async Task Send_SameIdempotencyKeyTwice_ReturnsTheSameMessage()
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);

        using var first = await client.SendAsync(SendRequest(new { to_number = "+14155552671", body = "Order shipped" }, "order-7-shipped"));
        using var again = await client.SendAsync(SendRequest(new { to_number = "+14155552671", body = "Order shipped" }, "order-7-shipped"));

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var a = await ReadJsonAsync(first);
        var b = await ReadJsonAsync(again);
        Assert.Multiple(async () =>
        {
            Assert.That((long)b["id"]!, Is.EqualTo((long)a["id"]!));
            Assert.That((string?)b["idempotency_key"], Is.EqualTo("order-7-shipped"));
            Assert.That(await CountAsync(group), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_TwentyConcurrentRetriesWithOneKey_StoreOneMessage()
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.SendAsync(SendRequest(new { to_number = "+14155552671", body = "Your code is 884422" }, "signup-99"))));
        var ids = new HashSet<long>();
        foreach (var response in responses)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            ids.Add((long)(await ReadJsonAsync(response))["id"]!);
            response.Dispose();
        }

        Assert.That(ids, Has.Count.EqualTo(1));
        Assert.That(await CountAsync(group), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_UsedKeyWithAnotherBody_Returns422()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        using var first = await client.SendAsync(SendRequest(new { to_number = "+14155552671", body = "A" }, "k"));

        using var second = await client.SendAsync(SendRequest(new { to_number = "+14155552671", body = "B" }, "k"));

        var problem = await AssertProblemAsync(second, 422, "idempotency_conflict");
        Assert.That((string?)problem["detail"], Does.Contain((string?)(await ReadJsonAsync(first))["id"]?.ToString()));
    }

    [Test]
    public async Task Send_SameKeyInAnotherGroup_IsAnotherMessage()
    {
        using var acme = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        using var globex = _host.Client("bob", NewGroup(), PhoneHubPermissions.ManageSms);

        using var a = await acme.SendAsync(SendRequest(new { to_number = "+14155552671", body = "A" }, "shared"));
        using var b = await globex.SendAsync(SendRequest(new { to_number = "+14155552671", body = "B" }, "shared"));

        Assert.That(b.StatusCode, Is.EqualTo(HttpStatusCode.Created), "keys are per group: another group's key is not a conflict");
        Assert.That((long)(await ReadJsonAsync(b))["id"]!, Is.Not.EqualTo((long)(await ReadJsonAsync(a))["id"]!));
    }

    [TestCase("a-key-of-256-characters-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task Send_BadIdempotencyKey_Returns400(string key)
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        using var response = await client.SendAsync(SendRequest(new { to_number = "+14155552671", body = "x" }, key));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["idempotency_key"], Is.Not.Null);
    }

    [Test]
    public async Task Send_TwoIdempotencyKeyHeaders_Returns400()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        var request = SendRequest(new { to_number = "+14155552671", body = "x" }, "one");
        request.Headers.Add("Idempotency-Key", "two");

        using var response = await client.SendAsync(request);

        await AssertProblemAsync(response, 400, "validation_failed");
    }

    [Test]
    public async Task Send_SendAtLater_IsScheduledAndCanBeCanceledOnce()
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);
        var at = DateTimeOffset.UtcNow.AddHours(3);

        using var send = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "Reminder", send_at = at.ToString("yyyy-MM-dd'T'HH:mm:ss'-05:00'", System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.That(send.StatusCode, Is.EqualTo(HttpStatusCode.Created), await send.Content.ReadAsStringAsync());
        var message = await ReadJsonAsync(send);
        Assert.That((string?)message["status"], Is.EqualTo("scheduled"));
        Assert.That(message["send_at"], Is.Not.Null);

        using var cancel = await client.PostAsync($"{Prefix}/sms/{(long)message["id"]!}/cancel", null);
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK), await cancel.Content.ReadAsStringAsync());
        Assert.That((string?)(await ReadJsonAsync(cancel))["status"], Is.EqualTo("canceled"));

        using var again = await client.PostAsync($"{Prefix}/sms/{(long)message["id"]!}/cancel", null);
        var problem = await AssertProblemAsync(again, 409, "not_cancelable");
        Assert.That((string?)problem["detail"], Does.Contain("canceled"));
    }

    [Test]
    public async Task Cancel_SentMessage_Returns409()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        using var send = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "Now" }));
        var id = (long)(await ReadJsonAsync(send))["id"]!;

        using var cancel = await client.PostAsync($"{Prefix}/sms/{id}/cancel", null);

        await AssertProblemAsync(cancel, 409, "not_cancelable");
    }

    [Test]
    public async Task Cancel_AnotherGroupsMessage_Returns404AndLeavesItScheduled()
    {
        using var owner = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        using var other = _host.Client("mallory", NewGroup(), PhoneHubPermissions.ManageSms);
        using var send = await owner.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "Later", send_at = DateTimeOffset.UtcNow.AddDays(1).ToString("O") }));
        var id = (long)(await ReadJsonAsync(send))["id"]!;

        using var cancel = await other.PostAsync($"{Prefix}/sms/{id}/cancel", null);

        await AssertProblemAsync(cancel, 404, "not_found");
        Assert.That((await _host.Hub.Messages.GetAsync(id))!.Status, Is.EqualTo(SmsStatus.Scheduled));
    }

    [Test]
    public async Task Cancel_WithViewOnly_Returns403()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ViewSms);

        using var cancel = await client.PostAsync($"{Prefix}/sms/1/cancel", null);

        await AssertProblemAsync(cancel, 403, "forbidden");
    }

    [TestCase("tomorrow at nine")]
    [TestCase("2026-03-01T09:30:00")]
    public async Task Send_SendAtNotRfc3339_Returns400(string sendAt)
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/send", Json(new { to_number = "+14155552671", body = "x", send_at = sendAt }));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["send_at"], Is.Not.Null);
    }

    [Test]
    public async Task Bulk_JsonWithBadRows_QueuesTheRestAndReportsEachRow()
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", Json(new
        {
            messages = new object?[]
            {
                new { to_number = "+14155552671", body = "one" },
                new { to_number = "12", body = "two" },
                new { to_number = "+14155552672", body = "three", send_at = "soon" },
                null,
                new { to_number = "+14155552673", body = "five", metadata = new Dictionary<string, string> { ["campaign"] = "spring" } },
            },
        }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        var batch = json["batch"]!;
        Assert.Multiple(() =>
        {
            Assert.That((int)batch["total"]!, Is.EqualTo(5));
            Assert.That((int)batch["rejected"]!, Is.EqualTo(3));
            Assert.That((int)batch["enqueued"]!, Is.EqualTo(2));
            Assert.That((int?)batch["counts"]?["queued"], Is.EqualTo(2));
            Assert.That(json["message_ids"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(json["rejected"]!.AsArray().Select(r => (int)r!["row"]!), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(json["rejected"]![0]!["errors"]?["to_number"], Is.Not.Null);
            Assert.That(json["rejected"]![1]!["errors"]?["send_at"], Is.Not.Null);
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"{Prefix}/sms/batches/{(long)batch["id"]!}"));
        });

        await _host.Hub.Messages.DispatchDueAsync();
        using var progress = await client.GetAsync(response.Headers.Location);
        var status = await ReadJsonAsync(progress);
        Assert.Multiple(() =>
        {
            Assert.That((int?)status["counts"]?["sent"], Is.EqualTo(2));
            Assert.That((double)status["progress"]!, Is.EqualTo(1.0));
        });
    }

    [Test]
    public async Task Bulk_Csv_QueuesEveryReadableLine()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        var later = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using var response = await client.PostAsync($"{Prefix}/sms/bulk", Csv(
            $"to,body,send_at\r\n+14155552671,\"Hi, Ann\",\r\n+14155552672,Hi Bob,{later}\r\n+14155552673,Hi Cy,not a time\r\n"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That((int)json["batch"]!["total"]!, Is.EqualTo(3));
            Assert.That((int?)json["batch"]!["counts"]?["queued"], Is.EqualTo(1));
            Assert.That((int?)json["batch"]!["counts"]?["scheduled"], Is.EqualTo(1));
            Assert.That((int)json["rejected"]![0]!["row"]!, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Bulk_CsvWithByteOrderMark_IsRead()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        var content = new ByteArrayContent([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("to,body\n+14155552671,Hi\n")]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }

    [TestCase("to,body\n+14155552671,\"never closed\n", TestName = "Bulk_CsvUnclosedQuote_Returns400")]
    [TestCase("phone,text\n+14155552671,Hi\n", TestName = "Bulk_CsvUnknownColumns_Returns400")]
    public async Task Bulk_CsvNotThisShape_Returns400InvalidCsvAndStoresNothing(string csv)
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", Csv(csv));

        await AssertProblemAsync(response, 400, "invalid_csv");
        Assert.That(await CountAsync(group), Is.Zero);
    }

    [Test]
    public async Task Bulk_CsvNotUtf8_Returns400()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        var content = new ByteArrayContent([.. "to,body\n+14155552671,Gr"u8, 0xFC, .. "\u00dfe\n"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", content);

        await AssertProblemAsync(response, 400, "invalid_csv");
    }

    [Test]
    public async Task Bulk_OtherContentType_Returns415()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", new StringContent("to,body", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, 415, "unsupported_media_type");
    }

    [TestCase("""{"messages":[]}""")]
    [TestCase("""{}""")]
    public async Task Bulk_NoMessages_Returns400(string body)
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", RawJson(body));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["messages"], Is.Not.Null);
    }

    [Test]
    public async Task Bulk_MoreThanTheLimit_Returns400AndStoresNothing()
    {
        var group = NewGroup();
        using var client = _host.Client("alice", group, PhoneHubPermissions.ManageSms);
        var csv = "to,body\n" + string.Concat(Enumerable.Range(0, 51).Select(i => $"+1415555{i:0000},m{i}\n"));

        using var json = await client.PostAsync($"{Prefix}/sms/bulk", Json(new { messages = Enumerable.Range(0, 51).Select(i => new { to_number = "+14155552671", body = $"m{i}" }) }));
        using var upload = await client.PostAsync($"{Prefix}/sms/bulk", Csv(csv));

        await AssertProblemAsync(json, 400, "validation_failed");
        await AssertProblemAsync(upload, 400, "invalid_csv");
        Assert.That(await CountAsync(group), Is.Zero);
    }

    [Test]
    public async Task Bulk_WithViewOnly_Returns403()
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ViewSms);

        using var response = await client.PostAsync($"{Prefix}/sms/bulk", Csv("to,body\n+14155552671,Hi\n"));

        await AssertProblemAsync(response, 403, "forbidden");
    }

    [Test]
    public async Task Batch_OfAnotherGroup_Returns404()
    {
        using var owner = _host.Client("alice", NewGroup(), PhoneHubPermissions.ManageSms);
        using var other = _host.Client("mallory", NewGroup(), PhoneHubPermissions.ViewSms);
        using var upload = await owner.PostAsync($"{Prefix}/sms/bulk", Csv("to,body\n+14155552671,Hi\n"));

        using var peek = await other.GetAsync(upload.Headers.Location);
        using var own = await owner.GetAsync(upload.Headers.Location);

        await AssertProblemAsync(peek, 404, "not_found");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("abc")]
    [TestCase("0")]
    public async Task Batch_BadId_Returns400(string id)
    {
        using var client = _host.Client("alice", NewGroup(), PhoneHubPermissions.ViewSms);

        using var response = await client.GetAsync($"{Prefix}/sms/batches/{id}");

        await AssertProblemAsync(response, 400);
    }
}
