using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PhoneHub.Security;

/// <summary>
/// AES-256-GCM encryption of credentials under a key the host supplies through
/// <see cref="PhoneHubOptions.EncryptionKey"/> or the <c>PHONEHUB_ENCRYPTION_KEY</c> environment variable
/// (32 random bytes, base64).
/// </summary>
/// <remarks>
/// Layout: version byte (1), 12-byte random nonce, 16-byte tag, ciphertext. The config id is authenticated as
/// associated data, so a ciphertext copied onto another config's row fails to decrypt instead of lending that
/// config someone else's account.
/// </remarks>
internal sealed class AesGcmCredentialProtector : ICredentialProtector
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[]? _key;
    private readonly string? _environmentVariable;

    public AesGcmCredentialProtector(IOptions<PhoneHubOptions> options)
    {
        var configured = options.Value.EncryptionKey;
        _environmentVariable = options.Value.EncryptionKeyEnvironmentVariable;
        if (string.IsNullOrWhiteSpace(configured) && !string.IsNullOrEmpty(_environmentVariable))
        {
            configured = Environment.GetEnvironmentVariable(_environmentVariable);
        }

        _key = string.IsNullOrWhiteSpace(configured) ? null : DecodeKey(configured);
    }

    public bool IsAvailable => _key is not null;

    public byte[] Protect(ProviderCredentials credentials, long configId)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var key = RequireKey();
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(credentials.Values, CredentialJsonContext.Default.IReadOnlyDictionaryStringString);
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), AssociatedData(configId));
        CryptographicOperations.ZeroMemory(plaintext);
        return output;
    }

    public ProviderCredentials Unprotect(byte[] ciphertext, long configId)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var key = RequireKey();
        if (ciphertext.Length < 1 + NonceSize + TagSize || ciphertext[0] != FormatVersion)
        {
            throw new CredentialsUnavailableException("The stored credentials are not in a format this version of PhoneHub can read.");
        }

        var plaintext = new byte[ciphertext.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                ciphertext.AsSpan(1, NonceSize),
                ciphertext.AsSpan(1 + NonceSize + TagSize),
                ciphertext.AsSpan(1 + NonceSize, TagSize),
                plaintext,
                AssociatedData(configId));
            var values = JsonSerializer.Deserialize(plaintext, CredentialJsonContext.Default.DictionaryStringString)
                ?? throw new CredentialsUnavailableException("The stored credentials are empty.");
            return new ProviderCredentials(values!);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CredentialsUnavailableException(
                $"The stored credentials of config {configId} cannot be decrypted: the encryption key is not the one they were stored with, or the data was altered.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Where a host sets the key, for messages to the host's operator (never to API callers).</summary>
    public string KeySettings => string.IsNullOrEmpty(_environmentVariable)
        ? "PhoneHub:EncryptionKey"
        : $"PhoneHub:EncryptionKey (or the {_environmentVariable} environment variable)";

    private byte[] RequireKey() => _key ?? throw new CredentialsUnavailableException(
        $"No credential encryption key is configured, so credentials cannot be stored or read. Set {KeySettings} " +
        "to 32 random bytes in base64 (for example the output of 'openssl rand -base64 32').");

    private static byte[] AssociatedData(long configId)
    {
        var prefix = "phonehub:config:"u8;
        var data = new byte[prefix.Length + sizeof(long)];
        prefix.CopyTo(data);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(prefix.Length), configId);
        return data;
    }

    internal static byte[] DecodeKey(string value)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException ex)
        {
            throw new CredentialsUnavailableException("The credential encryption key is not valid base64.", ex);
        }

        return key.Length == 32
            ? key
            : throw new CredentialsUnavailableException($"The credential encryption key must be 32 bytes (256 bits); it is {key.Length} bytes.");
    }

    internal static bool IsValidKey(string value)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written == 32;
    }
}
