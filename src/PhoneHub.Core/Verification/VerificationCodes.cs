using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PhoneHub.Verification;

/// <summary>
/// Codes from the operating system's cryptographic random source, kept only as HMAC-SHA256 under a key derived from
/// <see cref="VerificationOptions.CodeKey"/> with a random salt per verification, and compared in constant time.
/// </summary>
internal sealed class VerificationCodes
{
    public const int SaltSize = 16;
    private const int MinKeyBytes = 32;

    private readonly byte[]? _hashKey;

    public VerificationCodes(IOptions<VerificationOptions> options)
    {
        var key = options.Value.CodeKey;
        _hashKey = string.IsNullOrWhiteSpace(key) || !IsValidKey(key) ? null : DeriveKey(key, "phonehub verification code hash v1");
    }

    public bool IsAvailable => _hashKey is not null;

    public static bool IsValidKey(string key)
    {
        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key.Trim(), buffer, out var written) && written >= MinKeyBytes;
    }

    /// <summary>A purpose-bound subkey, so the hash key and the sealing key are never the same bytes.</summary>
    public static byte[] DeriveKey(string key, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(key.Trim()), 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>A code of <paramref name="length"/> decimal digits, each uniform (no modulo bias).</summary>
    public static string NewCode(int length)
    {
        Span<char> digits = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new string(digits);
    }

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltSize);

    public byte[] Hash(ReadOnlySpan<byte> salt, string code)
    {
        var key = _hashKey ?? throw new VerificationUnavailableException();
        var input = new byte[salt.Length + Encoding.UTF8.GetMaxByteCount(code.Length)];
        salt.CopyTo(input);
        var length = salt.Length + Encoding.UTF8.GetBytes(code, input.AsSpan(salt.Length));
        var hash = HMACSHA256.HashData(key, input.AsSpan(0, length));
        CryptographicOperations.ZeroMemory(input);
        return hash;
    }

    /// <summary>Whether <paramref name="code"/> hashes to <paramref name="storedHash"/>; the comparison takes the same time wherever they differ.</summary>
    public bool Matches(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> storedHash, string code) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, code), storedHash);
}
