using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;

namespace SampleWeb;

/// <summary>
/// A development-only authentication scheme: whoever sends the headers is that user. <c>X-Dev-User</c> becomes the
/// NameIdentifier claim, <c>X-Dev-Group</c> the <c>group</c> claim and <c>X-Dev-Permissions</c> (comma- or
/// space-separated) <c>permission</c> claims. Requests without <c>X-Dev-User</c> are anonymous.
/// </summary>
/// <remarks>Anyone can claim anything with it, so Program.cs registers it only in the Development environment.</remarks>
internal sealed class DevelopmentHeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DevelopmentHeaders";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers["X-Dev-User"].ToString();
        if (string.IsNullOrWhiteSpace(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user), new(ClaimTypes.Name, user) };
        var group = Request.Headers["X-Dev-Group"].ToString();
        if (!string.IsNullOrWhiteSpace(group))
        {
            claims.Add(new Claim(PhoneHubClaimTypes.Group, group));
        }

        var permissions = Request.Headers["X-Dev-Permissions"].ToString()
            .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        claims.AddRange(permissions.Select(p => new Claim(PhoneHubClaimTypes.Permission, p)));

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
