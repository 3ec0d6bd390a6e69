using System.Text;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>A raw HTTP/1.1 request (a SigV4 suite <c>.req</c> file, or what the loopback SNS received), parsed into the signer's input.</summary>
public sealed class RawHttpRequest
{
    private RawHttpRequest(string method, string target, List<KeyValuePair<string, string>> headers, byte[] body)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }

    /// <summary>The request target as written (path and query).</summary>
    public string Target { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    public string Path => Target.Split('?', 2)[0];

    public string Query => Target.Contains('?', StringComparison.Ordinal) ? Target.Split('?', 2)[1] : "";

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>Parses head and body; the head is UTF-8 (the suite writes a raw non-ASCII query that way), lines end in LF or CRLF.</summary>
    public static RawHttpRequest Parse(byte[] raw)
    {
        var (headEnd, separatorLength) = FindHeadEnd(raw);
        var head = Encoding.UTF8.GetString(raw, 0, headEnd);
        var body = headEnd + separatorLength <= raw.Length ? raw[(headEnd + separatorLength)..] : [];
        var lines = head.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var requestLine = lines[0].Split(' ');
        var target = string.Join(' ', requestLine[1..^1]);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return new RawHttpRequest(requestLine[0], target, headers, body);
    }

    /// <summary>The signer's input with only the named headers (all when <paramref name="signedHeaders"/> is null).</summary>
    internal AwsSigningRequest ToSigningRequest(IReadOnlyCollection<string>? signedHeaders = null) => new(
        Method,
        Path,
        Query,
        [.. Headers.Where(h => signedHeaders is null || signedHeaders.Contains(h.Key.ToLowerInvariant()))],
        Body);

    private static (int Index, int Length) FindHeadEnd(byte[] raw)
    {
        for (var i = 0; i < raw.Length - 1; i++)
        {
            if (raw[i] == '\n' && raw[i + 1] == '\n')
            {
                return (i, 2);
            }

            if (i + 3 < raw.Length && raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n')
            {
                return (i, 4);
            }
        }

        return (raw.Length, 0);
    }
}
