using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Messaging;
using PhoneHub.Normalization;
using PhoneHub.Security;

namespace PhoneHub.Verification;

/// <summary>The default <see cref="IVerificationService"/>.</summary>
internal sealed class VerificationService(
    IVerificationStore store,
    ISmsService sms,
    IPhoneConfigService configs,
    VerificationCodes codes,
    MessageSecretSealer sealer,
    PhoneNormalizer normalizer,
    IOptions<VerificationOptions> verificationOptions,
    IOptions<PhoneHubOptions> hubOptions,
    TimeProvider time,
    PhoneHubMetrics metrics,
    ILogger<VerificationService> logger) : IVerificationService
{
    public const string CodePlaceholder = "{code}";
    public const string AppNamePlaceholder = "{app_name}";
    public const string MinutesPlaceholder = "{minutes}";

    /// <summary>The metadata key naming the verification a message carries a code for.</summary>
    public const string MetadataKey = "phonehub.verification_id";

    private const int MaxCodeInputLength = 64;
    private const string DefaultTemplate = "Your verification code is {code}.";
    private const string DefaultTemplateWithName = "Your {app_name} verification code is {code}.";

    private VerificationOptions Options => verificationOptions.Value;

    public async Task<VerificationStartResult> StartAsync(string phoneNumber, string? group = null, VerificationStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!codes.IsAvailable)
        {
            throw new VerificationUnavailableException();
        }

        var parsed = normalizer.Parse(phoneNumber, hubOptions.Value.DefaultRegion);
        var config = await configs.ResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var settings = ResolveSettings(config, options);

        var now = time.GetUtcNow();
        var code = VerificationCodes.NewCode(settings.CodeLength);
        var salt = VerificationCodes.NewSalt();
        var start = new VerificationStartWrite
        {
            Group = group,
            PhoneNumber = parsed.E164,
            Country = parsed.RegionCode,
            Prefix = PrefixOf(parsed.E164),
            CodeLength = settings.CodeLength,
            CodeSalt = salt,
            CodeHash = codes.Hash(salt, code),
            Now = now,
            ExpiresAt = now + settings.Lifetime,
            WindowStart = now - Options.StartWindow,
            MaxStarts = Options.MaxStartsPerNumber,
        };
        var record = await store.StartAsync(start, cancellationToken).ConfigureAwait(false);
        if (record.Verification is not { } verification)
        {
            var retryAfter = (record.OldestSendInWindow ?? now) + Options.StartWindow - now;
            retryAfter = retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
            metrics.VerificationsRefused.Add(1, new KeyValuePair<string, object?>("phonehub.reason", VerificationReasons.TooManyStarts));
            VerificationLog.StartRefused(logger, group, VerificationReasons.TooManyStarts, retryAfter);
            throw new VerificationLimitException(
                VerificationReasons.TooManyStarts,
                $"At most {Options.MaxStartsPerNumber} codes are sent to a number within {Options.StartWindow.TotalMinutes:0} minutes.",
                retryAfter);
        }

        // The queued message holds the code sealed, never in the clear: the store's file never contains it.
        var body = Render(settings, verification.ExpiresAt - now, sealer.Seal(code, group, parsed.E164));
        SmsMessage message;
        try
        {
            message = await sms.EnqueueAsync(new SendSmsRequest
            {
                To = parsed.E164,
                Body = body,
                Metadata = new Dictionary<string, string> { [MetadataKey] = verification.Id.ToString(CultureInfo.InvariantCulture) },
                QuietHoursExempt = true,
            }, group, options?.User, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PhoneHubException or OperationCanceledException)
        {
            // The code never left: a verification nobody can complete must not stay live (nor count as started).
            VerificationLog.SendFailed(logger, ex, verification.Id);
            await store.CancelAsync(verification.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await store.SetMessageAsync(verification.Id, message.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        if (!record.Resent)
        {
            metrics.VerificationsStarted.Add(1, Tags(verification));
        }

        VerificationLog.Started(logger, verification.Id, verification.Sends, message.Id);
        return new VerificationStartResult(verification with { MessageId = message.Id }, record.Resent);
    }

    public Task<VerificationCheckResult> CheckAsync(string phoneNumber, string code, string? group = null, CancellationToken cancellationToken = default) =>
        CheckAsync(new VerificationCheckRequest { PhoneNumber = phoneNumber, Code = code }, group, cancellationToken);

    public async Task<VerificationCheckResult> CheckAsync(VerificationCheckRequest request, string? group = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!codes.IsAvailable)
        {
            throw new VerificationUnavailableException();
        }

        if (string.IsNullOrEmpty(request.Code) || request.Code.Length > MaxCodeInputLength)
        {
            throw new PhoneHubValidationException("code", $"The code is required (at most {MaxCodeInputLength} characters).");
        }

        var stored = await FindAsync(request, group, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return new VerificationCheckResult(VerificationOutcome.NotFound, VerificationReasons.NotFound, null);
        }

        var now = time.GetUtcNow();
        var verification = stored.Verification;
        if (Refusal(verification, now) is { } refused)
        {
            return Answer(refused);
        }

        // The check is counted before the code is compared, in one conditional statement: concurrent checks cannot
        // get more than MaxChecks comparisons between them.
        var checks = await store.TryCountCheckAsync(verification.Id, Options.MaxChecks, now, cancellationToken).ConfigureAwait(false);
        if (checks is null)
        {
            var current = await store.GetAsync(verification.Id, cancellationToken).ConfigureAwait(false);
            return Answer(current is null ? new VerificationCheckResult(VerificationOutcome.NotFound, VerificationReasons.NotFound, null)
                : Refusal(current.Verification, now) ?? new VerificationCheckResult(VerificationOutcome.TooManyAttempts, VerificationReasons.MaxAttemptsReached, current.Verification));
        }

        if (codes.Matches(stored.CodeSalt, stored.CodeHash, request.Code))
        {
            // Conditional on the verification still being pending with this very code: one approval, whoever races.
            if (await store.TryApproveAsync(verification.Id, stored.CodeSalt, now, cancellationToken).ConfigureAwait(false) is { } approved)
            {
                metrics.VerificationsApproved.Add(1, Tags(approved));
                return Answer(new VerificationCheckResult(VerificationOutcome.Approved, VerificationReasons.Approved, approved) { RemainingChecks = Options.MaxChecks - approved.Checks });
            }

            var after = await store.GetAsync(verification.Id, cancellationToken).ConfigureAwait(false);
            if (after is null || after.Verification.Status != VerificationStatus.Pending)
            {
                return Answer(new VerificationCheckResult(VerificationOutcome.NotFound, VerificationReasons.NotFound, after?.Verification));
            }

            // A resend replaced the code between read and approval: this code is no longer the one that counts.
            verification = after.Verification;
        }
        else if (checks >= Options.MaxChecks)
        {
            await store.MarkAttemptsUsedAsync(verification.Id, Options.MaxChecks, now, cancellationToken).ConfigureAwait(false);
            verification = verification with { Status = VerificationStatus.MaxAttemptsReached };
        }

        return Answer(new VerificationCheckResult(VerificationOutcome.Pending, VerificationReasons.IncorrectCode, verification with { Checks = checks.Value })
        {
            RemainingChecks = Math.Max(0, Options.MaxChecks - checks.Value),
        });
    }

    public async Task<PhoneVerification?> CancelAsync(long verificationId, string? group = null, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetAsync(verificationId, cancellationToken).ConfigureAwait(false);
        if (stored is null || !string.Equals(stored.Verification.Group, group, StringComparison.Ordinal))
        {
            return null;
        }

        var canceled = await store.CancelAsync(verificationId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (canceled?.Status == VerificationStatus.Canceled)
        {
            VerificationLog.Canceled(logger, verificationId);
        }

        return canceled;
    }

    public async Task<PhoneVerification?> GetAsync(long verificationId, string? group = null, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetAsync(verificationId, cancellationToken).ConfigureAwait(false);
        return stored is not null && string.Equals(stored.Verification.Group, group, StringComparison.Ordinal) ? stored.Verification : null;
    }

    public Task<IReadOnlyList<VerificationConversion>> GetConversionAsync(VerificationConversionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return store.GetConversionAsync(query, cancellationToken);
    }

    private async Task<StoredVerification?> FindAsync(VerificationCheckRequest request, string? group, CancellationToken cancellationToken)
    {
        StoredVerification? stored;
        if (request.VerificationId is { } id)
        {
            stored = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        }
        else if (!string.IsNullOrWhiteSpace(request.PhoneNumber))
        {
            var e164 = normalizer.Normalize(request.PhoneNumber, hubOptions.Value.DefaultRegion);
            stored = await store.FindLatestAsync(group, e164, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new PhoneHubValidationException("phone_number", "Give the phone number or the verification id.");
        }

        return stored is not null && string.Equals(stored.Verification.Group, group, StringComparison.Ordinal) ? stored : null;
    }

    /// <summary>Why a verification answers without comparing the code, or <see langword="null"/> when it may be checked.</summary>
    private VerificationCheckResult? Refusal(PhoneVerification verification, DateTimeOffset now) => verification.Status switch
    {
        VerificationStatus.Approved or VerificationStatus.Canceled => new(VerificationOutcome.NotFound, VerificationReasons.NotFound, verification),
        VerificationStatus.MaxAttemptsReached => new(VerificationOutcome.TooManyAttempts, VerificationReasons.MaxAttemptsReached, verification),
        _ when now >= verification.ExpiresAt => new(VerificationOutcome.Expired, VerificationReasons.Expired, verification),
        _ when verification.Checks >= Options.MaxChecks => new(VerificationOutcome.TooManyAttempts, VerificationReasons.MaxAttemptsReached, verification),
        _ => null,
    };

    private VerificationCheckResult Answer(VerificationCheckResult result)
    {
        if (result.Verification is { } verification)
        {
            metrics.VerificationChecks.Add(1, new KeyValuePair<string, object?>("phonehub.reason", result.Reason));
            VerificationLog.Checked(logger, verification.Id, result.Reason, verification.Checks);
        }

        return result;
    }

    private string PrefixOf(string e164) => e164[..Math.Min(e164.Length, Options.PrefixDigits + 1)];

    private static KeyValuePair<string, object?>[] Tags(PhoneVerification verification) =>
        [new("phonehub.country", verification.Country ?? ""), new("phonehub.prefix", verification.Prefix)];

    private Settings ResolveSettings(PhoneConfig config, VerificationStartOptions? start)
    {
        var o = Options;
        o.Configs.TryGetValue(config.Id.ToString(CultureInfo.InvariantCulture), out var perConfig);
        var settings = new Settings(
            start?.CodeLength ?? perConfig?.CodeLength ?? o.CodeLength,
            start?.Lifetime ?? perConfig?.Lifetime ?? o.Lifetime,
            start?.AppName ?? perConfig?.AppName ?? o.AppName,
            start?.MessageTemplate ?? perConfig?.MessageTemplate ?? o.MessageTemplate);

        var errors = new Dictionary<string, string[]>();
        if (settings.CodeLength is < 4 or > 10)
        {
            errors["code_length"] = ["The code length must be 4 to 10 digits."];
        }

        if (settings.Lifetime < VerificationOptionsSemanticValidator.MinLifetime || settings.Lifetime > VerificationOptionsSemanticValidator.MaxLifetime)
        {
            errors["lifetime"] = ["The lifetime must be 1 minute to 24 hours."];
        }

        if (settings.AppName is { Length: > 40 })
        {
            errors["app_name"] = ["The app name must be at most 40 characters."];
        }

        if (VerificationOptionsSemanticValidator.TemplateError(settings.Template) is { } templateError)
        {
            errors["message_template"] = [templateError];
        }

        return errors.Count > 0 ? throw new PhoneHubValidationException(errors) : settings;
    }

    private static string Render(Settings settings, TimeSpan remaining, string sealedCode)
    {
        var template = settings.Template ?? (string.IsNullOrWhiteSpace(settings.AppName) ? DefaultTemplate : DefaultTemplateWithName);
        var minutes = Math.Max(1, (int)Math.Ceiling(remaining.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

        // The code goes in last, so no other replacement ever runs over it.
        return template
            .Replace(AppNamePlaceholder, settings.AppName?.Trim() ?? "", StringComparison.Ordinal)
            .Replace(MinutesPlaceholder, minutes, StringComparison.Ordinal)
            .Replace(CodePlaceholder, sealedCode, StringComparison.Ordinal);
    }

    private sealed record Settings(int CodeLength, TimeSpan Lifetime, string? AppName, string? Template);
}
