using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;

namespace PhoneHub.AspNetCore.Tests.Rest;

public sealed class OpenApiTests
{
    [Test]
    public async Task Document_DescribesEveryRestRouteWithSnakeCaseBodies()
    {
        // Through a method group: a direct AddOpenApi() call would be rewritten by the OpenAPI XML-comment source
        // generator, which needs interceptors enabled project-wide; this test needs no XML comments.
        Func<IServiceCollection, IServiceCollection> addOpenApi = OpenApiServiceCollectionExtensions.AddOpenApi;
        await using var host = await RestTestHost.StartAsync(
            configure: b => addOpenApi(b.Services),
            configureApp: app => app.MapOpenApi());
        using var client = host.Client(null, null);

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var text = await response.Content.ReadAsStringAsync();
        var paths = JsonNode.Parse(text)!["paths"]!.AsObject();
        var prefix = RestTestHost.Prefix;
        Assert.That(paths.Select(p => p.Key), Is.SupersetOf(new[]
        {
            $"{prefix}/phone/normalize", $"{prefix}/phone/lookup", $"{prefix}/phone", $"{prefix}/phone/{{id}}",
            $"{prefix}/sms/send", $"{prefix}/sms", $"{prefix}/sms/{{id}}",
            $"{prefix}/sms/bulk", $"{prefix}/sms/batches/{{id}}", $"{prefix}/sms/{{id}}/cancel",
            $"{prefix}/config", $"{prefix}/config/{{id}}", $"{prefix}/config/{{id}}/test", $"{prefix}/config/{{id}}/credentials",
            $"{prefix}/verify/start", $"{prefix}/verify/check", $"{prefix}/verify/{{id}}/cancel",
        }));

        var normalize = paths[$"{prefix}/phone/normalize"]!["post"]!;
        Assert.That((string?)normalize["operationId"], Is.EqualTo("PhoneHubNormalize"));
        Assert.That((string?)normalize["summary"], Is.Not.Empty);
        Assert.That(normalize["requestBody"]?["content"]?["application/json"], Is.Not.Null);
        Assert.That(normalize["responses"]?["400"], Is.Not.Null);
        Assert.That(normalize["responses"]?["401"], Is.Not.Null);
        Assert.That(normalize["responses"]?["403"], Is.Not.Null);
        Assert.That(paths[$"{prefix}/config/{{id}}/credentials"]!["post"]!["requestBody"], Is.Not.Null);

        var start = paths[$"{prefix}/verify/start"]!["post"]!;
        Assert.That((string?)start["operationId"], Is.EqualTo("PhoneHubStartVerification"));
        Assert.That(start["requestBody"]?["content"]?["application/json"], Is.Not.Null);
        Assert.That(start["responses"]?["429"], Is.Not.Null);
        Assert.That(paths[$"{prefix}/verify/check"]!["post"]!["responses"]?["404"], Is.Not.Null);
        Assert.That(text, Does.Contain("\"verification_id\"").And.Contain("\"remaining_checks\""));

        var idParameter = paths[$"{prefix}/sms/{{id}}"]!["get"]!["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "id")!;
        Assert.That((string?)idParameter["schema"]?["type"], Is.EqualTo("integer"));

        // Wire names are snake_case whatever the host's JSON options are.
        Assert.That(text, Does.Contain("\"phone_number\"").And.Contain("\"to_number\"").And.Contain("\"has_credentials\""));
        Assert.That(text, Does.Not.Contain("\"phoneNumber\"").And.Not.Contain("\"hasCredentials\""));
    }
}
