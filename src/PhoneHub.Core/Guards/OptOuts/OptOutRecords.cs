namespace PhoneHub.Guards.OptOuts;

/// <summary>A number on a group's opt-out list: nothing is sent to it from that group until it opts back in.</summary>
public sealed record OptOutEntry
{
    /// <summary>The group; <see langword="null"/> for messages without a group (the system default config's).</summary>
    public string? Group { get; init; }

    /// <summary>The number in E.164.</summary>
    public required string PhoneNumber { get; init; }

    /// <summary>When it opted out.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>How it opted out.</summary>
    public OptOutSource Source { get; init; }

    /// <summary>The keyword or provider error code that opted it out, if any.</summary>
    public string? Detail { get; init; }

    /// <summary>Who: the user of an API change, the inbound message (<c>message:42</c>) or the message a provider refused.</summary>
    public string? Actor { get; init; }
}

/// <summary>One change of an opt-out list, kept for ever: when, how and by whom.</summary>
public sealed record OptOutChange
{
    /// <summary>Store identifier.</summary>
    public long Id { get; init; }

    /// <summary>The group.</summary>
    public string? Group { get; init; }

    /// <summary>The number in E.164.</summary>
    public required string PhoneNumber { get; init; }

    /// <summary>Opted out or back in.</summary>
    public OptOutAction Action { get; init; }

    /// <summary>How.</summary>
    public OptOutSource Source { get; init; }

    /// <summary>The keyword, or the provider's error code.</summary>
    public string? Detail { get; init; }

    /// <summary>Who: a user id, <c>message:42</c> for an inbound keyword or a refused send.</summary>
    public string? Actor { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>A change of an opt-out list.</summary>
public enum OptOutAction
{
    /// <summary>The number was added.</summary>
    OptOut = 1,

    /// <summary>The number was removed.</summary>
    OptIn,
}

/// <summary>Where a change came from.</summary>
public enum OptOutSource
{
    /// <summary>A keyword in an inbound message.</summary>
    Keyword = 1,

    /// <summary>The API (a host's code, the REST routes).</summary>
    Api,

    /// <summary>A provider refused a send because the number opted out there (Twilio 21610, SNS OptedOut).</summary>
    Provider,
}

/// <summary>Which opt-outs to list.</summary>
public sealed record OptOutQuery
{
    /// <summary>Only this group's (<see langword="null"/>: messages without a group).</summary>
    public string? Group { get; init; }

    /// <summary>Only this number (E.164).</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>Items to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Page size (1 to 500).</summary>
    public int Limit { get; init; } = 50;
}
