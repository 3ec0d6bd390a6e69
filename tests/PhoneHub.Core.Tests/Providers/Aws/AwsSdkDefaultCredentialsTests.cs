using Microsoft.Extensions.Logging.Abstractions;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>The AWSSDK.Core default chain, through its environment-variable source (the others need an AWS host or profile files).</summary>
[NonParallelizable]
public sealed class AwsSdkDefaultCredentialsTests
{
    private static readonly string[] Variables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    [Test]
    public async Task GetAsync_EnvironmentVariables_ReturnsThemWithSessionToken()
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "secret-from-env");
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "token-from-env");
            using var chain = new AwsSdkDefaultCredentials(NullLogger<AwsSdkDefaultCredentials>.Instance);

            var credentials = await chain.GetAsync(CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(credentials, Is.Not.Null);
                Assert.That(credentials!.AccessKeyId, Is.EqualTo("AKIDFROMENV"));
                Assert.That(credentials.SecretAccessKey, Is.EqualTo("secret-from-env"));
                Assert.That(credentials.SessionToken, Is.EqualTo("token-from-env"));
                Assert.That(credentials.Source, Is.EqualTo("default-chain"));
            });
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
