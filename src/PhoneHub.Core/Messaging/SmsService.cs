using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Guards;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Guards.Pumping;
using PhoneHub.Guards.Segments;
using PhoneHub.Guards.Spend;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Messaging;

/// <summary>
/// The default <see cref="ISmsService"/>: every send goes through the send guards (<see cref="SendGuardPipeline"/>), is
/// stored first, and goes through <see cref="SmsDispatcher"/>.
/// </summary>
internal sealed class SmsService(
    ISmsStore store,
    SendGuardPipeline guards,
    PriceTable prices,
    CountryAllowListGuard countries,
    OptOutService optOuts,
    IPhoneConfigService configs,
    IServiceScopeFactory scopes,
    ProviderRegistry providers,
    SmsDispatcher dispatcher,
    SmsStatusEffects effects,
    PhoneNormalizer normalizer,
    IOptions<PhoneHubOptions> options,
    TimeProvider time,
    PhoneHubMetrics metrics,
    ILogger<SmsService> logger) : ISmsService
{
    private const int MaxMediaUrls = 10;
    private const int MaxIdempotencyKeyLength = 255;
    private const int EnqueueChunkSize = 500;
    private static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(366);

    public async Task<SmsMessage> SendAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = await configs.ResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var prepared = Prepare(request, config, group, user, batchId: null, time.GetUtcNow());
        return await SendPreparedAsync(prepared, config, request, optOutConfirmation: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SmsMessage> EnqueueAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = await configs.ResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var prepared = Prepare(request, config, group, user, batchId: null, time.GetUtcNow());
        var decision = await guards.BeforeEnqueueAsync(new GuardContext(prepared.Message, config, prepared.Message.Created, prepared.DueAt), cancellationToken).ConfigureAwait(false);
        return await EnqueuePreparedAsync(Apply(prepared, decision), request, cancellationToken).ConfigureAwait(false);
    }

    public Task<SmsBulkResult> SendManyAsync(IEnumerable<SendSmsRequest> requests, string? group = null, string? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return SendManyAsync(requests.Select(r => r is null ? SmsBulkRow.Invalid("row", "The row is empty.") : SmsBulkRow.Of(r)), group, user, cancellationToken);
    }

    public async Task<SmsBulkResult> SendManyAsync(IEnumerable<SmsBulkRow> rows, string? group = null, string? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        var config = await configs.ResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        // Each row is checked on its own: a bad row is reported and the others go.
        var accepted = new List<(int Row, Prepared Prepared)>(list.Count);
        var rejected = new List<SmsBulkRowError>();
        for (var i = 0; i < list.Count; i++)
        {
            try
            {
                var row = list[i] ?? SmsBulkRow.Invalid("row", "The row is empty.");
                if (row.Errors is { } errors)
                {
                    rejected.Add(new SmsBulkRowError(i, errors));
                    continue;
                }

                accepted.Add((i, Prepare(row.Request!, config, group, user, batchId: null, now)));
            }
            catch (InvalidPhoneNumberException ex)
            {
                rejected.Add(new SmsBulkRowError(i, new Dictionary<string, string[]> { ["to_number"] = [ex.Message] }));
            }
            catch (PhoneHubValidationException ex)
            {
                rejected.Add(new SmsBulkRowError(i, ex.Errors));
            }
        }

        var batch = await store.CreateBatchAsync(new SmsBatch { Group = group, User = user, Total = list.Count, Rejected = rejected.Count, Created = now }, cancellationToken).ConfigureAwait(false);

        // One transaction per chunk, not per message.
        var ids = new List<long>(accepted.Count);
        foreach (var chunk in accepted.Chunk(EnqueueChunkSize))
        {
            // The guards decide per row (a refused row is stored as failed with its reason, a deferred one as scheduled),
            // reading the opt-out list once per chunk.
            var contexts = chunk.Select(a => new GuardContext(a.Prepared.Message, config, now, a.Prepared.DueAt)).ToList();
            var decisions = await guards.BeforeEnqueueManyAsync(contexts, cancellationToken).ConfigureAwait(false);
            var items = new List<SmsEnqueue>(chunk.Length);
            for (var j = 0; j < chunk.Length; j++)
            {
                var row = Apply(chunk[j].Prepared, decisions[j]);
                items.Add(new SmsEnqueue(row.Message with { BatchId = batch.Id }, row.DueAt, row.Hash));
            }

            var results = await store.EnqueueManyAsync(items, cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < results.Count; j++)
            {
                if (results[j].Created || results[j].RequestHash == chunk[j].Prepared.Hash)
                {
                    ids.Add(results[j].Message.Id);
                }
                else
                {
                    rejected.Add(new SmsBulkRowError(chunk[j].Row, new Dictionary<string, string[]>
                    {
                        ["idempotency_key"] = [$"The key was already used for message {results[j].Message.Id} with a different request."],
                    }));
                }
            }

            dispatcher.Signal();
        }

        Log.BatchEnqueued(logger, batch.Id, ids.Count, rejected.Count);
        return new SmsBulkResult(batch with { Rejected = rejected.Count }, ids, [.. rejected.OrderBy(r => r.Row)]);
    }

    public async Task<SmsMessage?> CancelAsync(long id, CancellationToken cancellationToken = default)
    {
        var (outcome, message) = await store.CancelAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case SmsCancelOutcome.Canceled:
                Log.MessageCanceled(logger, id);
                await effects.ChangedAsync(message!, SmsStatus.Queued).ConfigureAwait(false);
                return message;
            case SmsCancelOutcome.NotCancelable:
                throw new SmsNotCancelableException(message!);
            default:
                return null;
        }
    }

    public Task<SmsBatchStatus?> GetBatchAsync(long batchId, CancellationToken cancellationToken = default) => store.GetBatchAsync(batchId, cancellationToken);

    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        int claimed;
        while ((claimed = await dispatcher.DispatchDueAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += claimed;
        }

        return total;
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
            Country = normalizer.TryNormalize(from, out var fromNumber, null) ? normalizer.Parse(fromNumber, null).RegionCode : null,
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

        // Opt-out keywords update the list at once; their confirmation (or the help text) is the reply, unless the
        // provider answers them itself.
        var keyword = OptOutKeywords.Classify(message.Body, out var word);
        string? keywordReply = null;
        if (keyword != OptOutKeyword.None && config is not null && normalizer.TryNormalize(message.From, out var keywordSender, region))
        {
            var actor = "message:" + message.Id.ToString(CultureInfo.InvariantCulture);
            var settings = config.Guards.OptOut;
            switch (keyword)
            {
                case OptOutKeyword.OptOut:
                    await optOuts.ApplyAsync(message.Group, keywordSender, OptOutAction.OptOut, OptOutSource.Keyword, word, actor, cancellationToken).ConfigureAwait(false);
                    keywordReply = settings.OptOutReply;
                    break;
                case OptOutKeyword.OptIn:
                    await optOuts.ApplyAsync(message.Group, keywordSender, OptOutAction.OptIn, OptOutSource.Keyword, word, actor, cancellationToken).ConfigureAwait(false);
                    keywordReply = settings.OptInReply;
                    break;
                default:
                    keywordReply = settings.HelpReply;
                    break;
            }

            if (settings.ProviderSendsReplies)
            {
                keywordReply = null;
            }
        }

        // Only the delivery that stored the message reaches the host: a retry must not trigger a second reply. A
        // keyword gets the keyword's reply only, never the host's as well.
        var handlerReply = await InvokeInboundHandlerAsync(message, cancellationToken).ConfigureAwait(false);
        var reply = keyword != OptOutKeyword.None && config is not null ? keywordReply : handlerReply;
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

        var replyRequest = new SendSmsRequest { To = replyTo, Body = reply, From = config.Holds(ProviderIdentityKinds.PhoneNumber, message.To) ? message.To : null };
        var confirmation = keyword == OptOutKeyword.OptOut;
        if (incoming.ReplyByProvider)
        {
            // The provider delivers this reply itself (TwiML), so it is not stored; the guards still decide whether it goes.
            return new IncomingSmsResult(message, true) { Reply = await ProviderReplyAllowedAsync(config, replyRequest, confirmation, message.Id, cancellationToken).ConfigureAwait(false) ? reply : null };
        }

        SmsMessage? sent = null;
        try
        {
            sent = await SendThroughAsync(config, replyRequest, confirmation, cancellationToken).ConfigureAwait(false);
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

        return await effects.ApplyToAsync(existing, report, cancellationToken).ConfigureAwait(false);
    }

    public Task<SmsMessage?> FindByProviderIdAsync(string provider, string providerMessageId, CancellationToken cancellationToken = default) =>
        store.FindByProviderIdAsync(provider, providerMessageId, cancellationToken);

    public Task<SmsMessage?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public Task<Page<SmsMessage>> ListAsync(SmsQuery query, CancellationToken cancellationToken = default) => store.ListAsync(query, cancellationToken);

    public async Task<SmsPreview> PreviewAsync(SmsPreviewRequest request, string? group = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Body is null || request.Body.Length > options.Value.MaxBodyLength)
        {
            throw new PhoneHubValidationException("body", $"A body of at most {options.Value.MaxBodyLength} characters is required.");
        }

        var region = options.Value.DefaultRegion;
        string? country = null;
        if (!string.IsNullOrWhiteSpace(request.To))
        {
            country = normalizer.Parse(normalizer.Normalize(request.To, region), null).RegionCode;
        }

        var config = await configs.TryResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var smart = SmartEncoding.Apply(request.Body);
        var enabled = config?.Guards.Segments.SmartEncoding == true;
        var body = enabled ? smart.Body : request.Body;
        var measure = SmsEncoding.Measure(body);
        var sender = string.IsNullOrWhiteSpace(request.From)
            ? config is null ? null : providers.FindDefinition(config.Provider)?.DefaultSender(config.Settings)
            : request.From;
        var price = prices.Estimate(country ?? (config is null ? region.ToUpperInvariant() : countries.HomeCountry(config)), sender, measure.Segments);
        return new SmsPreview
        {
            Body = body,
            Encoding = measure.CharacterSet,
            Characters = SmsPreview.CountCharacters(body),
            Units = measure.Units,
            Segments = measure.Segments,
            PerSegmentLimit = measure.PerSegmentLimit,
            EstimatedPrice = price,
            Currency = price is null ? null : prices.Currency,
            SmartEncodingEnabled = enabled,
            SmartEncodingChanges = smart.Changes,
            Original = SmsEncoding.Measure(request.Body),
            WithSmartEncoding = SmsEncoding.Measure(smart.Body),
            MaxSegments = config?.Guards.Segments.MaxSegments,
        };
    }

    // A reply goes through the config that received the message (not the group's active one); it is not held to quiet
    // hours (the recipient has just written), and the confirmation of an opt-out still reaches the opted-out number.
    private Task<SmsMessage> SendThroughAsync(PhoneConfig config, SendSmsRequest request, bool optOutConfirmation, CancellationToken cancellationToken)
    {
        var prepared = Prepare(request with { QuietHoursExempt = true }, config, config.Group, user: null, batchId: null, time.GetUtcNow());
        return SendPreparedAsync(prepared, config, request, optOutConfirmation, cancellationToken);
    }

    private async Task<bool> ProviderReplyAllowedAsync(PhoneConfig config, SendSmsRequest request, bool optOutConfirmation, long inboundId, CancellationToken cancellationToken)
    {
        try
        {
            var prepared = Prepare(request with { QuietHoursExempt = true }, config, config.Group, user: null, batchId: null, time.GetUtcNow());
            var decision = await guards.BeforeEnqueueAsync(new GuardContext(prepared.Message, config, prepared.Message.Created, prepared.DueAt) { OptOutConfirmation = optOutConfirmation }, cancellationToken).ConfigureAwait(false);
            if (decision.Allowed)
            {
                return true;
            }

            Log.InboundReplyNotSent(logger, inboundId, "the send guards refused it (" + decision.Reason + ")");
        }
        catch (PhoneHubException ex)
        {
            Log.InboundReplyFailed(logger, ex, inboundId);
        }

        return false;
    }

    // The guards first: a refused message is stored as failed (never reaching a provider), a deferred one as
    // scheduled. Sent now, by this caller: the spend limit, then pacing, then stored already claimed with its provider
    // call started, so no dispatcher takes it and a crash from here on is resolved as "outcome unknown", never as a
    // second send.
    private async Task<SmsMessage> SendPreparedAsync(Prepared prepared, PhoneConfig config, SendSmsRequest request, bool optOutConfirmation, CancellationToken cancellationToken)
    {
        var now = prepared.Message.Created;
        var context = new GuardContext(prepared.Message, config, now, prepared.DueAt) { OptOutConfirmation = optOutConfirmation };
        var decision = await guards.BeforeEnqueueAsync(context, cancellationToken).ConfigureAwait(false);
        if (decision.Allowed && prepared.DueAt <= now)
        {
            decision = await guards.BeforeDispatchAsync(context, checkedAtEnqueue: true, cancellationToken).ConfigureAwait(false);
        }

        if (!decision.Allowed || prepared.DueAt > now)
        {
            return await EnqueuePreparedAsync(Apply(prepared, decision), request, cancellationToken).ConfigureAwait(false);
        }

        SmsEnqueueResult result;
        SmsAttempt attempt;
        try
        {
            await dispatcher.PaceAsync(config, prepared.Message.From, prepared.Message.Segments, cancellationToken).ConfigureAwait(false);
            attempt = dispatcher.NewAttempt();
            result = await store.EnqueueAsync(new SmsEnqueue(prepared.Message, prepared.DueAt, prepared.Hash) { Attempt = attempt }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The call is recorded as started (its cost is in the store now), or will not happen.
            context.Reservation?.Dispose();
        }

        var message = Idempotent(result, prepared, request);
        if (!result.Created)
        {
            return message;
        }

        Log.MessageQueued(logger, message.Id, message.Provider ?? config.Provider);
        return await dispatcher.ExecuteAsync(message, attempt, started: true, dispatcher.Options.InlineThrottleRetries, cancellationToken).ConfigureAwait(false);
    }

    // What a guard decided becomes the stored message: refused (final, never dispatched, costs nothing) or deferred.
    private static Prepared Apply(Prepared prepared, GuardDecision decision) => decision.Verdict switch
    {
        GuardVerdict.Block => prepared with
        {
            Message = prepared.Message with
            {
                Status = SmsStatus.Failed,
                ErrorCode = decision.Reason,
                ErrorMessage = decision.Detail,
                Price = null,
                PriceUnit = null,
                PriceIsEstimate = false,
            },
        },
        GuardVerdict.Defer => prepared with
        {
            DueAt = decision.Until,
            Message = prepared.Message with { Status = SmsStatus.Scheduled, SendAt = decision.Until, ErrorCode = decision.Reason, ErrorMessage = decision.Detail },
        },
        _ => prepared,
    };

    private async Task<SmsMessage> EnqueuePreparedAsync(Prepared prepared, SendSmsRequest request, CancellationToken cancellationToken)
    {
        var result = await store.EnqueueAsync(new SmsEnqueue(prepared.Message, prepared.DueAt, prepared.Hash), cancellationToken).ConfigureAwait(false);
        var message = Idempotent(result, prepared, request);
        if (result.Created && !message.Status.IsFinal())
        {
            Log.MessageQueued(logger, message.Id, message.Provider ?? "");
            dispatcher.Signal();
        }

        return message;
    }

    // The same key with the same request is the same message; with another request, a conflict.
    private static SmsMessage Idempotent(SmsEnqueueResult result, Prepared prepared, SendSmsRequest request)
    {
        if (!result.Created && !string.Equals(result.RequestHash, prepared.Hash, StringComparison.Ordinal))
        {
            throw new IdempotencyConflictException(request.IdempotencyKey!, result.Message.Id);
        }

        return result.Message;
    }

    private Prepared Prepare(SendSmsRequest request, PhoneConfig config, string? group, string? user, long? batchId, DateTimeOffset now)
    {
        var to = normalizer.Normalize(request.To, options.Value.DefaultRegion);

        // Media schemes and senders are the config's provider's (also in test mode, so a test run refuses what a real one would).
        var definition = providers.FindDefinition(config.Provider);
        var (from, media) = Validate(request, definition, now);

        // Fails before anything is stored when the host lacks the config's provider.
        var provider = providers.GetSender(config);
        var sender = from ?? definition?.DefaultSender(config.Settings);
        var dueAt = request.SendAt is { } sendAt && sendAt > now ? sendAt : now;

        // The stored body is what is sent: with smart encoding, the look-alikes replaced (when that makes it GSM-7).
        var body = config.Guards.Segments.SmartEncoding ? SmartEncoding.Apply(request.Body).Body : request.Body;
        var segments = SmsEncoding.CountSegments(body);
        var country = normalizer.Parse(to, null).RegionCode;

        // Test mode costs nothing; otherwise the estimate stands until the provider says what it charged.
        var price = config.TestMode ? null : prices.Estimate(country, sender, segments);
        var message = new SmsMessage
        {
            Group = group,
            User = user,
            ConfigId = config.Id,
            Direction = SmsDirection.Outbound,
            From = sender,
            To = to,
            Body = body,
            MediaUrls = media,
            Status = dueAt > now ? SmsStatus.Scheduled : SmsStatus.Queued,
            Provider = provider.Name,
            ProviderAccount = config.Account,
            Metadata = request.Metadata,
            Segments = segments,
            Price = price,
            PriceUnit = price is null ? null : prices.Currency,
            PriceIsEstimate = price is not null,
            Country = country,
            QuietHoursExempt = request.QuietHoursExempt,
            IsTest = config.TestMode,
            SendAt = dueAt > now ? dueAt : null,
            IdempotencyKey = request.IdempotencyKey,
            BatchId = batchId,
            Created = now,
            Modified = now,
        };
        return new Prepared(message, dueAt, request.IdempotencyKey is null ? null : Hash(message with { Body = request.Body }, request.SendAt));
    }

    // What makes two requests "the same" for an idempotency key: recipient, text, sender, media, schedule, metadata.
    private static string Hash(SmsMessage message, DateTimeOffset? sendAt)
    {
        var text = new StringBuilder()
            .Append(message.To).Append('\u001f').Append(message.Body).Append('\u001f').Append(message.From).Append('\u001f')
            .AppendJoin('\u001e', message.MediaUrls).Append('\u001f')
            .Append(sendAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\u001f');
        foreach (var (key, value) in (message.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('\u001d').Append(value).Append('\u001e');
        }

        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private (string? From, IReadOnlyList<string> Media) Validate(SendSmsRequest request, ProviderDefinition? definition, DateTimeOffset now)
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

        if (request.SendAt is { } sendAt && sendAt > now + MaxScheduleAhead)
        {
            errors["send_at"] = ["A message can be scheduled at most a year ahead."];
        }

        if (request.IdempotencyKey is { } key && (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            errors["idempotency_key"] = [$"An idempotency key is 1 to {MaxIdempotencyKeyLength} characters without control characters."];
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

    private sealed record Prepared(SmsMessage Message, DateTimeOffset DueAt, string? Hash);
}
