namespace PhoneHub.Lookup;

/// <summary>Who a caller-name (CNAM) record belongs to.</summary>
public enum CallerType
{
    /// <summary>A business.</summary>
    Business = 1,

    /// <summary>A private person.</summary>
    Consumer,
}
