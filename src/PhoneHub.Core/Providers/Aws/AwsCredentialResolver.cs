using Microsoft.Extensions.Logging;
using PhoneHub.Security;

namespace PhoneHub.Providers.Aws;

/// <summary>
/// Picks the credentials an AWS call is signed with, the same way for every AWS provider: the config's stored key pair
/// when it has one, otherwise the host's ambient credentials (the AWS default chain).
/// </summary>
internal static class AwsCredentialResolver
{
    public const string MissingCredentialsText =
        "No AWS credentials: store an access key for the config, or give the host credentials through the AWS default chain (environment variables, shared profile, container or instance role).";

    public const string HalfKeyPairText = "The stored AWS credentials need both access_key_id and secret_access_key.";

    /// <summary>The credential names every AWS provider's configs take (the <c>aws_</c> names are aliases).</summary>
    public static IReadOnlyList<ProviderCredentialField> Fields { get; } =
    [
        new ProviderCredentialField(ProviderCredentials.AwsAccessKeyId, "The access key id.") { Aliases = ["aws_access_key_id"] },
        new ProviderCredentialField(ProviderCredentials.AwsSecretAccessKey, "The secret access key.") { Aliases = ["aws_secret_access_key"] },
        new ProviderCredentialField(ProviderCredentials.AwsSessionToken, "The session token of temporary credentials.") { Aliases = ["aws_session_token"] },
    ];

    /// <summary>The credentials for <paramref name="context"/>, or <see langword="null"/> when neither the config nor the host has any.</summary>
    /// <exception cref="SmsProviderException">Only half a key pair is stored (<c>missing_credentials</c>).</exception>
    public static async Task<AwsCredentials?> ResolveAsync(ProviderContext context, IAwsAmbientCredentials ambientCredentials, ILogger logger, CancellationToken cancellationToken)
    {
        var stored = context.Credentials;
        var accessKeyId = stored?.Get(ProviderCredentials.AwsAccessKeyId);
        var secret = stored?.Get(ProviderCredentials.AwsSecretAccessKey);
        if (accessKeyId is not null && secret is not null)
        {
            return new AwsCredentials(accessKeyId, secret, stored!.Get(ProviderCredentials.AwsSessionToken)) { Source = "config" };
        }

        if (accessKeyId is not null || secret is not null)
        {
            // Half a key pair is a configuration mistake; falling back to ambient credentials would hide it.
            throw new SmsProviderException(ConnectionErrorCodes.MissingCredentials, HalfKeyPairText) { Scope = SmsFailureScope.Provider };
        }

        var ambient = await ambientCredentials.GetAsync(cancellationToken).ConfigureAwait(false);
        if (ambient is null)
        {
            AwsLog.NoCredentials(logger, context.Config.Id);
        }

        return ambient;
    }
}
