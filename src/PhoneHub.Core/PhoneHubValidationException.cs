namespace PhoneHub;

/// <summary>Thrown when a request or a config is invalid; <see cref="Errors"/> says which fields and why.</summary>
public sealed class PhoneHubValidationException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errors">Field name to messages.</param>
    public PhoneHubValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base("Validation failed: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for one field.</summary>
    /// <param name="field">The field name (snake_case, as in the REST API).</param>
    /// <param name="message">What is wrong.</param>
    public PhoneHubValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    /// <summary>Field name to messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
