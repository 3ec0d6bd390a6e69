using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;

namespace PhoneHub.Providers.Aws;

/// <summary>Credentials from the host's environment, for configs that store none.</summary>
internal interface IAwsAmbientCredentials
{
    /// <summary>Resolves credentials, or returns <see langword="null"/> when the environment has none.</summary>
    Task<AwsCredentials?> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// AWSSDK.Core's default chain: environment variables, the shared profile, web identity, and container or EC2 instance
/// roles. Hosts on AWS then need no stored secrets. The SDK caches and refreshes what it resolves.
/// </summary>
internal sealed class AwsSdkDefaultCredentials(ILogger<AwsSdkDefaultCredentials> logger) : IAwsAmbientCredentials, IDisposable
{
    private readonly DefaultAWSCredentialsIdentityResolver _resolver = new();

    public async Task<AwsCredentials?> GetAsync(CancellationToken cancellationToken)
    {
        ImmutableCredentials? resolved;
        try
        {
            // No client config: PhoneHub has no SDK client; the chain then uses its defaults (profile "default" or AWS_PROFILE).
            var credentials = await _resolver.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
            resolved = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException)
        {
            // The chain throws this when no source has credentials; callers turn that into missing_credentials.
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A broken profile file or an unreachable metadata service must not crash a send or a connection test.
            // Only the exception's type is logged: SDK messages can quote profile contents.
            AwsLog.DefaultChainFailed(logger, ex.GetType().Name);
            return null;
        }

        if (resolved is null || string.IsNullOrEmpty(resolved.AccessKey) || string.IsNullOrEmpty(resolved.SecretKey))
        {
            return null;
        }

        return new AwsCredentials(resolved.AccessKey, resolved.SecretKey, resolved.UseToken ? resolved.Token : null) { Source = "default-chain" };
    }

    public void Dispose() => _resolver.Dispose();
}
