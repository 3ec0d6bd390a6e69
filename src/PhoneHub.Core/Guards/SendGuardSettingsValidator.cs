using PhoneHub.Guards.Pumping;
using PhoneHub.Normalization;

namespace PhoneHub.Guards;

/// <summary>Checks a config's <see cref="SendGuardSettings"/> on every write; errors name the REST field (<c>guards.quiet_hours.end</c>, ...).</summary>
internal static class SendGuardSettingsValidator
{
    public static SendGuardSettings Validate(SendGuardSettings? settings, int maxBodyLength, Action<string, string> error)
    {
        settings ??= SendGuardSettings.Default;
        var optOut = settings.OptOut ?? new();
        foreach (var (field, text) in new[] { ("opt_out_reply", optOut.OptOutReply), ("opt_in_reply", optOut.OptInReply), ("help_reply", optOut.HelpReply) })
        {
            if (text is not null && text.Length > maxBodyLength)
            {
                error("guards.opt_out." + field, $"A reply must be at most {maxBodyLength} characters.");
            }
        }

        var quiet = settings.QuietHours ?? new();
        if (quiet.Enabled && quiet.Start == quiet.End)
        {
            error("guards.quiet_hours.end", "The allowed window must not start and end at the same time.");
        }

        var segments = settings.Segments ?? new();
        if (segments.MaxSegments is < 1 or > 100)
        {
            error("guards.segments.max_segments", "The segment ceiling must be 1 to 100.");
        }

        var pumping = settings.Pumping ?? new();
        IReadOnlyList<string>? countries = null;
        if (pumping.AllowedCountries is { } allowed)
        {
            if (allowed.Count == 0)
            {
                error("guards.pumping.allowed_countries", "List at least one region, or \"*\" for any (leave it out for every country).");
            }

            foreach (var country in allowed)
            {
                if (country != PumpingSettings.AnyCountry && !PhoneNormalizer.IsSupportedRegion(country))
                {
                    error("guards.pumping.allowed_countries", $"'{country}' is not a region code such as US or GB.");
                }
            }

            countries = [.. allowed.Select(c => c.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal)];
        }

        if (pumping.PrefixVelocity is { } velocity)
        {
            if (velocity.PrefixDigits is < 1 or > 15)
            {
                error("guards.pumping.prefix_velocity.prefix_digits", "The prefix is 1 to 15 digits.");
            }

            if (velocity.MaxMessages is < 1 or > 1_000_000)
            {
                error("guards.pumping.prefix_velocity.max_messages", "The limit is 1 to 1000000 messages.");
            }

            if (velocity.Window <= TimeSpan.Zero || velocity.Window > TimeSpan.FromDays(7))
            {
                error("guards.pumping.prefix_velocity.window", "The window is more than 0 and at most 7 days.");
            }
        }

        if (pumping.RiskScoreThreshold is < 0 or > 100)
        {
            error("guards.pumping.risk_score_threshold", "The threshold is a score from 0 to 100.");
        }

        var spend = settings.Spend ?? new();
        if (spend.DailyLimit is < 0)
        {
            error("guards.spend.daily_limit", "A limit cannot be negative.");
        }

        if (spend.MonthlyLimit is < 0)
        {
            error("guards.spend.monthly_limit", "A limit cannot be negative.");
        }

        if (!Enum.IsDefined(spend.AtLimit))
        {
            error("guards.spend.at_limit", "What happens at the limit is 'wait' or 'fail'.");
        }

        return settings with
        {
            OptOut = optOut,
            QuietHours = quiet,
            Segments = segments,
            Pumping = pumping with { AllowedCountries = countries },
            Spend = spend,
        };
    }
}
