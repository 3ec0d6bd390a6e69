using System.Text.Json;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>
/// Reads the string members of a JSON object from an anonymous caller without trusting its bytes. A JSON document can be
/// well-formed and still carry a string that is not Unicode (invalid UTF-8, or an escaped lone surrogate such as
/// <c>"\ud800"</c>); <see cref="JsonElement.GetString"/> throws on those, which must become a 400, never a 500.
/// </summary>
internal static class SafeJson
{
    /// <summary>The top-level string members of <paramref name="root"/> (other kinds are left out), or <see langword="false"/> when one is not Unicode.</summary>
    public static bool TryReadStrings(JsonElement root, out Dictionary<string, string> strings)
    {
        strings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        try
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { } value)
                {
                    // Names are read the same way (they may hold the same bad escapes); the first value of a repeated name wins.
                    strings.TryAdd(property.Name, value);
                }
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return !strings.Any(p => HasLoneSurrogate(p.Key) || HasLoneSurrogate(p.Value));
    }

    // GetString decodes "\ud800" to a lone surrogate without throwing; such a string cannot be stored or signed as UTF-8.
    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
