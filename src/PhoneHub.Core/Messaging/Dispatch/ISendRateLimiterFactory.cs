using System.Threading.RateLimiting;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// Makes the limiter that paces one sender or provider account. Without one registered, each process keeps its own
/// token buckets (so with several hosts the rate holds per host); <c>UseRedis(...)</c> registers limiters shared by every
/// host, so the rate holds for their sum.
/// </summary>
public interface ISendRateLimiterFactory
{
    /// <summary>Creates the limiter for <paramref name="key"/>; called once per key by each process.</summary>
    /// <param name="key">The sender or account, provider-qualified (for example <c>twilio|sender|+14155550100</c>); the same on every host.</param>
    /// <param name="segmentsPerSecond">The rate, in message segments per second; at most one second of sends goes at once.</param>
    /// <returns>
    /// A limiter counted in segments whose <see cref="RateLimiter.AcquireAsync"/> waits for its permits instead of
    /// refusing them (PhoneHub asks for at most one second's worth at a time).
    /// </returns>
    RateLimiter Create(string key, double segmentsPerSecond);
}
