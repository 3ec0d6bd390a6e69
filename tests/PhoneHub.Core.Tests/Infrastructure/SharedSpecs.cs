namespace PhoneHub.Tests.Infrastructure;

/// <summary>
/// Finds the vendors' published conformance material (Twilio OpenAPI specs, signature vectors, the AWS SigV4 suite),
/// which lives beside the repository in <c>../shared/specs</c> and is read at test time, never copied in.
/// <c>PHONEHUB_SPECS</c> overrides the location.
/// </summary>
public static class SharedSpecs
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The specs folder, or null when it is not present.</summary>
    public static string? Directory => Root.Value;

    /// <summary>The path of a file in the specs folder; marks the test ignored (or failed in CI) when the folder is missing.</summary>
    public static string PathOf(params string[] parts)
    {
        if (Directory is null)
        {
            const string reason = "The shared conformance material (../shared/specs beside the repository, or PHONEHUB_SPECS) is not present.";
            if (IsCi)
            {
                Assert.Fail(reason + " CI must provide it.");
            }

            Assert.Ignore(reason);
        }

        return Path.Combine([Directory!, .. parts]);
    }

    /// <summary>Whether the tests run under CI, where conformance tests must run rather than be skipped.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("PHONEHUB_SPECS");
        if (!string.IsNullOrEmpty(configured))
        {
            return System.IO.Directory.Exists(configured) ? configured : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PhoneHub.Core.sln")))
            {
                var specs = Path.Combine(dir.FullName, "..", "shared", "specs");
                return System.IO.Directory.Exists(specs) ? Path.GetFullPath(specs) : null;
            }
        }

        return null;
    }
}
