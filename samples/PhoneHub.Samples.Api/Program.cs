using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

var builder = WebApplication.CreateBuilder(args);

// PhoneHub: SQLite from ConnectionStrings:PhoneHub, Twilio settings from PhoneHub:Twilio, the REST routes and webhooks.
builder.Services.AddPhoneHub()
    .AddTwilio()
    .AddAspNetCore();

// Callers authenticate with a JWT from your identity provider. PhoneHub reads two claims from it:
// "group" (the caller's organization; omit it for a single-tenant app) and "permission" (space-separated,
// for example "view_sms manage_sms"). Here the tokens are HMAC-signed with a key from configuration.
var signingKey = new SymmetricSecurityKey(Convert.FromBase64String(builder.Configuration["Jwt:SigningKey"]
    ?? throw new InvalidOperationException("Set Jwt:SigningKey to 32 random bytes in base64 (openssl rand -base64 32).")));
const string issuer = "https://id.example.com";
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddJwtBearer(options =>
    {
        options.MapInboundClaims = false; // keep "group" and "permission" as they are in the token
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = "phonehub",
            IssuerSigningKey = signingKey,
        };
    })
    // People use the dashboard in a browser, signed in with a cookie (in production, from your OpenID Connect login).
    .AddCookie(options => options.LoginPath = "/dev/login");
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapPhoneHub(); // /api/phonehub/...
app.MapPhoneHubDashboard("/", o => o.AuthenticationSchemes.Add(CookieAuthenticationDefaults.AuthenticationScheme));

// Development only: a stand-in for your identity provider, issuing a token with PhoneHub's claims.
if (app.Environment.IsDevelopment())
{
    app.MapPost("/dev/token", (string user, string? group, string permissions) =>
    {
        var claims = new Dictionary<string, object> { ["sub"] = user, ["permission"] = permissions };
        if (group is not null)
        {
            claims["group"] = group;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "phonehub",
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
        });
    });

    // ... and a browser sign-in for the dashboard, with the same claims in a cookie.
    app.MapGet("/dev/login", async (HttpContext http, string? user, string? group, string? permissions) =>
    {
        Claim[] claims = [new("sub", user ?? "ada"), new("group", group ?? "acme"), new("permission", permissions ?? "view_sms manage_sms view_phone_numbers manage_phone_config")];
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(claims, "dev")));
        return Results.Redirect("/");
    });
}

app.Run();

/// <summary>The app's entry point, visible to the test that runs this file.</summary>
public partial class Program;
