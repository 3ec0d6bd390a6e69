namespace PhoneHub.Guards.OptOuts;

/// <summary>
/// How a config answers the opt-out keywords (<see cref="OptOutKeywords"/>). Keywords always update the opt-out list;
/// these settings only decide the replies.
/// </summary>
public sealed record OptOutSettings
{
    /// <summary>The default confirmation of an opt-out.</summary>
    public const string DefaultOptOutReply = "You are unsubscribed and will receive no more messages from us. Reply START to subscribe again.";

    /// <summary>The default confirmation of an opt-in.</summary>
    public const string DefaultOptInReply = "You are subscribed again. Reply STOP to unsubscribe.";

    /// <summary>The default answer to HELP and INFO.</summary>
    public const string DefaultHelpReply = "Reply STOP to unsubscribe or START to subscribe again.";

    /// <summary>
    /// Whether the provider answers the keywords itself (Twilio Advanced Opt-Out, AWS opt-out handling): PhoneHub then
    /// records them but sends no reply of its own. Default <see langword="false"/>.
    /// </summary>
    public bool ProviderSendsReplies { get; init; }

    /// <summary>The confirmation sent after an opt-out keyword; <see langword="null"/> or empty sends none.</summary>
    public string? OptOutReply { get; init; } = DefaultOptOutReply;

    /// <summary>The confirmation sent after an opt-in keyword; <see langword="null"/> or empty sends none.</summary>
    public string? OptInReply { get; init; } = DefaultOptInReply;

    /// <summary>The answer to HELP and INFO; <see langword="null"/> or empty sends none.</summary>
    public string? HelpReply { get; init; } = DefaultHelpReply;
}
