using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;

namespace PhoneHub.Stores.ContractTests;

/// <summary>
/// The send pipeline's part of the contract: enqueue with idempotency keys, leases claimed by dispatchers, provider calls
/// started and completed by the token that holds them, releases, cancels, crash recovery and batches; each race the
/// pipeline relies on, asserted for every interleaving.
/// </summary>
public abstract partial class StoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private static SmsMessage Waiting(string? key = null, string? group = "acme", string body = "hi") => new()
    {
        Group = group,
        User = "u1",
        ConfigId = 4,
        Direction = SmsDirection.Outbound,
        From = "+14155550100",
        To = "+14155551234",
        Body = body,
        Status = SmsStatus.Queued,
        Provider = "twilio",
        ProviderAccount = "AC1",
        Segments = 1,
        IdempotencyKey = key,
        Created = T0,
        Modified = T0,
    };

    private static SmsAttempt Attempt(string owner, string token, DateTimeOffset leaseUntil) => new(owner, token, leaseUntil);

    private async Task<SmsMessage> EnqueueAsync(SmsMessage message, DateTimeOffset? dueAt = null) =>
        (await Messages.EnqueueAsync(new SmsEnqueue(message, dueAt ?? T0))).Message;

    /// <summary>Enqueues a message, claims it and starts its provider call; returns it with the call's token.</summary>
    private async Task<(SmsMessage Message, SmsAttempt Attempt)> InFlightAsync(string owner = "host-a", DateTimeOffset? leaseUntil = null)
    {
        var queued = await EnqueueAsync(Waiting());
        var until = leaseUntil ?? T0 + Lease;
        Assert.That(await Messages.ClaimAsync(queued.Id, owner, T0, until), Is.Not.Null);
        var attempt = Attempt(owner, "token-" + queued.Id, until);
        var started = await Messages.StartAttemptAsync(queued.Id, attempt, T0);
        Assert.That(started, Is.Not.Null);
        return (started!, attempt);
    }

    private static SmsMessage SentThrough(SmsMessage message, string providerMessageId) => message with
    {
        Status = SmsStatus.Sent,
        ProviderMessageId = providerMessageId,
        Provider = "twilio",
        ProviderAccount = "AC2",
        ConfigId = 5,
        From = "+14155550199",
        Segments = 2,
        Price = -0.0079m,
        PriceUnit = "USD",
        SentAt = T0.AddSeconds(1),
        Modified = T0.AddSeconds(1),
    };

    [Test]
    public async Task Config_FallbackAndSendRates_RoundTripOnInsertAndUpdate()
    {
        var fallback = (await Configs.InsertAsync(SampleConfig("acme", "fallback", false))).Config;
        var config = (await Configs.InsertAsync(SampleConfig("acme", "main", true) with { FallbackConfigId = fallback.Id, SendRate = 2.5, AccountSendRate = 40 })).Config;

        var read = (await Configs.GetAsync(config.Id))!;
        Assert.That((read.FallbackConfigId, read.SendRate, read.AccountSendRate), Is.EqualTo(((long?)fallback.Id, (double?)2.5, (double?)40)));
        Assert.That((await Configs.FindActiveAsync("acme"))!.SendRate, Is.EqualTo(2.5));

        var updated = (await Configs.UpdateAsync(read with { FallbackConfigId = null, SendRate = null, AccountSendRate = 0.5 }))!.Config;
        Assert.That((updated.FallbackConfigId, updated.SendRate, updated.AccountSendRate), Is.EqualTo(((long?)null, (double?)null, (double?)0.5)));
        var reread = (await Configs.GetAsync(config.Id))!;
        Assert.That((reread.FallbackConfigId, reread.SendRate, reread.AccountSendRate), Is.EqualTo(((long?)null, (double?)null, (double?)0.5)));
    }

    [Test]
    public async Task Config_WritesInTwoGroupsEachClaimingWhatTheOtherReleases_AreRefusedNeverDeadlocked()
    {
        // Ten pairs: each write deactivates its group's config (releasing its number) and claims the number the other
        // write's group holds. Whatever the order, each claim meets an active holder and is refused, and nothing changes.
        const int pairs = 10;
        var holders = new List<(PhoneConfig A, PhoneConfig B, ProviderIdentity X, ProviderIdentity Y)>();
        for (var k = 0; k < pairs; k++)
        {
            var x = new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, $"+1415555{k:D2}01");
            var y = new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, $"+1415555{k:D2}02");
            var a = (await Configs.InsertAsync(SampleConfig($"a{k}", "a", true, x))).Config;
            var b = (await Configs.InsertAsync(SampleConfig($"b{k}", "b", true, y))).Config;
            holders.Add((a, b, x, y));
        }

        var outcomes = await Concurrently.RunAsync(2 * pairs, async i =>
        {
            var (a, b, x, y) = holders[i / 2];
            var write = i % 2 == 0 ? SampleConfig(a.Group, "claims-y", true, y) : SampleConfig(b.Group, "claims-x", true, x);
            try
            {
                await Configs.InsertAsync(write);
                return "stored";
            }
            catch (ProviderIdentityConflictException ex)
            {
                return "refused " + ex.Identity?.Value;
            }
        });

        for (var k = 0; k < pairs; k++)
        {
            var (a, b, x, y) = holders[k];
            Assert.That(outcomes[2 * k], Is.EqualTo("refused " + y.Value), $"pair {k}");
            Assert.That(outcomes[(2 * k) + 1], Is.EqualTo("refused " + x.Value), $"pair {k}");
            Assert.That((await Configs.FindByIdentityAsync(x))!.Id, Is.EqualTo(a.Id));
            Assert.That((await Configs.FindByIdentityAsync(y))!.Id, Is.EqualTo(b.Id));
            Assert.That((await Configs.FindActiveAsync(a.Group))!.Id, Is.EqualTo(a.Id), "the refused write's deactivation was undone");
        }
    }

    [Test]
    public async Task Sms_Enqueue_StoresAWaitingMessageWithItsPipelineFields()
    {
        var message = Waiting("key-1") with { Status = SmsStatus.Scheduled, SendAt = T0.AddHours(1), BatchId = 77, MediaUrls = ["https://example.com/a.png"], Metadata = new Dictionary<string, string> { ["k"] = "v" } };
        var result = await Messages.EnqueueAsync(new SmsEnqueue(message, T0.AddHours(1), "hash-1"));

        Assert.That(result.Created, Is.True);
        Assert.That(result.RequestHash, Is.EqualTo("hash-1"));
        Assert.That(result.Message.Id, Is.GreaterThan(0));
        var read = (await Messages.GetAsync(result.Message.Id))!;
        Assert.Multiple(() =>
        {
            Assert.That(read.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(read.SendAt, Is.EqualTo(T0.AddHours(1)));
            Assert.That(read.IdempotencyKey, Is.EqualTo("key-1"));
            Assert.That(read.BatchId, Is.EqualTo(77));
            Assert.That(read.Attempts, Is.Zero);
            Assert.That(read.MediaUrls, Is.EqualTo(message.MediaUrls));
            Assert.That(read.Metadata, Is.EqualTo(message.Metadata));
            Assert.That(read.ProviderAccount, Is.EqualTo("AC1"));
        });
        Assert.That(result.Message with { MediaUrls = [], Metadata = null }, Is.EqualTo(read with { MediaUrls = [], Metadata = null }), "the message handed back is the one stored");
        Assert.That(await Messages.NextDueAsync(), Is.EqualTo(T0.AddHours(1)));
    }

    [Test]
    public async Task Sms_EnqueueWithAUsedKey_ReturnsTheFirstMessageAndItsHash_KeysArePerGroup()
    {
        var first = await Messages.EnqueueAsync(new SmsEnqueue(Waiting("k", body: "first"), T0, "h1"));
        var again = await Messages.EnqueueAsync(new SmsEnqueue(Waiting("k", body: "second"), T0, "h2"));
        Assert.That(again.Created, Is.False);
        Assert.That(again.Message.Id, Is.EqualTo(first.Message.Id));
        Assert.That(again.Message.Body, Is.EqualTo("first"));
        Assert.That(again.RequestHash, Is.EqualTo("h1"), "the stored hash, for the caller to compare with its own");

        var otherGroup = await Messages.EnqueueAsync(new SmsEnqueue(Waiting("k", group: "globex"), T0, "h1"));
        var noGroup = await Messages.EnqueueAsync(new SmsEnqueue(Waiting("k", group: null), T0, "h1"));
        var noGroupAgain = await Messages.EnqueueAsync(new SmsEnqueue(Waiting("k", group: null), T0, "h1"));
        Assert.That(otherGroup.Created && noGroup.Created, Is.True, "a key is unique within its group only");
        Assert.That(noGroupAgain.Message.Id, Is.EqualTo(noGroup.Message.Id), "messages without a group share one key space");

        var unkeyed = await Messages.EnqueueManyAsync([new SmsEnqueue(Waiting(), T0), new SmsEnqueue(Waiting(), T0)]);
        Assert.That(unkeyed.Select(r => r.Created), Is.All.True, "messages without a key are never deduplicated");

        var chunk = await Messages.EnqueueManyAsync([new SmsEnqueue(Waiting("dup", body: "a"), T0, "ha"), new SmsEnqueue(Waiting("fresh"), T0), new SmsEnqueue(Waiting("dup", body: "b"), T0, "hb")]);
        Assert.That(chunk.Select(r => r.Created), Is.EqualTo(new[] { true, true, false }), "one result per item, in order");
        Assert.That(chunk[2].Message.Id, Is.EqualTo(chunk[0].Message.Id));
        Assert.That(chunk[2].RequestHash, Is.EqualTo("ha"));
        Assert.That((await Messages.ListAsync(new SmsQuery { AllGroups = true })).TotalCount, Is.EqualTo(7));
    }

    [Test]
    public async Task Sms_IdenticalEnqueuesRacingTwentyTimes_StoreOneMessageEveryCallerGets()
    {
        var results = await Concurrently.RunAsync(20, i => Messages.EnqueueAsync(new SmsEnqueue(Waiting("race", body: $"attempt {i}"), T0, $"h{i}")));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        var winner = results.Single(r => r.Created);
        Assert.That(results.Select(r => r.Message.Id), Is.All.EqualTo(winner.Message.Id));
        Assert.That(results.Select(r => r.Message.Body), Is.All.EqualTo(winner.Message.Body));
        Assert.That(results.Select(r => r.RequestHash), Is.All.EqualTo(winner.RequestHash));
        Assert.That((await Messages.ListAsync(new SmsQuery { Group = "acme" })).TotalCount, Is.EqualTo(1));
        Assert.That(await Messages.ClaimDueAsync("host-a", T0, T0 + Lease, 100), Has.Count.EqualTo(1), "one message to send");
    }

    [Test]
    public async Task Sms_ChunksRacingWithTheSameKeysInOppositeOrders_StoreEachKeyOnce()
    {
        // Each chunk waits on keys the other inserted first: the store must not fail either one.
        var keys = Enumerable.Range(0, 50).Select(i => $"k{i:D2}").ToArray();
        var results = await Concurrently.RunAsync(4, i =>
        {
            var order = i % 2 == 0 ? keys : keys.Reverse().ToArray();
            return Messages.EnqueueManyAsync([.. order.Select(k => new SmsEnqueue(Waiting(k, body: $"{k} from {i}"), T0, $"h{i}"))]);
        });

        var created = results.SelectMany(r => r).Where(r => r.Created).Select(r => r.Message.IdempotencyKey).ToList();
        Assert.That(created, Is.EquivalentTo(keys), "each key created exactly once");
        var idsByKey = results.SelectMany(r => r).GroupBy(r => r.Message.IdempotencyKey!).ToDictionary(g => g.Key, g => g.Select(r => r.Message.Id).Distinct().Count());
        Assert.That(idsByKey.Values, Is.All.EqualTo(1), "every chunk got the one message of each key");
        Assert.That((await Messages.ListAsync(new SmsQuery { Group = "acme" })).TotalCount, Is.EqualTo(keys.Length));
    }

    [Test]
    public async Task Sms_ClaimDue_ClaimsDueMessagesOldestFirstUpToTheLimit_AndNothingLeasedOrNotYetDue()
    {
        var a = await EnqueueAsync(Waiting(body: "a"), T0.AddSeconds(2));
        var b = await EnqueueAsync(Waiting(body: "b"), T0);
        var c = await EnqueueAsync(Waiting(body: "c"), T0.AddSeconds(1));
        var later = await EnqueueAsync(Waiting(body: "later") with { Status = SmsStatus.Scheduled, SendAt = T0.AddHours(1) }, T0.AddHours(1));
        var now = T0.AddSeconds(5);

        var first = await Messages.ClaimDueAsync("host-a", now, now + Lease, 2);
        Assert.That(first.Select(m => m.Body), Is.EquivalentTo(new[] { "b", "c" }), "the two due first");
        Assert.That(first.Select(m => m.Status), Is.All.EqualTo(SmsStatus.Queued));
        var second = await Messages.ClaimDueAsync("host-b", now, now + Lease, 10);
        Assert.That(second.Select(m => m.Id), Is.EqualTo(new[] { a.Id }), "claimed messages are not handed out again, the scheduled one is not due");
        Assert.That(await Messages.ClaimDueAsync("host-b", now, now + Lease, 10), Is.Empty);

        // A claim nobody started lapses with its lease: another dispatcher may take it then.
        var afterLease = now + Lease + TimeSpan.FromSeconds(1);
        var retaken = await Messages.ClaimDueAsync("host-c", afterLease, afterLease + Lease, 10);
        Assert.That(retaken.Select(m => m.Id), Is.EquivalentTo(new[] { a.Id, b.Id, c.Id }));

        var scheduled = await Messages.ClaimDueAsync("host-c", T0.AddHours(2), T0.AddHours(2) + Lease, 10);
        Assert.That(scheduled.Select(m => m.Id), Is.EquivalentTo(new[] { later.Id, a.Id, b.Id, c.Id }), "all due, all leases lapsed");
        Assert.That(scheduled.Single(m => m.Id == later.Id).Status, Is.EqualTo(SmsStatus.Queued), "a scheduled message becomes queued when claimed");
        Assert.That(scheduled.Single(m => m.Id == later.Id).Modified, Is.EqualTo(T0.AddHours(2)));
    }

    [Test]
    public async Task Sms_TwoDispatchersClaimingTwoThousandDueMessages_ClaimEachExactlyOnce()
    {
        const int total = 2000;
        for (var chunk = 0; chunk < total / 500; chunk++)
        {
            var items = Enumerable.Range(0, 500).Select(i => new SmsEnqueue(Waiting(body: $"m{(chunk * 500) + i}"), T0.AddMilliseconds(i % 7))).ToList();
            Assert.That((await Messages.EnqueueManyAsync(items)).Count(r => r.Created), Is.EqualTo(500));
        }

        var now = T0.AddSeconds(1);
        var claims = await Concurrently.RunAsync(2, async i =>
        {
            var mine = new List<long>();
            while (true)
            {
                var batch = await Messages.ClaimDueAsync($"dispatcher-{i}", now, now + Lease, 64);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(m => m.Id));
            }
        });

        Assert.That(claims[0].Count + claims[1].Count, Is.EqualTo(total), "every message claimed");
        Assert.That(claims[0].Intersect(claims[1]), Is.Empty, "no message claimed by both");
        Assert.That(claims.SelectMany(c => c).Distinct().Count(), Is.EqualTo(total), "none claimed twice by one");
        Assert.That(await Messages.ClaimDueAsync("dispatcher-x", now, now + Lease, 64), Is.Empty);
    }

    [Test]
    public async Task Sms_StartAttempt_OnlyForTheOwnerOfALiveClaim_AndCountsTheAttempt()
    {
        var queued = await EnqueueAsync(Waiting());
        Assert.That(await Messages.StartAttemptAsync(queued.Id, Attempt("host-a", "t1", T0 + Lease), T0), Is.Null, "not claimed yet");
        await Messages.ClaimDueAsync("host-a", T0, T0 + Lease, 10);

        Assert.That(await Messages.StartAttemptAsync(queued.Id, Attempt("host-b", "t1", T0 + Lease), T0), Is.Null, "another owner's claim");
        Assert.That(await Messages.StartAttemptAsync(queued.Id, Attempt("host-a", "t1", T0 + Lease + Lease), T0 + Lease + TimeSpan.FromSeconds(1)), Is.Null, "the claim lapsed");
        var started = await Messages.StartAttemptAsync(queued.Id, Attempt("host-a", "t1", T0 + Lease), T0.AddSeconds(1));
        Assert.That(started, Is.Not.Null);
        Assert.That(started!.Attempts, Is.EqualTo(1));
        Assert.That(started.Modified, Is.EqualTo(T0.AddSeconds(1)));
        Assert.That(await Messages.StartAttemptAsync(queued.Id, Attempt("host-a", "t2", T0 + Lease), T0.AddSeconds(2)), Is.Null, "a call already started");
        Assert.That(await Messages.ClaimDueAsync("host-b", T0 + Lease + Lease, T0 + Lease + Lease + Lease, 10), Is.Empty, "a started call is never claimed again, even lapsed");
        Assert.That(await Messages.NextDueAsync(), Is.Null, "nothing waits for a dispatcher");
    }

    [Test]
    public async Task Sms_CompleteAttempt_RecordsTheProviderAnswerForItsToken_AStaleTokenChangesNothing()
    {
        var (message, attempt) = await InFlightAsync();
        Assert.That(await Messages.CompleteAttemptAsync(SentThrough(message, "SMSTALE"), "someone-else"), Is.Null);
        Assert.That((await Messages.GetAsync(message.Id))!.Status, Is.EqualTo(SmsStatus.Queued), "a stale token is a no-op");
        Assert.That(await Messages.FindByProviderIdAsync("twilio", "SMSTALE"), Is.Null);

        var completed = await Messages.CompleteAttemptAsync(SentThrough(message, "SMDONE"), attempt.Token);
        Assert.That(completed, Is.Not.Null);
        var read = (await Messages.GetAsync(message.Id))!;
        Assert.That(read with { MediaUrls = [], Metadata = null }, Is.EqualTo(completed! with { MediaUrls = [], Metadata = null }));
        Assert.Multiple(() =>
        {
            Assert.That(read.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(read.ProviderMessageId, Is.EqualTo("SMDONE"));
            Assert.That(read.ProviderAccount, Is.EqualTo("AC2"));
            Assert.That(read.ConfigId, Is.EqualTo(5));
            Assert.That(read.From, Is.EqualTo("+14155550199"));
            Assert.That(read.Segments, Is.EqualTo(2));
            Assert.That(read.Price, Is.EqualTo(-0.0079m));
            Assert.That(read.SentAt, Is.EqualTo(T0.AddSeconds(1)));
            Assert.That(read.Attempts, Is.EqualTo(1));
        });
        Assert.That((await Messages.FindByProviderIdAsync("twilio", "SMDONE"))!.Id, Is.EqualTo(message.Id));
        Assert.That(await Messages.ResolveLapsedAttemptsAsync(T0.AddDays(1), "outcome_unknown", "x"), Is.Empty, "a completed call is not in flight");
        var (cancel, after) = await Messages.CancelAsync(message.Id, T0.AddDays(1));
        Assert.That((cancel, after!.Status), Is.EqualTo((SmsCancelOutcome.NotCancelable, SmsStatus.Sent)), "a final message cannot be canceled");
    }

    [Test]
    public async Task Sms_Release_ReturnsTheMessageToTheQueue_WithTheFailoverConfigWhenGiven()
    {
        var (message, attempt) = await InFlightAsync();
        Assert.That(await Messages.ReleaseAsync(message.Id, "not-the-call", new SmsRelease(T0), T0), Is.Null);

        var throttled = await Messages.ReleaseAsync(message.Id, attempt.Token, new SmsRelease(T0.AddSeconds(30)) { ErrorCode = "throttled", ErrorMessage = "slow down" }, T0.AddSeconds(1));
        Assert.That(throttled, Is.Not.Null);
        Assert.That((throttled!.Status, throttled.ConfigId, throttled.Provider, throttled.ProviderAccount, throttled.ErrorCode, throttled.ErrorMessage),
            Is.EqualTo((SmsStatus.Queued, (long?)4, "twilio", "AC1", "throttled", "slow down")), "without a config the message keeps its own");
        Assert.That(await Messages.NextDueAsync(), Is.EqualTo(T0.AddSeconds(30)));
        Assert.That(await Messages.ClaimDueAsync("host-b", T0.AddSeconds(29), T0.AddMinutes(6), 10), Is.Empty, "not before its new due time");
        Assert.That((await Messages.ClaimDueAsync("host-b", T0.AddSeconds(30), T0.AddMinutes(6), 10)).Single().Id, Is.EqualTo(message.Id));

        var second = Attempt("host-b", "t2", T0.AddMinutes(6));
        Assert.That(await Messages.StartAttemptAsync(message.Id, second, T0.AddSeconds(31)), Is.Not.Null);
        var failedOver = await Messages.ReleaseAsync(message.Id, second.Token, new SmsRelease(T0.AddSeconds(31)) { ConfigId = 9, Provider = "aws", ProviderAccount = null, ErrorCode = "auth_failed" }, T0.AddSeconds(31));
        Assert.That((failedOver!.ConfigId, failedOver.Provider, failedOver.ProviderAccount, failedOver.ErrorCode, failedOver.ErrorMessage, failedOver.Attempts),
            Is.EqualTo(((long?)9, "aws", (string?)null, "auth_failed", (string?)null, 2)), "a failover moves the message to the fallback's config, provider and account");
        Assert.That(await Messages.ReleaseAsync(message.Id, second.Token, new SmsRelease(T0), T0), Is.Null, "released once; its call is no longer in progress");
    }

    [Test]
    public async Task Sms_Claim_TakesOneWaitingUnclaimedMessage()
    {
        var queued = await EnqueueAsync(Waiting(), T0.AddHours(1));
        var claimed = await Messages.ClaimAsync(queued.Id, "inline", T0, T0 + Lease);
        Assert.That(claimed, Is.Not.Null, "an inline sender may take its message before it is due");
        Assert.That(await Messages.ClaimAsync(queued.Id, "other", T0.AddSeconds(1), T0 + Lease), Is.Null, "claimed");
        Assert.That(await Messages.ClaimAsync(queued.Id, "other", T0 + Lease + TimeSpan.FromSeconds(1), T0 + Lease + Lease), Is.Not.Null, "the claim lapsed");
        Assert.That(await Messages.ClaimAsync(999_999, "other", T0, T0 + Lease), Is.Null);

        var (inFlight, _) = await InFlightAsync();
        Assert.That(await Messages.ClaimAsync(inFlight.Id, "other", T0.AddDays(1), T0.AddDays(2)), Is.Null, "a started call is never claimed again");
    }

    [Test]
    public async Task Sms_Cancel_OnlyMessagesNobodyHolds()
    {
        var queued = await EnqueueAsync(Waiting(), T0.AddHours(1));
        var (outcome, canceled) = await Messages.CancelAsync(queued.Id, T0.AddSeconds(1));
        Assert.That(outcome, Is.EqualTo(SmsCancelOutcome.Canceled));
        Assert.That((canceled!.Status, canceled.Modified), Is.EqualTo((SmsStatus.Canceled, T0.AddSeconds(1))));
        Assert.That((await Messages.CancelAsync(queued.Id, T0.AddSeconds(2))).Outcome, Is.EqualTo(SmsCancelOutcome.NotCancelable), "already final");
        Assert.That(await Messages.ClaimDueAsync("host-a", T0.AddDays(1), T0.AddDays(2), 10), Is.Empty, "a canceled message is never sent");
        Assert.That(await Messages.NextDueAsync(), Is.Null);

        var claimed = await EnqueueAsync(Waiting());
        await Messages.ClaimDueAsync("host-a", T0, T0 + Lease, 10);
        var (busy, message) = await Messages.CancelAsync(claimed.Id, T0.AddSeconds(1));
        Assert.That((busy, message!.Status), Is.EqualTo((SmsCancelOutcome.NotCancelable, SmsStatus.Queued)), "claimed by a dispatcher");
        Assert.That((await Messages.CancelAsync(claimed.Id, T0 + Lease + TimeSpan.FromSeconds(1))).Outcome, Is.EqualTo(SmsCancelOutcome.Canceled), "its claim lapsed before any call");

        Assert.That(await Messages.CancelAsync(999_999, T0), Is.EqualTo((SmsCancelOutcome.NotFound, (SmsMessage?)null)));
    }

    [Test]
    public async Task Sms_CancelsRacingAClaim_EachMessageIsCanceledOrClaimedNeverBoth()
    {
        var ids = (await Messages.EnqueueManyAsync([.. Enumerable.Range(0, 100).Select(i => new SmsEnqueue(Waiting(body: $"m{i}"), T0))])).Select(r => r.Message.Id).ToArray();

        var claimed = new List<long>();
        var cancels = new (SmsCancelOutcome Outcome, SmsMessage? Message)[ids.Length];
        await Concurrently.RunAsync(2, async i =>
        {
            if (i == 0)
            {
                for (var n = 0; n < 10; n++)
                {
                    claimed.AddRange((await Messages.ClaimDueAsync("host-a", T0, T0 + Lease, 10)).Select(m => m.Id));
                }
            }
            else
            {
                for (var n = 0; n < ids.Length; n++)
                {
                    cancels[n] = await Messages.CancelAsync(ids[n], T0);
                }
            }

            return i;
        });

        for (var n = 0; n < ids.Length; n++)
        {
            var wasClaimed = claimed.Contains(ids[n]);
            Assert.That(cancels[n].Outcome, Is.EqualTo(wasClaimed ? SmsCancelOutcome.NotCancelable : SmsCancelOutcome.Canceled), $"message {ids[n]}");
            Assert.That((await Messages.GetAsync(ids[n]))!.Status, Is.EqualTo(wasClaimed ? SmsStatus.Queued : SmsStatus.Canceled));
        }
    }

    [Test]
    public async Task Sms_EnqueueWithAnAttempt_IsHeldByItsCaller_AndLapsesToOutcomeUnknownNeverResent()
    {
        var attempt = Attempt("inline", "call-1", T0 + Lease);
        var result = await Messages.EnqueueAsync(new SmsEnqueue(Waiting(), T0) { Attempt = attempt });
        Assert.That(result.Message.Attempts, Is.EqualTo(1), "its first call counts from the start");
        Assert.That(await Messages.ClaimDueAsync("dispatcher", T0.AddDays(1), T0.AddDays(2), 10), Is.Empty, "never handed to a dispatcher");
        Assert.That(await Messages.NextDueAsync(), Is.Null);
        Assert.That(await Messages.ResolveLapsedAttemptsAsync(T0 + Lease, "outcome_unknown", "lapsed"), Is.Empty, "its lease still runs");

        var resolved = await Messages.ResolveLapsedAttemptsAsync(T0 + Lease + TimeSpan.FromSeconds(1), "outcome_unknown", "lapsed");
        Assert.That(resolved.Select(m => (m.Id, m.Status, m.ErrorCode, m.ErrorMessage)), Is.EqualTo(new[] { (result.Message.Id, SmsStatus.Failed, (string?)"outcome_unknown", (string?)"lapsed") }));
        Assert.That(await Messages.ResolveLapsedAttemptsAsync(T0.AddDays(1), "outcome_unknown", "lapsed"), Is.Empty, "resolved once");
        Assert.That(await Messages.ClaimDueAsync("dispatcher", T0.AddDays(1), T0.AddDays(2), 10), Is.Empty, "and never sent again");

        // The provider's real answer, arriving late, still replaces "outcome unknown".
        var late = await Messages.CompleteAttemptAsync(SentThrough(result.Message, "SMLATE") with { ErrorCode = null, ErrorMessage = null }, attempt.Token);
        Assert.That((late!.Status, late.ErrorCode, late.ProviderMessageId), Is.EqualTo((SmsStatus.Sent, (string?)null, (string?)"SMLATE")));
    }

    [Test]
    public async Task Sms_NextDue_IsTheEarliestUnclaimedDueTime_OrWhenAClaimLapses()
    {
        Assert.That(await Messages.NextDueAsync(), Is.Null);
        var soon = await EnqueueAsync(Waiting(body: "soon"), T0.AddSeconds(10));
        await EnqueueAsync(Waiting(body: "later"), T0.AddMinutes(30));
        Assert.That(await Messages.NextDueAsync(), Is.EqualTo(T0.AddSeconds(10)));

        // A message another dispatcher holds is due for the others only when that claim lapses.
        Assert.That(await Messages.ClaimAsync(soon.Id, "host-a", T0.AddSeconds(10), T0.AddMinutes(2)), Is.Not.Null);
        Assert.That(await Messages.NextDueAsync(), Is.EqualTo(T0.AddMinutes(2)));
        Assert.That(await Messages.StartAttemptAsync(soon.Id, Attempt("host-a", "t", T0.AddMinutes(3)), T0.AddSeconds(11)), Is.Not.Null);
        Assert.That(await Messages.NextDueAsync(), Is.EqualTo(T0.AddMinutes(30)), "a started call waits for no dispatcher");
    }

    [Test]
    public async Task Sms_ResolveLapsedAttempts_FailsOnlyCallsWhoseLeaseLapsed()
    {
        var (early, _) = await InFlightAsync(leaseUntil: T0.AddMinutes(1));
        var (late, _) = await InFlightAsync(leaseUntil: T0.AddMinutes(10));
        var claimedOnly = await EnqueueAsync(Waiting());
        await Messages.ClaimAsync(claimedOnly.Id, "host-a", T0, T0.AddMinutes(1));

        var resolved = await Messages.ResolveLapsedAttemptsAsync(T0.AddMinutes(2), "outcome_unknown", "lapsed");
        Assert.That(resolved.Select(m => m.Id), Is.EqualTo(new[] { early.Id }));
        Assert.That((await Messages.GetAsync(late.Id))!.Status, Is.EqualTo(SmsStatus.Queued), "its lease still runs");
        Assert.That((await Messages.GetAsync(claimedOnly.Id))!.Status, Is.EqualTo(SmsStatus.Queued), "never called: it is sent again, not failed");
        Assert.That((await Messages.ClaimDueAsync("host-b", T0.AddMinutes(2), T0.AddMinutes(7), 10)).Select(m => m.Id), Is.EqualTo(new[] { claimedOnly.Id }));
    }

    [Test]
    public async Task Sms_CompletionsRacingLapseResolution_EndWithTheProviderAnswer()
    {
        var inFlight = new List<(SmsMessage Message, SmsAttempt Attempt)>();
        for (var i = 0; i < 20; i++)
        {
            inFlight.Add(await InFlightAsync(leaseUntil: T0.AddMinutes(1)));
        }

        await Concurrently.RunAsync(inFlight.Count + 1, async i =>
        {
            if (i == inFlight.Count)
            {
                return (await Messages.ResolveLapsedAttemptsAsync(T0.AddMinutes(2), "outcome_unknown", "lapsed")).Count;
            }

            var (message, attempt) = inFlight[i];
            return await Messages.CompleteAttemptAsync(SentThrough(message, $"SMR{i}"), attempt.Token) is null ? 0 : 1;
        });

        for (var i = 0; i < inFlight.Count; i++)
        {
            var read = (await Messages.GetAsync(inFlight[i].Message.Id))!;
            Assert.That((read.Status, read.ProviderMessageId, read.ErrorCode), Is.EqualTo((SmsStatus.Sent, (string?)$"SMR{i}", (string?)null)), $"message {i}");
        }

        Assert.That(await Messages.ResolveLapsedAttemptsAsync(T0.AddDays(1), "outcome_unknown", "lapsed"), Is.Empty);
    }

    [Test]
    public async Task Sms_StatusReportsRacingSendCompletions_EndDeliveredWhicheverIsFirst()
    {
        // The protocol the service follows: a report for an unknown provider id is kept; a completion takes what was kept.
        var inFlight = new List<(SmsMessage Message, SmsAttempt Attempt)>();
        for (var i = 0; i < 20; i++)
        {
            inFlight.Add(await InFlightAsync());
        }

        var outcomes = await Concurrently.RunAsync(2 * inFlight.Count, async i =>
        {
            var (message, attempt) = inFlight[i / 2];
            var providerId = $"SMC{i / 2}";
            if (i % 2 == 0)
            {
                Assert.That(await Messages.CompleteAttemptAsync(SentThrough(message, providerId), attempt.Token), Is.Not.Null);
                return StatusUpdateOutcome.Updated;
            }

            var (outcome, _) = await Messages.AdvanceStatusAsync(Report(providerId, SmsStatus.Delivered), T0.AddSeconds(5));
            if (outcome == StatusUpdateOutcome.NotFound)
            {
                await Messages.SavePendingStatusAsync(Report(providerId, SmsStatus.Delivered), T0.AddSeconds(5));
                return StatusUpdateOutcome.Pending;
            }

            return outcome;
        });

        Assert.That(outcomes.Where((_, i) => i % 2 == 1), Is.All.AnyOf(StatusUpdateOutcome.Updated, StatusUpdateOutcome.Pending), "a report never finds the message half-written");
        for (var n = 0; n < inFlight.Count; n++)
        {
            foreach (var kept in await Messages.TakePendingStatusesAsync("twilio", $"SMC{n}"))
            {
                await Messages.AdvanceStatusAsync(kept, T0.AddSeconds(6));
            }

            var read = (await Messages.GetAsync(inFlight[n].Message.Id))!;
            Assert.That((read.Status, read.ProviderMessageId), Is.EqualTo((SmsStatus.Delivered, (string?)$"SMC{n}")), $"message {n}");
            Assert.That(read.DeliveredAt, Is.Not.Null);
        }
    }

    [Test]
    public async Task Batch_CreateThenGet_CountsItsMessagesByStatus()
    {
        var batch = await Messages.CreateBatchAsync(new SmsBatch { Group = "acme", User = "u1", Total = 5, Rejected = 2, Created = T0 });
        Assert.That(batch.Id, Is.GreaterThan(0));
        Assert.That(batch with { Id = 0 }, Is.EqualTo(new SmsBatch { Group = "acme", User = "u1", Total = 5, Rejected = 2, Created = T0 }));
        var results = await Messages.EnqueueManyAsync([.. Enumerable.Range(0, 3).Select(i => new SmsEnqueue(Waiting(body: $"b{i}") with { BatchId = batch.Id }, T0))]);
        await EnqueueAsync(Waiting(body: "not in the batch"));
        await Messages.CancelAsync(results[0].Message.Id, T0);

        var status = (await Messages.GetBatchAsync(batch.Id))!;
        Assert.That(status.Batch, Is.EqualTo(batch));
        Assert.That(status.CountsByStatus, Is.EquivalentTo(new Dictionary<SmsStatus, int> { [SmsStatus.Queued] = 2, [SmsStatus.Canceled] = 1 }));
        Assert.That((status.Enqueued, status.Dispatched), Is.EqualTo((3, 1)));
        Assert.That(await Messages.GetBatchAsync(999_999), Is.Null);
        Assert.That((await Messages.CreateBatchAsync(new SmsBatch { Total = 0, Created = T0 })).Id, Is.Not.EqualTo(batch.Id));
    }
}
