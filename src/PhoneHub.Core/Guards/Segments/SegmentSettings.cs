namespace PhoneHub.Guards.Segments;

/// <summary>A config's rules for the body: smart encoding and a ceiling on segments.</summary>
public sealed record SegmentSettings
{
    /// <summary>
    /// Whether look-alike Unicode characters (curly quotes, dashes, special spaces, the ellipsis, ...; see
    /// <see cref="SmartEncoding"/>) are replaced when that lets the message go as GSM-7. The stored body is what was
    /// sent. Default <see langword="false"/>.
    /// </summary>
    public bool SmartEncoding { get; init; }

    /// <summary>The most segments one message may take; a longer one is refused (<c>segment_limit</c>). Default none.</summary>
    public int? MaxSegments { get; init; }
}
