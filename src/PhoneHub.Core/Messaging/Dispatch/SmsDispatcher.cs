using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Guards;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// Sends stored messages: claims due ones with a lease, paces them per sender, records each provider call as started
/// before the request leaves, and completes the message with the provider's answer, only for the call that holds it.
/// One code path for the background dispatcher, <see cref="ISmsService.DispatchDueAsync"/> and inline sends.
/// </summary>
/// <remarks>
/// What a failure means decides what happens next: a throttle (the provider did not take the message) pauses the
/// sender and sends again later; a failure that proves the message was not sent (unreachable, credentials, account or
/// config refused) moves it to the config's fallback when there is one; anything with an unknown outcome (a timeout, a
/// 5xx, a dropped connection) ends as <c>failed</c> with <c>outcome_unknown</c> and is never sent again.
/// </remarks>
internal sealed class SmsDispatcher : IDisposable
{
    public const string OutcomeUnknown = "outcome_unknown";

    /// <summary>The error code of a message whose sealed code cannot be opened here (it is failed, never sent sealed).</summary>
    public const string SealedBodyUnreadable = "sealed_body_unreadable";

    private readonly ISmsStore _store;
    private readonly SendGuardPipeline _guards;
    private readonly OptOutService _optOuts;
    private readonly IPhoneConfigService _configs;
    private readonly ProviderRegistry _providers;
    private readonly SenderPacing _pacing;
    private readonly SmsStatusEffects _effects;
    private readonly PhoneNormalizer _normalizer;
    private readonly TimeProvider _time;
    private readonly PhoneHubMetrics _metrics;
    private readonly MessageSecretSealer _secrets;
    private readonly SmsDispatchOptions _options;
    private readonly ILogger<SmsDispatcher> _logger;
    private readonly SemaphoreSlim _work = new(0, 1);
    private long _lastRecoveryTicks;

    public SmsDispatcher(
        ISmsStore store,
        SendGuardPipeline guards,
        OptOutService optOuts,
        IPhoneConfigService configs,
        ProviderRegistry providers,
        SenderPacing pacing,
        SmsStatusEffects effects,
        PhoneNormalizer normalizer,
        TimeProvider time,
        PhoneHubMetrics metrics,
        MessageSecretSealer secrets,
        IOptions<SmsDispatchOptions> options,
        ILogger<SmsDispatcher> logger)
    {
        _store = store;
        _guards = guards;
        _optOuts = optOuts;
        _configs = configs;
        _providers = providers;
        _pacing = pacing;
        _effects = effects;
        _normalizer = normalizer;
        _time = time;
        _metrics = metrics;
        _secrets = secrets;
        _options = options.Value;
        _logger = logger;
        Liveness = new SmsDispatcherLiveness(time);
        Owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
    }

    /// <summary>This process's name on its claims.</summary>
    public string Owner { get; }

    public SmsDispatchOptions Options => _options;

    /// <summary>Signs of life of the background dispatcher (for the health check).</summary>
    public SmsDispatcherLiveness Liveness { get; }

    /// <summary>A new claim and call token for this process, lasting one lease.</summary>
    public SmsAttempt NewAttempt() => new(Owner, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), _time.GetUtcNow() + _options.LeaseDuration);

    /// <summary>Wakes an idle background dispatcher (a message was enqueued).</summary>
    public void Signal()
    {
        if (_work.CurrentCount == 0)
        {
            try
            {
                _work.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else woke it first.
            }
        }
    }

    /// <summary>Waits for <see cref="Signal"/>, the next due message, or the poll interval, whichever is first.</summary>
    public async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        var wait = _options.PollInterval;
        if (await _store.NextDueAsync(cancellationToken).ConfigureAwait(false) is { } due && due - _time.GetUtcNow() is var untilDue && untilDue < wait)
        {
            wait = untilDue > TimeSpan.Zero ? untilDue : TimeSpan.Zero;
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _time, linked.Token);
        var signaled = _work.WaitAsync(linked.Token);
        await Task.WhenAny(delay, signaled).ConfigureAwait(false);
        await linked.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// One pass: resolves lapsed calls when due, claims due messages and sends them. Returns how many were claimed
    /// (0 when nothing was due).
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        await RecoverIfDueAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var claimed = await _store.ClaimDueAsync(Owner, now, now + _options.LeaseDuration, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken }, async (message, ct) =>
        {
            try
            {
                await ExecuteAsync(message, NewAttempt(), started: false, inlineRetries: 0, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store failure mid-dispatch: the claim lapses and recovery decides, so one message cannot stop the rest.
                Log.DispatchFailed(_logger, ex, message.Id);
            }
            finally
            {
                Liveness.Beat();
            }
        }).ConfigureAwait(false);
        return claimed.Count;
    }

    /// <summary>Resolves lapsed provider calls now, and drops old status reports nobody claimed.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref _lastRecoveryTicks, now.UtcTicks);
        var lapsed = await _store.ResolveLapsedAttemptsAsync(now, OutcomeUnknown,
            "The process sending this message stopped while the provider call was in progress; the provider may have accepted it, so it was not sent again.",
            cancellationToken).ConfigureAwait(false);
        foreach (var message in lapsed)
        {
            Log.AttemptLapsed(_logger, message.Id);
            _metrics.SmsFailed.Add(1, new("phonehub.provider", message.Provider), new("phonehub.error_code", OutcomeUnknown));
        }

        await _store.DeletePendingStatusesBeforeAsync(now - _options.PendingStatusRetention, cancellationToken).ConfigureAwait(false);
        return lapsed.Count;
    }

    private Task RecoverIfDueAsync(CancellationToken cancellationToken) =>
        _time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastRecoveryTicks) >= _options.RecoveryInterval.Ticks
            ? RecoverAsync(cancellationToken)
            : Task.CompletedTask;

    /// <summary>The pacing keys of a message: its sender and the config's account.</summary>
    public IReadOnlyList<PacingKey> PacingKeys(PhoneConfig config, string? sender) => SendRates.KeysFor(config, sender, _normalizer);

    /// <summary>Waits for the message's turn at its sender and account, unless pacing is off or nothing is sent (test mode).</summary>
    public ValueTask PaceAsync(PhoneConfig config, string? sender, int segments, CancellationToken cancellationToken) =>
        _options.PaceSenders && !config.TestMode
            ? _pacing.AcquireAsync(PacingKeys(config, sender), segments, cancellationToken)
            : ValueTask.CompletedTask;

    /// <summary>
    /// Sends one claimed message: through its config, then (on a provider-level refusal) through the fallback chain.
    /// With <paramref name="started"/> the first provider call is already recorded as started (an inline send); its
    /// pacing was done by the caller.
    /// </summary>
    /// <returns>The message as stored afterwards.</returns>
    public async Task<SmsMessage> ExecuteAsync(SmsMessage message, SmsAttempt attempt, bool started, int inlineRetries, CancellationToken cancellationToken)
    {
        using var activity = PhoneHubTelemetry.ActivitySource.StartActivity(PhoneHubTelemetry.DispatchActivity);
        activity?.SetTag("phonehub.message_id", message.Id);
        activity?.SetTag("phonehub.dispatch.mode", started ? "inline" : "background");
        var stored = await DispatchAsync(message, attempt, started, inlineRetries, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("phonehub.status", stored.Status.ToWireName());
        if (stored.Status == SmsStatus.Failed)
        {
            PhoneHubTelemetry.Fail(activity, stored.ErrorCode ?? "failed");
        }

        return stored;
    }

    private async Task<SmsMessage> DispatchAsync(SmsMessage message, SmsAttempt attempt, bool started, int inlineRetries, CancellationToken cancellationToken)
    {
        var hops = 0;
        var throttles = 0;
        var explicitSender = true;
        while (true)
        {
            var config = message.ConfigId is { } configId ? await _configs.GetAsync(configId, cancellationToken).ConfigureAwait(false) : null;
            if (config is null)
            {
                return await FailAsync(message, attempt, started, "config_missing", "The config the message was queued for no longer exists.", cancellationToken).ConfigureAwait(false);
            }

            ISmsProvider provider;
            try
            {
                provider = _providers.GetSender(config);
            }
            catch (ProviderNotRegisteredException ex)
            {
                Log.MessageFailed(_logger, message.Id, config.Provider, ConnectionErrorCodes.ProviderNotRegistered, false);
                return await FailAsync(message, attempt, started, ConnectionErrorCodes.ProviderNotRegistered, ex.Message, cancellationToken).ConfigureAwait(false);
            }

            var sender = explicitSender ? message.From : _providers.FindDefinition(config.Provider)?.DefaultSender(config.Settings);
            if (!started)
            {
                // The message may have waited since it was stored: opt-out, quiet hours and the spend limit decide again.
                var now = _time.GetUtcNow();
                var guard = new GuardContext(message, config, now, now);
                var decision = await _guards.BeforeDispatchAsync(guard, checkedAtEnqueue: false, cancellationToken).ConfigureAwait(false);
                if (decision.Verdict == GuardVerdict.Block)
                {
                    return await FailAsync(message with { Price = null, PriceUnit = null, PriceIsEstimate = false }, attempt, started: false, decision.Reason!, decision.Detail!, cancellationToken).ConfigureAwait(false);
                }

                if (decision.Verdict == GuardVerdict.Defer)
                {
                    var deferred = await _store.DeferAsync(message.Id, attempt.Owner, new SmsRelease(decision.Until) { ErrorCode = decision.Reason, ErrorMessage = decision.Detail }, now, CancellationToken.None).ConfigureAwait(false);
                    Signal();
                    return deferred ?? await _store.GetAsync(message.Id, CancellationToken.None).ConfigureAwait(false) ?? message;
                }

                SmsMessage? claimed;
                try
                {
                    await PaceAsync(config, sender, message.Segments, cancellationToken).ConfigureAwait(false);
                    attempt = attempt with { LeaseUntil = _time.GetUtcNow() + _options.LeaseDuration };
                    claimed = await _store.StartAttemptAsync(message.Id, attempt, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // The call is recorded as started (its cost is in the store now), or will not happen.
                    guard.Reservation?.Dispose();
                }

                if (claimed is null)
                {
                    // The claim lapsed while waiting (another dispatcher may hold the message now): leave it be.
                    Log.ClaimLost(_logger, message.Id);
                    return await _store.GetAsync(message.Id, CancellationToken.None).ConfigureAwait(false) ?? message;
                }

                message = claimed;
                started = true;
            }

            var outcome = await CallAsync(message, config, provider, sender, attempt, cancellationToken).ConfigureAwait(false);
            if (outcome.Completed is { } completed)
            {
                return completed;
            }

            var failure = outcome.Failure!;
            if (_providers.FindDefinition(provider.Name)?.OptOutErrorCodes.Contains(failure.ErrorCode) == true)
            {
                await RecordProviderOptOutAsync(message, provider.Name, failure.ErrorCode).ConfigureAwait(false);
            }

            if (failure.Throttled)
            {
                // Not taken by the provider: the sender slows down and the message goes again after the pause.
                throttles++;
                var pause = failure.RetryAfter ?? TimeSpan.FromTicks(Math.Min(_options.ThrottleBackoff.Ticks << Math.Min(throttles - 1, 10), TimeSpan.FromMinutes(1).Ticks));
                var until = _time.GetUtcNow() + pause;
                foreach (var key in PacingKeys(config, sender))
                {
                    _pacing.Pause(key, until);
                }

                Log.SenderThrottled(_logger, message.Id, provider.Name, pause);
                var released = await _store.ReleaseAsync(message.Id, attempt.Token, new SmsRelease(until) { ErrorCode = failure.ErrorCode, ErrorMessage = failure.Message }, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                if (released is null || throttles > inlineRetries)
                {
                    Signal();
                    return released ?? message;
                }

                await Task.Delay(pause, _time, cancellationToken).ConfigureAwait(false);
                message = await ReclaimAsync(message.Id, attempt, cancellationToken).ConfigureAwait(false) ?? released;
                if (message.Status is not (SmsStatus.Queued or SmsStatus.Scheduled))
                {
                    return message;
                }

                started = false;
                continue;
            }

            if (failure.Scope == SmsFailureScope.Provider && !failure.OutcomeUnknown && config.FallbackConfigId is { } fallbackId
                && hops < PhoneConfigService.MaxFallbacks && await _configs.GetAsync(fallbackId, cancellationToken).ConfigureAwait(false) is { } fallback)
            {
                // Proven not sent: the fallback config sends it, as a new attempt recorded on the same message.
                hops++;
                Log.FailingOver(_logger, message.Id, config.Id, fallback.Id, failure.ErrorCode);
                var released = await _store.ReleaseAsync(message.Id, attempt.Token, new SmsRelease(_time.GetUtcNow())
                {
                    ConfigId = fallback.Id,
                    Provider = fallback.TestMode ? PhoneProviders.Test : fallback.Provider,
                    ProviderAccount = fallback.Account,
                    ErrorCode = failure.ErrorCode,
                    ErrorMessage = failure.Message,
                }, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                attempt = NewAttempt();
                message = released is null ? message : await _store.ClaimAsync(message.Id, attempt.Owner, _time.GetUtcNow(), attempt.LeaseUntil, CancellationToken.None).ConfigureAwait(false) ?? released;
                if (released is null || message.Status is not (SmsStatus.Queued or SmsStatus.Scheduled))
                {
                    return message;
                }

                explicitSender = false;
                started = false;
                continue;
            }

            return await FailAsync(message, attempt, started: true, failure.ErrorCode, failure.Message, CancellationToken.None).ConfigureAwait(false);
        }
    }

    // The provider says the recipient opted out there: the group's list learns it, so the next send is refused here.
    private async Task RecordProviderOptOutAsync(SmsMessage message, string provider, string errorCode)
    {
        try
        {
            await _optOuts.ApplyAsync(message.Group, message.To, OptOutAction.OptOut, OptOutSource.Provider, provider + " " + errorCode,
                "message:" + message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.OptOutNotRecorded(_logger, ex, message.Id);
        }
    }

    private async Task<SmsMessage?> ReclaimAsync(long messageId, SmsAttempt attempt, CancellationToken cancellationToken) =>
        await _store.ClaimAsync(messageId, attempt.Owner, _time.GetUtcNow(), _time.GetUtcNow() + _options.LeaseDuration, cancellationToken).ConfigureAwait(false);

    private async Task<(SmsMessage? Completed, SmsProviderException? Failure)> CallAsync(
        SmsMessage message, PhoneConfig config, ISmsProvider provider, string? sender, SmsAttempt attempt, CancellationToken cancellationToken)
    {
        using var activity = PhoneHubTelemetry.ActivitySource.StartActivity(PhoneHubTelemetry.ProviderSendActivity);
        activity?.SetTag("phonehub.provider", provider.Name);
        activity?.SetTag("phonehub.message_id", message.Id);
        activity?.SetTag("phonehub.attempt", message.Attempts);
        var started = Stopwatch.GetTimestamp();
        SmsMessage final;
        try
        {
            var context = await _configs.GetProviderContextAsync(config, cancellationToken).ConfigureAwait(false);
            // A sealed secret (a one-time code) is opened only here, for the provider; the store keeps it sealed.
            var body = _secrets.Open(message.Body, message.Group, message.To)
                ?? throw new SmsProviderException(SealedBodyUnreadable, "The message holds a sealed code this server cannot open (another key, or another recipient); it was not sent.");
            var result = await provider.SendAsync(new SmsSendRequest(message.Id, message.To, body, sender, message.MediaUrls), context, cancellationToken).ConfigureAwait(false);
            var sentAt = _time.GetUtcNow();
            final = message with
            {
                ConfigId = config.Id,
                Provider = provider.Name,
                ProviderAccount = config.Account,
                Status = result.Status,
                ProviderMessageId = result.ProviderMessageId,
                From = result.From ?? sender ?? message.From,
                Segments = result.Segments ?? message.Segments,

                // The provider's price when it gives one; otherwise the estimate stands until it reports one.
                Price = result.Price ?? (message.PriceIsEstimate ? message.Price : null),
                PriceUnit = result.Price is null ? (message.PriceIsEstimate ? message.PriceUnit : null) : result.PriceUnit,
                PriceIsEstimate = result.Price is null && message.PriceIsEstimate && message.Price is not null,
                ErrorCode = result.ErrorCode,
                ErrorMessage = result.ErrorMessage,
                SentAt = result.Status is SmsStatus.Failed or SmsStatus.Canceled ? null : sentAt,
                Modified = sentAt,
            };
            Log.MessageSent(_logger, message.Id, provider.Name, final.Status.ToWireName(), result.ProviderMessageId);
            _metrics.SmsSent.Add(1, new("phonehub.provider", provider.Name), new("phonehub.status", final.Status.ToWireName()));
            _metrics.RecordCost(provider.Name, result.Price, result.PriceUnit);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            PhoneHubTelemetry.Fail(activity, OutcomeUnknown);
            await CompleteAsync(Failed(message, OutcomeUnknown,
                "The send was canceled while the provider call was in progress; the provider may have accepted the message."), attempt).ConfigureAwait(false);
            throw;
        }
        catch (SmsProviderException ex)
        {
            Log.MessageFailed(_logger, message.Id, provider.Name, ex.ErrorCode, ex.OutcomeUnknown);
            activity?.SetStatus(ActivityStatusCode.Error, ex.ErrorCode);
            return (null, ex);
        }
        catch (CredentialsUnavailableException)
        {
            // The host cannot read the config's credentials: nothing left, like a provider refusing the config.
            Log.MessageFailed(_logger, message.Id, provider.Name, ConnectionErrorCodes.CredentialsUnavailable, false);
            PhoneHubTelemetry.Fail(activity, ConnectionErrorCodes.CredentialsUnavailable);
            return (null, new SmsProviderException(ConnectionErrorCodes.CredentialsUnavailable, "The config's credentials cannot be read by this host; the message was not sent.") { Scope = SmsFailureScope.Provider });
        }
        catch (PhoneHubException ex)
        {
            Log.MessageFailed(_logger, message.Id, provider.Name, "send_failed", false);
            PhoneHubTelemetry.Fail(activity, "send_failed");
            return (null, new SmsProviderException("send_failed", ex.Message));
        }
        catch (Exception ex)
        {
            // Unexpected exception text may quote requests or URLs: keep it in the log, store only its kind.
            Log.MessageProviderCrashed(_logger, ex, message.Id, provider.Name);
            PhoneHubTelemetry.Fail(activity, "provider_error");
            return (null, new SmsProviderException("provider_error", $"The provider call failed unexpectedly ({ex.GetType().Name}); the provider may have accepted the message.", outcomeUnknown: true));
        }
        finally
        {
            _metrics.SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("phonehub.provider", provider.Name));
        }

        return (await CompleteAsync(final, attempt).ConfigureAwait(false), null);
    }

    private async Task<SmsMessage> FailAsync(SmsMessage message, SmsAttempt attempt, bool started, string code, string text, CancellationToken cancellationToken)
    {
        if (!started)
        {
            // Nothing was called: record the call as started only so it can be completed by this attempt.
            message = await _store.StartAttemptAsync(message.Id, attempt with { LeaseUntil = _time.GetUtcNow() + _options.LeaseDuration }, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ?? message;
        }

        return await CompleteAsync(Failed(message, code, text), attempt).ConfigureAwait(false);
    }

    private async Task<SmsMessage> CompleteAsync(SmsMessage final, SmsAttempt attempt)
    {
        if (final.Status == SmsStatus.Failed)
        {
            _metrics.SmsFailed.Add(1, new("phonehub.provider", final.Provider), new("phonehub.error_code", final.ErrorCode));
        }

        // What callers get back is exactly what was stored (the store may round times, for example).
        var stored = await _store.CompleteAttemptAsync(final, attempt.Token, CancellationToken.None).ConfigureAwait(false);
        if (stored is null)
        {
            Log.ClaimLost(_logger, final.Id);
            return await _store.GetAsync(final.Id, CancellationToken.None).ConfigureAwait(false) ?? final;
        }

        return await _effects.CompletedAsync(stored, SmsStatus.Queued).ConfigureAwait(false);
    }

    public void Dispose() => _work.Dispose();

    // A failed send costs nothing, unless its outcome is unknown (the provider may have taken and charged it): an
    // estimate is dropped, a price the provider reported is kept.
    private SmsMessage Failed(SmsMessage message, string code, string text) => message with
    {
        Status = SmsStatus.Failed,
        ErrorCode = code,
        ErrorMessage = text,
        Price = message.PriceIsEstimate && code != OutcomeUnknown ? null : message.Price,
        PriceUnit = message.PriceIsEstimate && code != OutcomeUnknown ? null : message.PriceUnit,
        PriceIsEstimate = message.PriceIsEstimate && code == OutcomeUnknown,
        Modified = _time.GetUtcNow(),
    };
}
