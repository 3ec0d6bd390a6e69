using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The dashboard's style sheet and script, embedded in the assembly and served by the dashboard itself (no CDN).</summary>
internal static class DashboardAssets
{
    public const string StylePath = "assets/dashboard.css";
    public const string ScriptPath = "assets/dashboard.js";

    private static readonly Asset Style = Asset.Load("dashboard.css", "text/css; charset=utf-8");
    private static readonly Asset Script = Asset.Load("dashboard.js", "text/javascript; charset=utf-8");

    public static IResult ServeStyle(HttpContext http) => Style.Serve(http);

    public static IResult ServeScript(HttpContext http) => Script.Serve(http);

    private sealed class Asset(byte[] content, string contentType)
    {
        // A strong validator from the content: browsers revalidate and get 304 until the package changes.
        private readonly string _etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..32] + "\"";

        public static Asset Load(string name, string contentType)
        {
            var resource = typeof(DashboardAssets).Assembly.GetManifestResourceStream("PhoneHub.AspNetCore.Dashboard.Assets." + name)
                ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded in the assembly.");
            using (resource)
            using (var copy = new MemoryStream())
            {
                resource.CopyTo(copy);
                return new Asset(copy.ToArray(), contentType);
            }
        }

        public IResult Serve(HttpContext http)
        {
            DashboardLayout.SecurityHeaders(http.Response);
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers.ETag = _etag;
            var ifNoneMatch = http.Request.Headers[HeaderNames.IfNoneMatch].ToString();
            return ifNoneMatch.Contains(_etag, StringComparison.Ordinal)
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : TypedResults.Bytes(content, contentType);
        }
    }
}
