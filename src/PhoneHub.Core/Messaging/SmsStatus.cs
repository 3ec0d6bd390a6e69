namespace PhoneHub.Messaging;

/// <summary>The life-cycle state of a message (Twilio's vocabulary, which covers SNS's too).</summary>
public enum SmsStatus
{
    /// <summary>Recorded, not yet handed to (or accepted by) the provider.</summary>
    Queued = 1,

    /// <summary>Scheduled for later sending.</summary>
    Scheduled,

    /// <summary>Accepted by the provider (messaging service), not yet queued.</summary>
    Accepted,

    /// <summary>Being sent by the provider.</summary>
    Sending,

    /// <summary>Handed to the carrier.</summary>
    Sent,

    /// <summary>The carrier confirmed delivery.</summary>
    Delivered,

    /// <summary>The recipient read it (channels that report reads).</summary>
    Read,

    /// <summary>The carrier could not deliver it.</summary>
    Undelivered,

    /// <summary>Sending failed, or its outcome could not be confirmed (see the error code).</summary>
    Failed,

    /// <summary>Sending was canceled before it happened.</summary>
    Canceled,

    /// <summary>An inbound message being received.</summary>
    Receiving,

    /// <summary>An inbound message that was received.</summary>
    Received,
}
