using Microsoft.Extensions.Options;
using PhoneHub.Normalization;
using PhoneHub.Security;

namespace PhoneHub;

/// <summary>Checks <see cref="PhoneHubOptions"/> at start-up; messages name the configuration key to fix.</summary>
[OptionsValidator]
internal sealed partial class PhoneHubOptionsValidator : IValidateOptions<PhoneHubOptions>;

/// <summary>The checks data annotations cannot express.</summary>
internal sealed class PhoneHubOptionsSemanticValidator : IValidateOptions<PhoneHubOptions>
{
    public ValidateOptionsResult Validate(string? name, PhoneHubOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (!PhoneNormalizer.IsSupportedRegion(options.DefaultRegion))
        {
            builder.AddError($"'{options.DefaultRegion}' is not a supported ISO 3166-1 region code.", "PhoneHub:DefaultRegion");
        }

        if (!string.IsNullOrWhiteSpace(options.EncryptionKey) && !AesGcmCredentialProtector.IsValidKey(options.EncryptionKey))
        {
            builder.AddError("The encryption key must be 32 bytes encoded as base64 (for example 'openssl rand -base64 32').", "PhoneHub:EncryptionKey");
        }

        if (options.PublicBaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            builder.AddError("The public base URL must be an absolute http or https URL.", "PhoneHub:PublicBaseUrl");
        }

        if (!options.RoutePrefix.StartsWith('/'))
        {
            builder.AddError("The route prefix must start with '/'.", "PhoneHub:RoutePrefix");
        }

        return builder.Build();
    }
}
