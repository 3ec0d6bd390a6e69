namespace PhoneHub.Guards.QuietHours;

/// <summary>
/// The local window in which a config's messages may reach a recipient, in the recipient's time zone as
/// libphonenumber's time-zone metadata gives it for the number; when a number maps to several zones the window must hold
/// in all of them. Outside it a message is deferred (never dropped) to the next moment it holds. US rules (TCPA) allow
/// 8:00 to 21:00; some states are stricter (narrow the window for them).
/// </summary>
public sealed record QuietHoursSettings
{
    /// <summary>Whether the window applies. Default <see langword="false"/>.</summary>
    public bool Enabled { get; init; }

    /// <summary>The first allowed local time. Default 08:00.</summary>
    public TimeOnly Start { get; init; } = new(8, 0);

    /// <summary>The end of the window (exclusive). Default 21:00. When it is before <see cref="Start"/> the window spans midnight.</summary>
    public TimeOnly End { get; init; } = new(21, 0);
}
