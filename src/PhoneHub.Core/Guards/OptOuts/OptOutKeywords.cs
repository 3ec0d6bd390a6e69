using System.Text;

namespace PhoneHub.Guards.OptOuts;

/// <summary>
/// The keywords an inbound message may consist of to opt out, opt back in, or ask for help. A message matches only when
/// its whole text is one keyword: case does not matter, nor whitespace around it (Unicode spaces and line breaks
/// included), nor one or more of <c>. ! ?</c> after it, and full-width letters count as their ASCII forms. Anything
/// else is not a keyword: "stop please", "STOP ALL", "OPT OUT", "OPT-OUT", "stopp", "S.T.O.P", "don't stop".
/// </summary>
public static class OptOutKeywords
{
    private static readonly Dictionary<string, OptOutKeyword> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["STOP"] = OptOutKeyword.OptOut,
        ["STOPALL"] = OptOutKeyword.OptOut,
        ["UNSUBSCRIBE"] = OptOutKeyword.OptOut,
        ["CANCEL"] = OptOutKeyword.OptOut,
        ["END"] = OptOutKeyword.OptOut,
        ["QUIT"] = OptOutKeyword.OptOut,
        ["OPTOUT"] = OptOutKeyword.OptOut,
        ["REVOKE"] = OptOutKeyword.OptOut,
        ["START"] = OptOutKeyword.OptIn,
        ["YES"] = OptOutKeyword.OptIn,
        ["UNSTOP"] = OptOutKeyword.OptIn,
        ["HELP"] = OptOutKeyword.Help,
        ["INFO"] = OptOutKeyword.Help,
    };

    /// <summary>The opt-out keywords.</summary>
    public static IReadOnlyList<string> OptOut { get; } = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"];

    /// <summary>The opt-in keywords.</summary>
    public static IReadOnlyList<string> OptIn { get; } = ["START", "YES", "UNSTOP"];

    /// <summary>The help keywords.</summary>
    public static IReadOnlyList<string> Help { get; } = ["HELP", "INFO"];

    /// <summary>What an inbound message's text asks for.</summary>
    /// <param name="body">The text.</param>
    /// <returns>The kind of keyword, or <see cref="OptOutKeyword.None"/>.</returns>
    public static OptOutKeyword Classify(string? body) => Classify(body, out _);

    /// <summary>What an inbound message's text asks for, and the keyword it matched (upper case).</summary>
    /// <param name="body">The text.</param>
    /// <param name="keyword">The keyword, or <see langword="null"/>.</param>
    /// <returns>The kind of keyword, or <see cref="OptOutKeyword.None"/>.</returns>
    public static OptOutKeyword Classify(string? body, out string? keyword)
    {
        keyword = null;
        if (string.IsNullOrEmpty(body) || body.Length > 64)
        {
            return OptOutKeyword.None;
        }

        var text = body.IsNormalized(NormalizationForm.FormKC) ? body : body.Normalize(NormalizationForm.FormKC);
        var word = text.AsSpan().Trim().TrimEnd(".!?").TrimEnd();
        if (word.IsEmpty)
        {
            return OptOutKeyword.None;
        }

        var lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(word, out var kind))
        {
            return OptOutKeyword.None;
        }

        keyword = word.ToString().ToUpperInvariant();
        return kind;
    }
}

/// <summary>What an inbound keyword asks for.</summary>
public enum OptOutKeyword
{
    /// <summary>Not a keyword.</summary>
    None = 0,

    /// <summary>Stop sending to me (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE).</summary>
    OptOut,

    /// <summary>Send to me again (START, YES, UNSTOP).</summary>
    OptIn,

    /// <summary>Tell me how this works (HELP, INFO).</summary>
    Help,
}
