namespace PhoneHub.Providers;

/// <summary>
/// A provider that scores recipients for SMS-pumping risk (Twilio Lookup's <c>sms_pumping_risk</c>), implemented by
/// the same class as its <see cref="ISmsProvider"/>. Used by configs that set a
/// <see cref="Guards.Pumping.PumpingSettings.RiskScoreThreshold"/>.
/// </summary>
public interface IPumpingRiskProvider
{
    /// <summary>Scores one recipient (each call may cost a lookup).</summary>
    /// <param name="e164">The number in E.164.</param>
    /// <param name="context">The config and its credentials.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's answer.</returns>
    /// <exception cref="PhoneLookupException">The lookup failed.</exception>
    Task<PumpingRiskScore> GetPumpingRiskAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default);
}

/// <summary>A provider's SMS-pumping assessment of a number.</summary>
/// <param name="Score">0 (low risk) to 100 (high), or <see langword="null"/> when the provider gave none.</param>
public sealed record PumpingRiskScore(int? Score)
{
    /// <summary>Whether the provider currently blocks the number for pumping traffic.</summary>
    public bool NumberBlocked { get; init; }

    /// <summary>The provider's risk category of the number's carrier, if it gave one.</summary>
    public string? CarrierRiskCategory { get; init; }
}
