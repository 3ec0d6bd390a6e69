namespace PhoneHub.Providers.Aws;

/// <summary>An AWS access key pair (and session token, for temporary credentials) used to sign one request.</summary>
/// <remarks>Not a record: a record's generated <c>ToString</c> would print the secret.</remarks>
internal sealed class AwsCredentials
{
    public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string? SessionToken { get; }

    /// <summary>Where the credentials came from (<c>config</c> or <c>default-chain</c>), for logs.</summary>
    public string Source { get; init; } = "config";

    public override string ToString() => $"AwsCredentials {{ Source = {Source}, SessionToken = {(SessionToken is null ? "no" : "yes")} }}";
}
