namespace PhoneHub.Messaging;

/// <summary>Which way a message travelled.</summary>
public enum SmsDirection
{
    /// <summary>Sent by this application.</summary>
    Outbound = 1,

    /// <summary>Received by this application.</summary>
    Inbound,
}
