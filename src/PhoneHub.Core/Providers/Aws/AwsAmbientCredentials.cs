using Amazon.Runtime;
using Amazon.Runtime.Credentials;

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
internal sealed class AwsSdkDefaultCredentials : IAwsAmbientCredentials, IDisposable
{
    private readonly DefaultAWSCredentialsIdentityResolver _resolver = new();

    public async Task<AwsCredentials?> GetAsync(CancellationToken cancellationToken)
    {
        ImmutableCredentials resolved;
        try
        {
            var credentials = await _resolver.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
            resolved = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException)
        {
            // The chain throws when no source has credentials; callers turn that into missing_credentials.
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
