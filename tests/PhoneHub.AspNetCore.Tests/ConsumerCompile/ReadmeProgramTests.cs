using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace PhoneHub.AspNetCore.Tests.ConsumerCompile;

/// <summary>
/// The README's ASP.NET Core section is samples/PhoneHub.Samples.Api/Program.cs, word for word; this compiles and starts
/// that file and, doing only what the README says, reaches an authenticated 200 from a PhoneHub route.
/// </summary>
[NonParallelizable]
public sealed class ReadmeProgramTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PhoneHub.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found above the test's folder.");
    }

    [Test]
    public void Readme_AspNetCoreSection_IsTheSampleProgramWordForWord()
    {
        var root = RepositoryRoot();
        var program = File.ReadAllText(Path.Combine(root, "samples", "PhoneHub.Samples.Api", "Program.cs")).ReplaceLineEndings("\n").Trim();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        Assert.That(readme, Does.Contain("```csharp\n" + program + "\n```"));
    }

    [Test]
    public async Task Program_AsTheReadmeRunsIt_AnswersAnAuthenticated200()
    {
        await using var factory = Start();
        try
        {
            using var client = factory.CreateClient();

            using var anonymous = await client.GetAsync("/api/phonehub/sms");
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

            using var issued = await client.PostAsync("/dev/token?user=ada&group=acme&permissions=view_sms%20manage_phone_config", null);
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.OK), await issued.Content.ReadAsStringAsync());
            var token = (await issued.Content.ReadAsStringAsync()).Trim('"');

            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/phonehub/sms");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var authenticated = await client.SendAsync(request);
            Assert.That(authenticated.StatusCode, Is.EqualTo(HttpStatusCode.OK), await authenticated.Content.ReadAsStringAsync());

            // The claims decide: the group's configs are visible, sending is not granted.
            using var configs = new HttpRequestMessage(HttpMethod.Get, "/api/phonehub/config");
            configs.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.That((await client.SendAsync(configs)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            using var send = new HttpRequestMessage(HttpMethod.Post, "/api/phonehub/sms/send") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.That((await client.SendAsync(send)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    [Test]
    public async Task Program_Dashboard_IsServedAtTheRootToABrowserSignedInWithTheDevCookie()
    {
        await using var factory = Start();
        try
        {
            using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

            // Not signed in: the cookie scheme sends the browser to the sign-in page.
            using var anonymous = await browser.GetAsync("/");
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(anonymous.Headers.Location!.AbsolutePath, Is.EqualTo("/dev/login"));

            using var login = await browser.GetAsync("/dev/login");
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            using var root = await browser.GetAsync("/");
            Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            Assert.That(root.Headers.Location!.ToString(), Is.EqualTo("/messages"));
            using var messages = await browser.GetAsync("/messages");
            var html = await messages.Content.ReadAsStringAsync();
            Assert.That(messages.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
            Assert.That(html, Does.Contain("<h1>Messages</h1>").And.Contain("group acme"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>The sample app in Development with fresh keys and a temporary database, and nothing from the machine.</summary>
    private static WebApplicationFactory<Program> Start()
    {
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-readme-api", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:PhoneHub"] = $"Data Source={Path.Combine(directory, "phonehub.db")}",
            ["Jwt:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["PhoneHub:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["PhoneHub:EncryptionKeyEnvironmentVariable"] = "",
        };
        return new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            // Only these settings: nothing from the machine's environment.
            web.ConfigureAppConfiguration((_, configuration) =>
            {
                configuration.Sources.Clear();
                configuration.AddInMemoryCollection(settings);
            });
        });
    }
}
