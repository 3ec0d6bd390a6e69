using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Messaging;

/// <summary>The default <see cref="ISmsService"/>.</summary>
internal sealed class SmsService(
    ISmsStore store,
    IPhoneConfigService configs,
    IServiceScopeFactory scopes,
    ProviderRegistry providers,
    PhoneNormalizer normalizer,
    IOptions<PhoneHubOptions> options,
    TimeProvider time,
    PhoneHubMetrics metrics,
    ILogger<SmsService> logger) : ISmsService
{
    private const int MaxMediaUrls = 10;

    public async Task<SmsMessage> SendAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var to = normalizer.Normalize(request.To, options.Value.DefaultRegion);
        var config = await configs.ResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var provider = providers.GetSender(config);

        // Media schemes and senders are the config's provider's (also in test mode, so a test run refuses what a real one would).
        var definition = providers.FindDefinition(config.Provider);
        var (from, media) = Validate(request, definition);

        using var activity = PhoneHubTelemetry.ActivitySource.StartActivity("phonehub.sms.send");
        activity?.SetTag("phonehub.provider", provider.Name);

        var now = time.GetUtcNow();
        var message = await store.InsertAsync(new SmsMessage
        {
            Group = group,
            User = user,
            ConfigId = config.Id,
            Direction = SmsDirection.Outbound,
            From = from ?? definition?.DefaultSender(config.Settings),
            To = to,
            Body = request.Body,
            MediaUrls = media,
            Status = SmsStatus.Queued,
            Provider = provider.Name,
            ProviderAccount = config.Account,
            Metadata = request.Metadata,
            Segments = SmsEncoding.CountSegments(request.Body),
            IsTest = config.TestMode,
            Created = now,
            Modified = now,
        }, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("phonehub.message_id", message.Id);
        Log.MessageQueued(logger, message.Id, provider.Name);

        // From here on the message exists: every path below ends with it in a final state, even on cancellation.
        SmsMessage final;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var context = await configs.GetProviderContextAsync(config, cancellationToken).ConfigureAwait(false);
            var result = await provider.SendAsync(new SmsSendRequest(message.Id, to, request.Body, from, media), context, cancellationToken).ConfigureAwait(false);
            var sentAt = time.GetUtcNow();
            final = message with
            {
                Status = result.Status,
                ProviderMessageId = result.ProviderMessageId,
                From = result.From ?? message.From,
                Segments = result.Segments ?? message.Segments,
                Price = result.Price,
                PriceUnit = result.PriceUnit,
                ErrorCode = result.ErrorCode,
                ErrorMessage = result.ErrorMessage,
                SentAt = result.Status is SmsStatus.Failed or SmsStatus.Canceled ? null : sentAt,
                Modified = sentAt,
            };
            Log.MessageSent(logger, message.Id, provider.Name, final.Status.ToWireName(), result.ProviderMessageId);
            metrics.SmsSent.Add(1, new("phonehub.provider", provider.Name), new("phonehub.status", final.Status.ToWireName()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await store.UpdateAsync(Failed(message, "outcome_unknown",
                "The send was canceled while the provider call was in progress; the provider may have accepted the message."), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (SmsProviderException ex)
        {
            final = Failed(message, ex.ErrorCode, ex.Message);
            Log.MessageFailed(logger, message.Id, provider.Name, ex.ErrorCode, ex.OutcomeUnknown);
        }
        catch (PhoneHubException ex)
        {
            final = Failed(message, "send_failed", ex.Message);
            Log.MessageFailed(logger, message.Id, provider.Name, "send_failed", false);
        }
        catch (Exception ex)
        {
            // Unexpected exception text may quote requests or URLs: keep it in the log, store only its kind.
            final = Failed(message, "provider_error", $"The provider call failed unexpectedly ({ex.GetType().Name}); the provider may have accepted the message.");
            Log.MessageProviderCrashed(logger, ex, message.Id, provider.Name);
        }
        finally
        {
            metrics.SendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("phonehub.provider", provider.Name));
        }

        if (final.Status == SmsStatus.Failed)
        {
            metrics.SmsFailed.Add(1, new("phonehub.provider", provider.Name), new("phonehub.error_code", final.ErrorCode));
            activity?.SetStatus(ActivityStatusCode.Error, final.ErrorCode);
        }

        // What callers get back is exactly what was stored (the store may round times, for example).
        var stored = await store.UpdateAsync(final, CancellationToken.None).ConfigureAwait(false) ?? final;
        await StatusChangedAsync(stored, SmsStatus.Queued).ConfigureAwait(false);
        return stored.ProviderMessageId is { } providerId
            ? await ApplyPendingAsync(stored, providerId).ConfigureAwait(false)
            : stored;
    }

    public async Task<IncomingSmsResult> HandleIncomingAsync(IncomingSms incoming, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentException.ThrowIfNullOrEmpty(incoming.Provider, "incoming.Provider");
        ArgumentException.ThrowIfNullOrEmpty(incoming.ProviderMessageId, "incoming.ProviderMessageId");
        var region = options.Value.DefaultRegion;
        var to = normalizer.TryNormalize(incoming.To, out var toE164, region) ? toE164 : incoming.To;
        var from = normalizer.TryNormalize(incoming.From, out var fromE164, region) ? fromE164 : incoming.From;
        var config = incoming.ConfigId is { } configId
            ? await configs.GetAsync(configId, cancellationToken).ConfigureAwait(false)
            : await configs.FindByIdentityAsync(ProviderIdentityKinds.PhoneNumber, to, cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        var (message, created) = await store.InsertIfNewAsync(new SmsMessage
        {
            Group = config?.Group,
            ConfigId = config?.Id,
            Direction = SmsDirection.Inbound,
            From = from,
            To = to ?? "",
            Body = incoming.Body,
            MediaUrls = incoming.MediaUrls ?? [],
            Status = SmsStatus.Received,
            Provider = incoming.Provider,
            ProviderAccount = config?.Account,
            ProviderMessageId = incoming.ProviderMessageId,
            Metadata = incoming.Metadata,
            Segments = SmsEncoding.CountSegments(incoming.Body),
            IsTest = false,
            Created = now,
            Modified = now,
        }, cancellationToken).ConfigureAwait(false);

        if (!created)
        {
            Log.InboundDuplicate(logger, incoming.Provider, incoming.ProviderMessageId);
            return new IncomingSmsResult(message, false);
        }

        metrics.SmsReceived.Add(1, new KeyValuePair<string, object?>("phonehub.provider", incoming.Provider));
        Log.InboundStored(logger, message.Id, incoming.Provider, message.Group);

        // Only the delivery that stored the message reaches the host: a retry must not trigger a second reply.
        var reply = await InvokeInboundHandlerAsync(message, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply))
        {
            return new IncomingSmsResult(message, true);
        }

        // A reply goes only through the config the message was verified for, from the number that received it: an
        // unbound message must not make some other tenant's account text a number the sender chose.
        if (config is null || !normalizer.TryNormalize(message.From, out var replyTo, region))
        {
            Log.InboundReplyNotSent(logger, message.Id, config is null ? "the message is bound to no config" : "the sender is not a phone number");
            return new IncomingSmsResult(message, true);
        }

        if (incoming.ReplyByProvider)
        {
            return new IncomingSmsResult(message, true) { Reply = reply };
        }

        SmsMessage? sent = null;
        try
        {
            sent = await SendAsync(new SendSmsRequest { To = replyTo, Body = reply, From = config.Holds(ProviderIdentityKinds.PhoneNumber, message.To) ? message.To : null }, config.Group, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (PhoneHubException ex)
        {
            // The inbound message is stored; a reply that cannot be sent must not make the provider redeliver it.
            Log.InboundReplyFailed(logger, ex, message.Id);
        }

        return new IncomingSmsResult(message, true) { Reply = reply, ReplyMessage = sent };
    }

    public async Task<StatusUpdateOutcome> ApplyStatusAsync(SmsStatusReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(report.Provider, "report.Provider");
        ArgumentException.ThrowIfNullOrEmpty(report.ProviderMessageId, "report.ProviderMessageId");
        var existing = await store.FindByProviderIdAsync(report.Provider, report.ProviderMessageId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            // A report can overtake the send that will store this id. Keep it only when a config vouched for it, so
            // unverified reports cannot fill the table.
            if (report.ConfigId is null && report.Account is null)
            {
                Log.StatusForUnknownMessage(logger, report.Provider, report.ProviderMessageId, report.Status.ToWireName());
                return StatusUpdateOutcome.NotFound;
            }

            await store.SavePendingStatusAsync(report, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Log.StatusKeptForLater(logger, report.Provider, report.ProviderMessageId, report.Status.ToWireName());
            return StatusUpdateOutcome.Pending;
        }

        return await ApplyToAsync(existing, report, cancellationToken).ConfigureAwait(false);
    }

    public Task<SmsMessage?> FindByProviderIdAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default) =>
        store.FindByProviderIdAsync(provider, providerMessageId, cancellationToken);

    private async Task<StatusUpdateOutcome> ApplyToAsync(SmsMessage message, SmsStatusReport report, CancellationToken cancellationToken)
    {
        if (!await MayReportAsync(message, report, cancellationToken).ConfigureAwait(false))
        {
            Log.StatusRefused(logger, report.Provider, report.ProviderMessageId, report.Status.ToWireName());
            return StatusUpdateOutcome.Refused;
        }

        var (outcome, updated) = await store.AdvanceStatusAsync(report, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Log.StatusApplied(logger, report.Provider, report.ProviderMessageId, report.Status.ToWireName(), outcome.ToString());
        if (outcome == StatusUpdateOutcome.Updated && updated is not null)
        {
            await StatusChangedAsync(updated, message.Status).ConfigureAwait(false);
        }

        return outcome;
    }

    // The report's source must be the message's own: the account it went through, and a config of its group.
    private async Task<bool> MayReportAsync(SmsMessage message, SmsStatusReport report, CancellationToken cancellationToken)
    {
        if (message.ProviderAccount is { } account && report.Account is { } reported && !string.Equals(account, reported, StringComparison.Ordinal))
        {
            return false;
        }

        if (report.ConfigId is { } voucher && voucher != message.ConfigId)
        {
            var config = await configs.GetAsync(voucher, cancellationToken).ConfigureAwait(false);
            return config is not null && string.Equals(config.Group, message.Group, StringComparison.Ordinal);
        }

        return true;
    }

    private async Task<SmsMessage> ApplyPendingAsync(SmsMessage message, string providerMessageId)
    {
        if (message.Provider is not { } provider)
        {
            return message;
        }

        var pending = await store.TakePendingStatusesAsync(provider, providerMessageId, CancellationToken.None).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return message;
        }

        foreach (var report in pending)
        {
            await ApplyToAsync(message, report, CancellationToken.None).ConfigureAwait(false);
        }

        return await store.GetAsync(message.Id, CancellationToken.None).ConfigureAwait(false) ?? message;
    }

    private async Task<string?> InvokeInboundHandlerAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<IInboundSmsHandler>() is not { } handler)
        {
            return null;
        }

        try
        {
            return await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message is stored; failing the delivery would only make the provider retry a message we already have.
            Log.InboundHandlerFailed(logger, ex, message.Id);
            return null;
        }
    }

    private async Task StatusChangedAsync(SmsMessage message, SmsStatus previous)
    {
        if (message.Status == previous)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        foreach (var handler in scope.ServiceProvider.GetServices<ISmsStatusHandler>())
        {
            try
            {
                await handler.OnStatusChangedAsync(message, previous, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.StatusHandlerFailed(logger, ex, message.Id);
            }
        }
    }

    public Task<SmsMessage?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public Task<Page<SmsMessage>> ListAsync(SmsQuery query, CancellationToken cancellationToken = default) => store.ListAsync(query, cancellationToken);

    private SmsMessage Failed(SmsMessage message, string code, string text) =>
        message with { Status = SmsStatus.Failed, ErrorCode = code, ErrorMessage = text, Modified = time.GetUtcNow() };

    private (string? From, IReadOnlyList<string> Media) Validate(SendSmsRequest request, ProviderDefinition? definition)
    {
        var errors = new Dictionary<string, string[]>();
        var media = request.MediaUrls ?? [];
        var schemes = definition?.MediaUrlSchemes ?? ProviderDefinition.DefaultMediaUrlSchemes;
        if (request.Body is null || (request.Body.Length == 0 && media.Count == 0))
        {
            errors["body"] = ["A body is required (it may be empty only when media is attached)."];
        }
        else if (request.Body.Length > options.Value.MaxBodyLength)
        {
            errors["body"] = [$"The body must be at most {options.Value.MaxBodyLength} characters; it is {request.Body.Length}."];
        }

        if (media.Count > MaxMediaUrls)
        {
            errors["media_urls"] = [$"At most {MaxMediaUrls} media URLs can be sent."];
        }
        else if (media.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme, StringComparer.Ordinal)))
        {
            // Uri lower-cases the scheme; the definition stores its schemes lower case.
            errors["media_urls"] = [definition is null || schemes.SequenceEqual(ProviderDefinition.DefaultMediaUrlSchemes)
                ? $"Media URLs must be absolute {string.Join(" or ", schemes)} URLs."
                : $"Media URLs must be absolute {string.Join(" or ", schemes)} URLs for provider '{definition.Name}'."];
        }

        string? from = null;
        if (!string.IsNullOrWhiteSpace(request.From))
        {
            if (normalizer.TryNormalize(request.From, out var e164, options.Value.DefaultRegion))
            {
                from = e164;
            }
            else if (definition?.SenderPattern is { } pattern
                ? pattern.IsMatch(request.From)
                : SenderIds.Alphanumeric().IsMatch(request.From) || SenderIds.MessagingServiceSid().IsMatch(request.From))
            {
                from = request.From;
            }
            else
            {
                errors["from_number"] = [definition?.SenderPattern is null
                    ? "The sender must be a valid phone number, an alphanumeric sender ID (1 to 11 letters and digits) or a messaging service SID."
                    : $"The sender must be a valid phone number or {definition.SenderPatternDescription ?? "a sender the provider accepts"}."];
            }
        }

        if (errors.Count > 0)
        {
            throw new PhoneHubValidationException(errors);
        }

        return (from, media);
    }
}
