using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PhoneHub.Stores;

namespace PhoneHub.Reports;

/// <summary>
/// Counts lookups per UTC day and source in this process by listening to PhoneHub's own
/// <see cref="Diagnostics.PhoneHubTelemetry.LookupRequests"/> counter (so the lookup path is not touched), until
/// <see cref="LookupUsageFlusher"/> adds them to the store.
/// </summary>
internal sealed class LookupUsageCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(DateOnly Day, string Source), long> _pending = new();

    public LookupUsageCounter(Instrument lookups, TimeProvider? time)
    {
        _time = time ?? TimeProvider.System;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this container's instrument: other containers in the process (tests, several hosts) count their own.
            if (ReferenceEquals(instrument, lookups))
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((LookupUsageCounter)state!).Add(value, tags));
        _listener.Start();
    }

    /// <summary>Counts not yet stored.</summary>
    public IReadOnlyList<LookupUsage> Pending => [.. _pending.Where(p => p.Value != 0).Select(p => new LookupUsage(p.Key.Day, p.Key.Source, p.Value))];

    /// <summary>Takes the counts for storing; <see cref="Return"/> puts them back when storing failed.</summary>
    public IReadOnlyList<LookupUsage> Take()
    {
        var taken = new List<LookupUsage>();
        foreach (var key in _pending.Keys)
        {
            if (_pending.TryRemove(key, out var count) && count != 0)
            {
                taken.Add(new LookupUsage(key.Day, key.Source, count));
            }
        }

        return taken;
    }

    public void Return(IReadOnlyList<LookupUsage> usage)
    {
        foreach (var item in usage)
        {
            _pending.AddOrUpdate((item.Day, item.Source), item.Count, (_, c) => c + item.Count);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var source = "unknown";
        foreach (var tag in tags)
        {
            if (tag.Key == "phonehub.lookup.source" && tag.Value is string s)
            {
                source = s;
                break;
            }
        }

        var day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        _pending.AddOrUpdate((day, source), value, (_, c) => c + value);
    }
}
