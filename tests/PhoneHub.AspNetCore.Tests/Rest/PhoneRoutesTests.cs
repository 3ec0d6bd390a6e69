using System.Net;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using static PhoneHub.AspNetCore.Tests.Rest.Infrastructure.RestTestHost;

namespace PhoneHub.AspNetCore.Tests.Rest;

public sealed class PhoneRoutesTests
{
    private RestTestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await RestTestHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private HttpClient Viewer => _host.Client("viewer", "g1", PhoneHubPermissions.ViewPhoneNumbers);

    // Shared records are written by administrators: manage_phone_numbers together with manage_groups.
    private HttpClient Manager => _host.Client("manager", "g1", PhoneHubPermissions.ManagePhoneNumbers, PhoneHubPermissions.ManageGroups);

    [Test]
    public async Task Normalize_NationalNumber_ReturnsE164InSnakeCase()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = "(415) 555-2671", country_code = "US" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"e164\":\"+14155552671\""), "'+' is not escaped");
        var json = await ReadJsonAsync(response);
        Assert.That((string?)json["e164"], Is.EqualTo("+14155552671"));
        Assert.That((string?)json["national_format"], Is.Not.Null);
        Assert.That((string?)json["country_code"], Is.EqualTo("1"));
    }

    [TestCase("123", "too_short")]
    [TestCase("hello", "not_a_number")]
    [TestCase("", "empty")]
    public async Task Normalize_InvalidNumber_Returns400WithStableCode(string input, string code)
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = input, country_code = "US" }));

        await AssertProblemAsync(response, 400, code);
    }

    [Test]
    public async Task Normalize_UnknownRegion_Returns400WithCode()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = "4155552671", country_code = "XX" }));

        await AssertProblemAsync(response, 400, "unknown_region");
    }

    [Test]
    public async Task Normalize_MalformedJson_Returns400InvalidJson()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", RawJson("{\"phone_number\": "));

        await AssertProblemAsync(response, 400, "invalid_json");
    }

    [Test]
    public async Task Normalize_UnknownField_Returns400InvalidJsonNamingTheField()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", RawJson("{\"phone\": \"+14155552671\"}"));

        var problem = await AssertProblemAsync(response, 400, "invalid_json");
        Assert.That((string?)problem["detail"], Does.Contain("phone").And.Not.Contain("PhoneHub.AspNetCore"));
    }

    [Test]
    public async Task Normalize_FormBody_Returns415()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", new FormUrlEncodedContent([new("phone_number", "+14155552671")]));

        await AssertProblemAsync(response, 415, "unsupported_media_type");
    }

    [Test]
    public async Task Normalize_BodyOverLimit_Returns413()
    {
        var huge = new string('1', 70 * 1024);
        using var response = await Viewer.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = huge }));

        await AssertProblemAsync(response, 413, "body_too_large");
    }

    [Test]
    public async Task Normalize_ChunkedBodyOverLimit_Returns413()
    {
        var huge = "{\"phone_number\":\"" + new string('1', 70 * 1024) + "\"}";
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/phone/normalize") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Viewer.SendAsync(request);

        await AssertProblemAsync(response, 413, "body_too_large");
    }

    [Test]
    public async Task Normalize_WithoutPermission_Returns403Problem()
    {
        using var client = _host.Client("nobody", "g1", PhoneHubPermissions.ViewSms);

        using var response = await client.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = "+14155552671" }));

        await AssertProblemAsync(response, 403, "forbidden");
    }

    [Test]
    public async Task Normalize_Anonymous_Returns401Problem()
    {
        using var client = _host.Client(null, null);

        using var response = await client.PostAsync($"{Prefix}/phone/normalize", Json(new { phone_number = "+14155552671" }));

        await AssertProblemAsync(response, 401, "unauthenticated");
    }

    [Test]
    public async Task Lookup_ValidNumber_StoresRecordInSharedCache()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/lookup", Json(new { phone_number = "+1 (650) 253-0000", force_refresh = false }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        Assert.That((string?)json["phone_number"], Is.EqualTo("+16502530000"));
        Assert.That((bool?)json["is_valid"], Is.True);
    }

    [Test]
    public async Task Lookup_InvalidNumber_Returns400WithCode()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone/lookup", Json(new { phone_number = "12" }));

        await AssertProblemAsync(response, 400, "too_short");
    }

    [Test]
    public async Task Create_NewNumber_Returns201AndIsReadableByAnotherGroup()
    {
        using var response = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "020 7946 0018", country_code = "GB", carrier = "Example Telecom", caller_type = "business" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var created = await ReadJsonAsync(response);
        Assert.That((string?)created["phone_number"], Is.EqualTo("+442079460018"));
        Assert.That((string?)created["carrier"], Is.EqualTo("Example Telecom"));
        Assert.That((string?)created["caller_type"], Is.EqualTo("business"));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"{Prefix}/phone/{(long)created["id"]!}"));

        // The cache is global: a viewer of another group reads the same record.
        using var other = _host.Client("other", "g2", PhoneHubPermissions.ViewPhoneNumbers);
        using var get = await other.GetAsync(response.Headers.Location);
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Create_ExistingNumber_Returns200AndKeepsId()
    {
        using var first = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+12025550143" }));
        var id = (long)(await ReadJsonAsync(first))["id"]!;

        using var second = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "(202) 555-0143", caller_name = "Jane" }));

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await ReadJsonAsync(second);
        Assert.That((long)json["id"]!, Is.EqualTo(id));
        Assert.That((string?)json["caller_name"], Is.EqualTo("Jane"));
    }

    [Test]
    public async Task Create_BadCallerType_Returns400WithErrors()
    {
        using var response = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+12025550144", caller_type = "robot", line_type = "telepathy" }));

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]?["caller_type"], Is.Not.Null);
        Assert.That(problem["errors"]?["line_type"], Is.Not.Null);
    }

    [Test]
    public async Task Create_InvalidNumber_Returns400WithCode()
    {
        using var response = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+999" }));

        await AssertProblemAsync(response, 400);
    }

    [Test]
    public async Task Create_WithViewOnly_Returns403()
    {
        using var response = await Viewer.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+12025550145" }));

        await AssertProblemAsync(response, 403, "forbidden");
    }

    [Test]
    public async Task List_FiltersByContainsAndPages()
    {
        foreach (var n in new[] { "+13035550101", "+13035550102", "+13035550103" })
        {
            using var r = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = n }));
            Assert.That(r.IsSuccessStatusCode, Is.True);
        }

        using var response = await Viewer.GetAsync($"{Prefix}/phone?contains=130355501&limit=2&offset=0");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await ReadJsonAsync(response);
        Assert.That((long)json["total_count"]!, Is.EqualTo(3));
        Assert.That(json["items"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That((int)json["limit"]!, Is.EqualTo(2));
    }

    [TestCase("limit=0")]
    [TestCase("limit=501")]
    [TestCase("offset=-1")]
    [TestCase("limit=abc")]
    [TestCase("contains=abc")]
    [TestCase("line_type=robot")]
    public async Task List_BadQuery_Returns400WithErrors(string query)
    {
        using var response = await Viewer.GetAsync($"{Prefix}/phone?{query}");

        var problem = await AssertProblemAsync(response, 400, "validation_failed");
        Assert.That(problem["errors"]!.AsObject(), Is.Not.Empty);
    }

    [Test]
    public async Task GetUpdateDelete_RoundTrip()
    {
        using var created = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+14045550188" }));
        var location = created.Headers.Location!;

        using var put = await Manager.PutAsync(location, Json(new { carrier = "Carrier X", address_city = "Atlanta" }));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        Assert.That((string?)(await ReadJsonAsync(put))["address_city"], Is.EqualTo("Atlanta"));

        using var get = await Viewer.GetAsync(location);
        Assert.That((string?)(await ReadJsonAsync(get))["carrier"], Is.EqualTo("Carrier X"));

        using var delete = await Manager.DeleteAsync(location);
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        using var gone = await Viewer.GetAsync(location);
        await AssertProblemAsync(gone, 404, "not_found");
    }

    [Test]
    public async Task Update_ChangingTheNumber_Returns400()
    {
        using var created = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+14045550189" }));

        using var put = await Manager.PutAsync(created.Headers.Location, Json(new { phone_number = "+14045550190" }));

        var problem = await AssertProblemAsync(put, 400, "validation_failed");
        Assert.That(problem["errors"]?["phone_number"], Is.Not.Null);
    }

    [Test]
    public async Task Update_Missing_Returns404()
    {
        using var put = await Manager.PutAsync($"{Prefix}/phone/999999", Json(new { carrier = "x" }));

        await AssertProblemAsync(put, 404, "not_found");
    }

    [Test]
    public async Task Delete_WithViewOnly_Returns403()
    {
        using var created = await Manager.PostAsync($"{Prefix}/phone", Json(new { phone_number = "+14045550191" }));

        using var delete = await Viewer.DeleteAsync(created.Headers.Location);

        await AssertProblemAsync(delete, 403, "forbidden");
    }
}
