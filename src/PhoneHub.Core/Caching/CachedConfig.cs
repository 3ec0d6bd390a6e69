using System.ComponentModel;
using PhoneHub.Configuration;

namespace PhoneHub.Caching;

/// <summary>
/// A config resolution as the cache keeps it: the config (or none) and when the answer stops being reused, on
/// PhoneHub's clock, whichever host or tier it is read from.
/// </summary>
/// <remarks>
/// Marked immutable so that <c>HybridCache</c> hands out this very instance from memory instead of a copy per read
/// (nothing changes a resolved config after it was read from the store).
/// </remarks>
[ImmutableObject(true)]
internal sealed record CachedConfig(PhoneConfig? Config, DateTimeOffset Expires);
