using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PhoneHub.Verification;

namespace PhoneHub.Security;

/// <summary>
/// Keeps a secret that must travel inside a message body (a one-time code) out of the store: the queued body holds a
/// sealed token in its place (AES-256-GCM under a key derived from <see cref="VerificationOptions.CodeKey"/>), and the
/// dispatcher opens it only for the provider call. The group and recipient are authenticated with the token, so a
/// sealed token copied into another message (a caller can read stored bodies) opens only for the same recipient.
/// </summary>
internal sealed partial class MessageSecretSealer
{
    private const string Start = "{{sealed:";
    private const string End = "}}";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[]? _key;

    public MessageSecretSealer(IOptions<VerificationOptions> options)
    {
        var key = options.Value.CodeKey;
        _key = string.IsNullOrWhiteSpace(key) || !VerificationCodes.IsValidKey(key) ? null : VerificationCodes.DeriveKey(key, "phonehub message secret seal v1");
    }

    /// <summary>Whether a body holds a sealed token (a quick check before the regular expression).</summary>
    public static bool HasSealed(string body) => body.Contains(Start, StringComparison.Ordinal);

    /// <summary>The token that stands for <paramref name="secret"/> in a body for <paramref name="to"/>.</summary>
    public string Seal(string secret, string? group, string to)
    {
        var key = _key ?? throw new VerificationUnavailableException();
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(output.AsSpan(0, NonceSize), plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData(group, to));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return Start + Base64Url.EncodeToString(output) + End;
    }

    /// <summary>The body with every sealed token opened, or <see langword="null"/> when one cannot be opened (other key, other recipient, tampered).</summary>
    public string? Open(string body, string? group, string to)
    {
        if (!HasSealed(body) || !Token().IsMatch(body))
        {
            return body;
        }

        if (_key is not { } key)
        {
            return null;
        }

        var failed = false;
        var opened = Token().Replace(body, match =>
        {
            byte[] sealedBytes;
            try
            {
                sealedBytes = Base64Url.DecodeFromChars(match.Groups[1].ValueSpan);
            }
            catch (FormatException)
            {
                failed = true;
                return "";
            }

            if (sealedBytes.Length < NonceSize + TagSize)
            {
                failed = true;
                return "";
            }

            var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
            try
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext, AssociatedData(group, to));
                return Encoding.UTF8.GetString(plaintext);
            }
            catch (AuthenticationTagMismatchException)
            {
                failed = true;
                return "";
            }
        });
        return failed ? null : opened;
    }

    private static byte[] AssociatedData(string? group, string to) => Encoding.UTF8.GetBytes((group ?? "") + "\u001f" + to);

    [GeneratedRegex(@"\{\{sealed:([A-Za-z0-9_-]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
