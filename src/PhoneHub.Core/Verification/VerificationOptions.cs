using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace PhoneHub.Verification;

/// <summary>Settings of one-time-code verification; bound from <c>PhoneHub:Verification</c>.</summary>
public sealed class VerificationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "PhoneHub:Verification";

    /// <summary>
    /// The server key codes are hashed with (HMAC-SHA256) and with which a code in a queued message is sealed until it
    /// is handed to the provider: at least 32 random bytes, base64 (for example <c>openssl rand -base64 32</c>). Without
    /// it, starting a verification is refused. Changing it invalidates pending verifications and unsent codes.
    /// </summary>
    public string? CodeKey { get; set; }

    /// <summary>Digits in a code, 4 to 10. Default 6.</summary>
    [Range(4, 10)]
    public int CodeLength { get; set; } = 6;

    /// <summary>How long a code is accepted, 1 minute to 24 hours. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The application name shown in the message (<c>{app_name}</c>). Optional.</summary>
    [MaxLength(40)]
    public string? AppName { get; set; }

    /// <summary>
    /// The message: must contain <c>{code}</c>, may contain <c>{app_name}</c> and <c>{minutes}</c>. By default
    /// "Your {app_name} verification code is {code}." (without the name when there is none).
    /// </summary>
    public string? MessageTemplate { get; set; }

    /// <summary>Checks answered per verification, 1 to 5; later checks answer too many attempts, even with the right code. Default 5.</summary>
    [Range(1, 5)]
    public int MaxChecks { get; set; } = 5;

    /// <summary>Codes sent to one number of one group within <see cref="StartWindow"/> (starts and resends), 1 to 100. Default 5.</summary>
    [Range(1, 100)]
    public int MaxStartsPerNumber { get; set; } = 5;

    /// <summary>The window of <see cref="MaxStartsPerNumber"/>, 1 minute to 24 hours. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan StartWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Leading digits of the E.164 number (country code included) that form a prefix in conversion figures and metrics, 1 to 15. Default 6.</summary>
    [Range(1, 15)]
    public int PrefixDigits { get; set; } = 6;

    /// <summary>Per-config settings, keyed by config id (for example <c>PhoneHub:Verification:Configs:12:Lifetime</c>); they win over the values above.</summary>
    public Dictionary<string, VerificationConfigOptions> Configs { get; } = [];
}

/// <summary>Verification settings of one config; unset values come from <see cref="VerificationOptions"/>.</summary>
public sealed class VerificationConfigOptions
{
    /// <summary>Digits in a code, 4 to 10.</summary>
    public int? CodeLength { get; set; }

    /// <summary>How long a code is accepted, 1 minute to 24 hours.</summary>
    public TimeSpan? Lifetime { get; set; }

    /// <summary>The application name shown in the message.</summary>
    public string? AppName { get; set; }

    /// <summary>The message template (must contain <c>{code}</c>).</summary>
    public string? MessageTemplate { get; set; }
}

/// <summary>Checks <see cref="VerificationOptions"/> with data annotations.</summary>
[OptionsValidator]
internal sealed partial class VerificationOptionsValidator : IValidateOptions<VerificationOptions>;

/// <summary>The checks data annotations cannot express; messages name the configuration key to fix.</summary>
internal sealed class VerificationOptionsSemanticValidator : IValidateOptions<VerificationOptions>
{
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public ValidateOptionsResult Validate(string? name, VerificationOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        const string Section = VerificationOptions.SectionName + ":";
        if (!string.IsNullOrWhiteSpace(options.CodeKey) && !VerificationCodes.IsValidKey(options.CodeKey))
        {
            builder.AddError("The verification code key must be at least 32 bytes encoded as base64 (for example 'openssl rand -base64 32').", Section + nameof(options.CodeKey));
        }

        if (TemplateError(options.MessageTemplate) is { } templateError)
        {
            builder.AddError(templateError, Section + nameof(options.MessageTemplate));
        }

        foreach (var (key, config) in options.Configs)
        {
            var prefix = Section + "Configs:" + key + ":";
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                builder.AddError("Per-config verification settings are keyed by config id (a positive integer).", Section + "Configs:" + key);
            }

            if (config.CodeLength is { } length && length is < 4 or > 10)
            {
                builder.AddError("The code length must be 4 to 10 digits.", prefix + nameof(config.CodeLength));
            }

            if (config.Lifetime is { } lifetime && (lifetime < MinLifetime || lifetime > MaxLifetime))
            {
                builder.AddError("The lifetime must be 1 minute to 24 hours.", prefix + nameof(config.Lifetime));
            }

            if (config.AppName is { Length: > 40 })
            {
                builder.AddError("The app name must be at most 40 characters.", prefix + nameof(config.AppName));
            }

            if (TemplateError(config.MessageTemplate) is { } configTemplateError)
            {
                builder.AddError(configTemplateError, prefix + nameof(config.MessageTemplate));
            }
        }

        return builder.Build();
    }

    /// <summary>Why a template cannot be used, or <see langword="null"/>.</summary>
    public static string? TemplateError(string? template) => template switch
    {
        null => null,
        _ when !template.Contains(VerificationService.CodePlaceholder, StringComparison.Ordinal) => "The message template must contain {code}.",
        { Length: > 320 } => "The message template must be at most 320 characters.",
        _ => null,
    };
}
