// The README's sign-up verification, compiled and run; the README block must be the marked lines word for word.
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Tests.Infrastructure;
using PhoneHub.Verification;

namespace Contoso.SignUp;

[NonParallelizable]
public class ReadmeVerificationTests
{
    private const string Begin = "// --- README sign-up verification ---";
    private const string End = "// --- end ---";

    [Test]
    public async Task SignUpVerification_RunsAsWritten()
    {
        var fake = new FakeProvider();
        using var db = new TempSqliteDatabase();
        var services = new ServiceCollection();
        services.AddSingleton(fake);
        services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(db.ConnectionString).AddProvider<FakeProvider>();
        services.Configure<VerificationOptions>(o => o.CodeKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IPhoneConfigService>().CreateAsync(new PhoneConfig
        {
            Name = "Default",
            Provider = "fake",
            IsActive = true,
            Settings = new Dictionary<string, string> { ["from_number"] = "+14155550100" },
        });

        // What the user reads on the phone once the pipeline has sent the queued code.
        async Task<string> ReadCodeFromPhoneAsync()
        {
            await provider.GetRequiredService<ISmsService>().DispatchDueAsync();
            return Regex.Match(fake.Sent.Last().Request.Body, @"\d{6}").Value;
        }

        // --- README sign-up verification ---
        var verify = provider.GetRequiredService<IVerificationService>();   // needs PhoneHub:Verification:CodeKey

        // Sign-up, step 1: the user gives a number; a 6-digit code goes out through the group's config.
        var started = await verify.StartAsync("(415) 555-2671", group: "acme");
        var typedCode = await ReadCodeFromPhoneAsync();                        // step 2: the user types the code

        var result = await verify.CheckAsync("+14155552671", typedCode, group: "acme");
        Console.WriteLine(result.Outcome == VerificationOutcome.Approved
            ? $"Verified {started.Verification.PhoneNumber}"
            : $"Not verified: {result.Reason}");                          // incorrect_code, verification_expired, ...
        // --- end ---

        Assert.That(result.Outcome, Is.EqualTo(VerificationOutcome.Approved));
    }

    [Test]
    public void Readme_SignUpVerificationBlock_IsTheTestedCodeWordForWord()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "PhoneHub.Core.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("The repository root was not found above the test's folder.");
        }

        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "PhoneHub.Core.Tests", "ConsumerCompile", "ReadmeVerificationTests.cs")).ReplaceLineEndings("\n");
        var start = source.IndexOf(Begin + "\n", StringComparison.Ordinal) + Begin.Length + 1;
        var lines = source[start..source.IndexOf("        " + End, start, StringComparison.Ordinal)].TrimEnd('\n').Split('\n');
        var snippet = string.Join("\n", lines.Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
        var readme = File.ReadAllText(Path.Combine(root.FullName, "README.md")).ReplaceLineEndings("\n");

        Assert.That(lines.Count(l => l.Trim().Length > 0), Is.LessThanOrEqualTo(10), "ten lines");
        Assert.That(readme, Does.Contain("```csharp\n" + snippet + "\n```"));
    }
}
