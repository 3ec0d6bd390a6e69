namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// What the background dispatcher last did: whether its loop runs, and when it last showed progress (a pass, a wake-up,
/// a message done). Read by the dispatcher health check; written only by the dispatcher.
/// </summary>
internal sealed class SmsDispatcherLiveness(TimeProvider time)
{
    private int _state;
    private long _lastBeatTicks;

    /// <summary>Where the loop is.</summary>
    public SmsDispatcherState State => (SmsDispatcherState)Volatile.Read(ref _state);

    /// <summary>When the loop last showed progress, or <see langword="null"/> before it started.</summary>
    public DateTimeOffset? LastBeat => Interlocked.Read(ref _lastBeatTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Started()
    {
        Beat();
        Volatile.Write(ref _state, (int)SmsDispatcherState.Running);
    }

    public void Beat() => Interlocked.Exchange(ref _lastBeatTicks, time.GetUtcNow().UtcTicks);

    public void Stopped() => Volatile.Write(ref _state, (int)SmsDispatcherState.Stopped);
}

/// <summary>Where the background dispatcher's loop is.</summary>
internal enum SmsDispatcherState
{
    /// <summary>Not started (no generic host runs it, or the host has not started yet).</summary>
    NotStarted,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Ended (the host is stopping, or the loop failed).</summary>
    Stopped,
}
