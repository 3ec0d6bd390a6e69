namespace PhoneHub.Providers;

/// <summary>
/// Something a provider sends back to PhoneHub that names the tenant a webhook is about: a receiving number, a
/// messaging service, a provider account, a notification topic. Among active configs each identity is held by at most
/// one config (across every group), so a webhook maps to exactly one tenant and is trusted only with that tenant's secret.
/// </summary>
/// <param name="Kind">One of <see cref="ProviderIdentityKinds"/> (or a custom provider's kind).</param>
/// <param name="Value">The normalized value, for example an E.164 number or an account id.</param>
public readonly record struct ProviderIdentity(string Kind, string Value)
{
    /// <summary>Orders by kind, then value (ordinal), so identity lists compare and store the same way everywhere.</summary>
    /// <param name="x">An identity.</param>
    /// <param name="y">Another identity.</param>
    /// <returns>The order.</returns>
    public static int Compare(ProviderIdentity x, ProviderIdentity y)
    {
        var kind = string.CompareOrdinal(x.Kind, y.Kind);
        return kind != 0 ? kind : string.CompareOrdinal(x.Value, y.Value);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Value}";
}

/// <summary>The identity kinds of the built-in providers.</summary>
public static class ProviderIdentityKinds
{
    /// <summary>A phone number (E.164) that sends and receives for the config.</summary>
    public const string PhoneNumber = "phone_number";

    /// <summary>A Twilio Messaging Service SID (<c>MG...</c>).</summary>
    public const string MessagingService = "messaging_service";

    /// <summary>A provider account id (the Twilio AccountSid).</summary>
    public const string Account = "account";

    /// <summary>An Amazon SNS topic ARN the config receives notifications from.</summary>
    public const string Topic = "topic";
}
