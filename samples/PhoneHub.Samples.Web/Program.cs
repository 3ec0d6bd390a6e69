using System.Security.Cryptography;
using PhoneHub;
using PhoneHub.AspNetCore;
using PhoneHub.Configuration;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.Twilio;
using PhoneHub.Stores.Sqlite;
using SampleWeb;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// PhoneHub on SQLite, with its HTTP surface.
builder.Services.AddPhoneHub()
    .UseSqlite(builder.Configuration.GetConnectionString("PhoneHub") ?? "Data Source=phonehub-sample.db")
    .AddTwilio()
    .AddAws()
    .AddAspNetCore();
builder.Services.AddOpenApi();

if (builder.Environment.IsDevelopment())
{
    // Header-based users for trying the routes with curl; see README.md. Never enable this outside Development.
    builder.Services.AddAuthentication(DevelopmentHeaderAuthentication.SchemeName)
        .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, DevelopmentHeaderAuthentication>(DevelopmentHeaderAuthentication.SchemeName, null);

    // Credentials need an encryption key. Without one configured, keep a random development key in a local,
    // git-ignored file so stored credentials survive restarts.
    builder.Services.PostConfigure<PhoneHubOptions>(o =>
        o.EncryptionKey ??= Environment.GetEnvironmentVariable("PHONEHUB_ENCRYPTION_KEY") ?? DevelopmentKey("phonehub-sample.key"));
}
else
{
    throw new InvalidOperationException(
        "This sample only ships a development authentication scheme. Run it in the Development environment, or replace " +
        "DevelopmentHeaderAuthentication with your real scheme (JWT bearer, cookies, ...) that issues 'group' and 'permission' claims.");
}

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/ping", () => TypedResults.Text("pong")).WithName("Ping").WithSummary("Liveness probe; always 200");
app.MapOpenApi();

// An interactive page over that document at /scalar. Its script is served by the Scalar package itself, and the
// default fonts (fetched from a CDN) are turned off, so the page needs no network beyond this host.
app.MapScalarApiReference(o => o.DisableDefaultFonts());
app.MapPhoneHub();

// A system-default config in test mode, so sending and lookups work without any provider account.
var configs = app.Services.GetRequiredService<IPhoneConfigService>();
if (await configs.TryResolveAsync(null) is null)
{
    await configs.CreateAsync(new PhoneConfig { Name = "Sample (test mode)", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true });
}

await app.RunAsync();

static string DevelopmentKey(string path)
{
    if (File.Exists(path))
    {
        return File.ReadAllText(path).Trim();
    }

    var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    File.WriteAllText(path, key);
    return key;
}
