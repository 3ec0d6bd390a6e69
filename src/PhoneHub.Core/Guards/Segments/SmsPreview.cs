using System.Text;
using PhoneHub.Messaging;

namespace PhoneHub.Guards.Segments;

/// <summary>What to preview (see <see cref="ISmsService.PreviewAsync"/>).</summary>
public sealed record SmsPreviewRequest
{
    /// <summary>The text as it would be sent.</summary>
    public required string Body { get; init; }

    /// <summary>The recipient, for the price of its country; by default the config's home country.</summary>
    public string? To { get; init; }

    /// <summary>An explicit sender, for the price of its type; by default the config's.</summary>
    public string? From { get; init; }
}

/// <summary>How a body would be sent: encoding, size, segments and estimated price, and what smart encoding changes.</summary>
public sealed record SmsPreview
{
    /// <summary>The text that would be sent (after smart encoding when the config has it on).</summary>
    public required string Body { get; init; }

    /// <summary>GSM-7 or UCS-2.</summary>
    public SmsCharacterSet Encoding { get; init; }

    /// <summary>Unicode characters (code points) in <see cref="Body"/>; an emoji made of several code points counts each.</summary>
    public int Characters { get; init; }

    /// <summary>What the segment limit counts: septets for GSM-7 (an extension character such as € is 2), UTF-16 units for UCS-2 (most emoji are 2).</summary>
    public int Units { get; init; }

    /// <summary>How many segments the message takes (each is billed).</summary>
    public int Segments { get; init; }

    /// <summary>The units per segment: 160 or 70 for a single segment, 153 or 67 per part of a longer message.</summary>
    public int PerSegmentLimit { get; init; }

    /// <summary>The estimated price from the price table, or <see langword="null"/> when it has none.</summary>
    public decimal? EstimatedPrice { get; init; }

    /// <summary>The currency of <see cref="EstimatedPrice"/>.</summary>
    public string? Currency { get; init; }

    /// <summary>Whether the config's smart encoding is on (so <see cref="Body"/> has the replacements).</summary>
    public bool SmartEncodingEnabled { get; init; }

    /// <summary>The replacements smart encoding makes (or would make, when it is off) to send the body as GSM-7; empty when none helps.</summary>
    public IReadOnlyList<SmartEncodingChange> SmartEncodingChanges { get; init; } = [];

    /// <summary>The encoding and segments without smart encoding, to compare.</summary>
    public SmsBodyMeasure Original { get; init; }

    /// <summary>The encoding and segments with smart encoding, to compare.</summary>
    public SmsBodyMeasure WithSmartEncoding { get; init; }

    /// <summary>The config's segment ceiling, if it has one.</summary>
    public int? MaxSegments { get; init; }

    /// <summary>Whether the message would be refused for taking more than <see cref="MaxSegments"/>.</summary>
    public bool ExceedsMaxSegments => MaxSegments is { } max && Segments > max;

    /// <summary>Counts the Unicode characters of a text (a lone surrogate counts as one).</summary>
    internal static int CountCharacters(string text)
    {
        var count = 0;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf16(rest, out _, out var used);
            rest = rest[used..];
            count++;
        }

        return count;
    }
}
