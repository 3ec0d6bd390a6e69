using PhoneHub.Guards;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Guards.Pumping;
using PhoneHub.Guards.QuietHours;
using PhoneHub.Guards.Segments;
using PhoneHub.Guards.Spend;
using PhoneHub.Messaging;

namespace PhoneHub.Stores.ContractTests;

/// <summary>
/// The send guards' part of the contract: the opt-out lists and their history, the usage figures behind spend limits
/// and reports, the lookup counts, and the message and config columns the guards read and write.
/// </summary>
public abstract partial class StoreContractTests
{
    private static OptOutChange Change(string? group, string number, OptOutAction action, DateTimeOffset at, OptOutSource source = OptOutSource.Api, string? actor = "ada") => new()
    {
        Group = group,
        PhoneNumber = number,
        Action = action,
        Source = source,
        Detail = source == OptOutSource.Keyword ? "STOP" : null,
        Actor = actor,
        At = at,
    };

    [Test]
    public async Task OptOut_ApplyAndFind_ListsPerGroupAndRecordsOnlyChanges()
    {
        Assert.That(await OptOuts.ApplyAsync(Change("acme", "+14155551234", OptOutAction.OptOut, T0, OptOutSource.Keyword, actor: null)), Is.True);
        Assert.That(await OptOuts.ApplyAsync(Change("acme", "+14155551234", OptOutAction.OptOut, T0.AddMinutes(1))), Is.False, "a second STOP changes nothing");
        Assert.That(await OptOuts.ApplyAsync(Change(null, "+14155551234", OptOutAction.OptOut, T0.AddMinutes(2))), Is.True, "no group is a list of its own");
        Assert.That(await OptOuts.ApplyAsync(Change("acme", "+14155550000", OptOutAction.OptIn, T0)), Is.False, "opting in a number not listed changes nothing");

        var acme = await OptOuts.FindAsync(["acme"], ["+14155551234", "+14155559999"]);
        Assert.That(acme, Is.EqualTo(new Dictionary<string, DateTimeOffset> { ["+14155551234"] = T0 }), "the first entry is kept");
        Assert.That(await OptOuts.FindAsync(["globex"], ["+14155551234"]), Is.Empty);
        Assert.That((await OptOuts.FindAsync(["acme", null], ["+14155551234"]))["+14155551234"], Is.EqualTo(T0.AddMinutes(2)), "the latest when on several lists");
        Assert.That(await OptOuts.FindAsync([], ["+14155551234"]), Is.Empty);
        Assert.That(await OptOuts.FindAsync(["acme' OR '1'='1"], ["+14155551234"]), Is.Empty);

        var entry = (await OptOuts.ListAsync(new OptOutQuery { Group = "acme" })).Items.Single();
        Assert.That(entry, Is.EqualTo(new OptOutEntry { Group = "acme", PhoneNumber = "+14155551234", Created = T0, Source = OptOutSource.Keyword, Detail = "STOP", Actor = null }));

        Assert.That(await OptOuts.ApplyAsync(Change("acme", "+14155551234", OptOutAction.OptIn, T0.AddMinutes(3), OptOutSource.Keyword)), Is.True);
        Assert.That(await OptOuts.FindAsync(["acme"], ["+14155551234"]), Is.Empty);
        Assert.That((await OptOuts.FindAsync([null], ["+14155551234"])).Keys, Is.EqualTo(new[] { "+14155551234" }), "other lists keep the number");

        var history = await OptOuts.ListChangesAsync(new OptOutQuery { Group = "acme" });
        Assert.That(history.TotalCount, Is.EqualTo(2));
        Assert.That(history.Items.Select(c => (c.Action, c.Source, c.Actor, c.At)), Is.EqualTo(new[]
        {
            (OptOutAction.OptIn, OptOutSource.Keyword, (string?)"ada", T0.AddMinutes(3)),
            (OptOutAction.OptOut, OptOutSource.Keyword, (string?)null, T0),
        }));
        Assert.That(history.Items.Select(c => c.Id).Distinct().Count(), Is.EqualTo(2));
        Assert.That(history.Items.All(c => c.Group == "acme" && c.PhoneNumber == "+14155551234"));
        Assert.That((await OptOuts.ListChangesAsync(new OptOutQuery { Group = null })).Items.Single().Action, Is.EqualTo(OptOutAction.OptOut));
    }

    [Test]
    public async Task OptOut_ListAndChanges_PageNewestFirstAndFilterByNumber()
    {
        for (var i = 0; i < 5; i++)
        {
            await OptOuts.ApplyAsync(Change("acme", $"+1415555000{i}", OptOutAction.OptOut, T0.AddMinutes(i)));
        }

        await OptOuts.ApplyAsync(Change("globex", "+14155550009", OptOutAction.OptOut, T0.AddHours(1)));
        var page = await OptOuts.ListAsync(new OptOutQuery { Group = "acme", Offset = 1, Limit = 2 });
        Assert.That(page.TotalCount, Is.EqualTo(5));
        Assert.That(page.Items.Select(e => e.PhoneNumber), Is.EqualTo(new[] { "+14155550003", "+14155550002" }));
        Assert.That((await OptOuts.ListAsync(new OptOutQuery { Group = "acme", PhoneNumber = "+14155550004" })).Items.Single().Created, Is.EqualTo(T0.AddMinutes(4)));
        Assert.That((await OptOuts.ListAsync(new OptOutQuery { Group = "acme", PhoneNumber = "+14155550009" })).TotalCount, Is.Zero);

        var changes = await OptOuts.ListChangesAsync(new OptOutQuery { Group = "acme", Offset = 0, Limit = 3 });
        Assert.That(changes.TotalCount, Is.EqualTo(5));
        Assert.That(changes.Items.Select(c => c.PhoneNumber), Is.EqualTo(new[] { "+14155550004", "+14155550003", "+14155550002" }));

        var many = Enumerable.Range(0, 1200).Select(i => $"+1628555{i:D4}").Append("+14155550001").ToList();
        Assert.That((await OptOuts.FindAsync(["acme"], many)).Keys, Is.EqualTo(new[] { "+14155550001" }), "a whole bulk chunk at once");
    }

    [Test]
    public async Task OptOut_SameNumberAtOnce_ExactlyOneChangesTheList()
    {
        var results = await Concurrently.RunAsync(8, _ => OptOuts.ApplyAsync(Change("acme", "+14155551234", OptOutAction.OptOut, T0)));
        Assert.That(results.Count(r => r), Is.EqualTo(1));
        Assert.That((await OptOuts.ListChangesAsync(new OptOutQuery { Group = "acme" })).TotalCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Sms_GuardColumns_RoundTripAndAProviderPriceReplacesOnlyAnEstimate()
    {
        var saved = await Messages.InsertAsync(SampleMessage() with { Country = "US", Price = 0.0083m, PriceIsEstimate = true, QuietHoursExempt = true });
        var read = (await Messages.GetAsync(saved.Id))!;
        Assert.That((read.Country, read.Price, read.PriceIsEstimate, read.QuietHoursExempt), Is.EqualTo(("US", (decimal?)0.0083m, true, true)));

        var priced = await Messages.SetPriceAsync(saved.Id, -0.0079m, "USD", T0.AddMinutes(1));
        Assert.That((priced!.Price, priced.PriceUnit, priced.PriceIsEstimate), Is.EqualTo(((decimal?)-0.0079m, "USD", false)));
        Assert.That(await Messages.SetPriceAsync(saved.Id, -1m, "EUR", T0.AddMinutes(2)), Is.Null, "a reported price is never replaced");
        Assert.That((await Messages.GetAsync(saved.Id))!.Price, Is.EqualTo(-0.0079m));
        Assert.That(await Messages.SetPriceAsync(999_999, -1m, "EUR", T0), Is.Null);

        var estimated = await Messages.InsertAsync(SampleMessage("SM2") with { Price = 0.01m, PriceIsEstimate = true, Status = SmsStatus.Sent });
        var (_, reported) = await Messages.AdvanceStatusAsync(Report("SM2", SmsStatus.Delivered) with { Price = -0.0075m, PriceUnit = "USD" }, T0);
        Assert.That((reported!.Price, reported.PriceIsEstimate), Is.EqualTo(((decimal?)-0.0075m, false)));
        Assert.That((await Messages.GetAsync(estimated.Id))!.PriceUnit, Is.EqualTo("USD"));
    }

    [Test]
    public async Task Enqueue_FailedByAGuard_IsStoredFinalAndNeverClaimed()
    {
        var refused = await EnqueueAsync(Waiting() with { Status = SmsStatus.Failed, ErrorCode = GuardReasons.OptedOut, ErrorMessage = "opted out" });
        var stored = (await Messages.GetAsync(refused.Id))!;
        Assert.That((stored.Status, stored.ErrorCode), Is.EqualTo((SmsStatus.Failed, GuardReasons.OptedOut)));
        Assert.That(await Messages.ClaimDueAsync("host-a", T0.AddDays(1), T0.AddDays(1) + Lease, 10), Is.Empty);
        Assert.That(await Messages.NextDueAsync(), Is.Null);
        Assert.That((await Messages.CancelAsync(refused.Id, T0)).Outcome, Is.EqualTo(SmsCancelOutcome.NotCancelable));
    }

    [Test]
    public async Task Defer_ByTheClaimant_WaitsUntilTheDueTimeAsScheduled()
    {
        var queued = await EnqueueAsync(Waiting());
        Assert.That(await Messages.ClaimAsync(queued.Id, "host-a", T0, T0 + Lease), Is.Not.Null);
        var release = new SmsRelease(T0.AddHours(1)) { ErrorCode = GuardReasons.QuietHours, ErrorMessage = "quiet hours" };
        Assert.That(await Messages.DeferAsync(queued.Id, "host-b", release, T0), Is.Null, "only the claimant defers");

        var deferred = await Messages.DeferAsync(queued.Id, "host-a", release, T0);
        Assert.That((deferred!.Status, deferred.SendAt, deferred.ErrorCode), Is.EqualTo((SmsStatus.Scheduled, (DateTimeOffset?)T0.AddHours(1), GuardReasons.QuietHours)));
        Assert.That(await Messages.ClaimDueAsync("host-b", T0.AddMinutes(30), T0.AddMinutes(30) + Lease, 10), Is.Empty, "the claim ended, but it is not due yet");
        Assert.That(await Messages.NextDueAsync(), Is.EqualTo(T0.AddHours(1)));
        var claimed = await Messages.ClaimDueAsync("host-b", T0.AddHours(1), T0.AddHours(1) + Lease, 10);
        Assert.That(claimed.Select(m => (m.Id, m.Status)), Is.EqualTo(new[] { (queued.Id, SmsStatus.Queued) }));

        var (inFlight, attempt) = await InFlightAsync();
        Assert.That(await Messages.DeferAsync(inFlight.Id, attempt.Owner, release, T0), Is.Null, "a started provider call is never deferred");
    }

    [Test]
    public async Task Config_Guards_RoundTripOnInsertAndUpdate_DefaultsStayDefault()
    {
        var guards = new SendGuardSettings
        {
            OptOut = new OptOutSettings { ProviderSendsReplies = true, HelpReply = "Acme: help at acme.example" },
            QuietHours = new QuietHoursSettings { Enabled = true, Start = new TimeOnly(9, 30), End = new TimeOnly(20, 0) },
            Segments = new SegmentSettings { SmartEncoding = true, MaxSegments = 3 },
            Pumping = new PumpingSettings { AllowedCountries = ["US", "CA"], PrefixVelocity = new PrefixVelocityLimit { PrefixDigits = 6, MaxMessages = 5, Window = TimeSpan.FromMinutes(10) }, RiskScoreThreshold = 80 },
            Spend = new SpendSettings { DailyLimit = 12.5m, MonthlyLimit = 300m, AtLimit = SpendLimitAction.Fail },
        };
        var plain = (await Configs.InsertAsync(SampleConfig("acme", "plain", false))).Config;
        Assert.That((await Configs.GetAsync(plain.Id))!.Guards, Is.EqualTo(SendGuardSettings.Default));

        var config = (await Configs.InsertAsync(SampleConfig("acme", "guarded", true) with { Guards = guards })).Config;
        AssertGuards((await Configs.GetAsync(config.Id))!.Guards, guards);

        var changed = guards with { Spend = guards.Spend with { DailyLimit = null }, Pumping = guards.Pumping with { AllowedCountries = ["*"] } };
        var updated = (await Configs.UpdateAsync((await Configs.GetAsync(config.Id))! with { Guards = changed }))!.Config;
        AssertGuards(updated.Guards, changed);
        AssertGuards((await Configs.FindActiveAsync("acme"))!.Guards, changed);
    }

    private static void AssertGuards(SendGuardSettings actual, SendGuardSettings expected)
    {
        // The records hold a list, which records compare by reference: compare it by its items, the rest as records.
        Assert.That(actual.Pumping.AllowedCountries, Is.EqualTo(expected.Pumping.AllowedCountries));
        Assert.That(actual with { Pumping = actual.Pumping with { AllowedCountries = null } }, Is.EqualTo(expected with { Pumping = expected.Pumping with { AllowedCountries = null } }));
    }

    private static SmsMessage Usage1(string? group, SmsStatus status, SmsDirection direction, string country, DateTimeOffset created, int segments, decimal? price, bool estimate = false, bool test = false) =>
        SampleMessage(providerId: null, group) with
        {
            Status = status,
            Direction = direction,
            Country = country,
            Created = created,
            Modified = created,
            Segments = segments,
            Price = price,
            PriceUnit = price is null ? null : "USD",
            PriceIsEstimate = estimate,
            IsTest = test,
        };

    [Test]
    public async Task Usage_MessageTotals_EqualTheRowsPerDayGroupStatusDirectionProviderCountryAndCurrency()
    {
        var out_ = SmsDirection.Outbound;
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Delivered, out_, "US", T0, 2, -0.0158m));
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Delivered, out_, "US", T0.AddHours(2), 1, 0.0079m, estimate: true));
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Delivered, out_, "US", T0.AddHours(3), 1, -1m, test: true));
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Failed, out_, "US", T0.AddHours(4), 1, null));
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Received, SmsDirection.Inbound, "GB", T0.AddDays(1), 1, null));
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Delivered, out_, "US", T0.AddMilliseconds(-1), 1, -3m));
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Delivered, out_, "US", T0.AddDays(2), 1, -3m));
        await Messages.InsertAsync(Usage1("globex", SmsStatus.Delivered, out_, "US", T0, 4, -0.04m));

        var day1 = DateOnly.FromDateTime(T0.UtcDateTime);
        SmsUsageRow Row(string group, DateOnly day, SmsStatus status, SmsDirection direction, string country, string? currency, long messages, long segments, decimal cost, decimal estimated) => new()
        {
            Day = day, Group = group, Status = status, Direction = direction, Provider = "twilio", Country = country, Currency = currency,
            Messages = messages, Segments = segments, Cost = cost, EstimatedCost = estimated,
        };
        var acme = new[]
        {
            Row("acme", day1, SmsStatus.Delivered, out_, "US", "USD", 3, 4, 0.0237m, 0.0079m),
            Row("acme", day1, SmsStatus.Failed, out_, "US", null, 1, 1, 0m, 0m),
            Row("acme", day1.AddDays(1), SmsStatus.Received, SmsDirection.Inbound, "GB", null, 1, 1, 0m, 0m),
        };

        var period = new SmsUsageQuery { Group = "acme", From = T0, To = T0.AddDays(2) };
        Assert.That(await Usage.GetMessageUsageAsync(period), Is.EquivalentTo(acme));
        Assert.That(await Usage.GetMessageUsageAsync(period with { AllGroups = true }),
            Is.EquivalentTo(acme.Append(Row("globex", day1, SmsStatus.Delivered, out_, "US", "USD", 1, 4, 0.04m, 0m))));
        Assert.That(await Usage.GetMessageUsageAsync(period with { Group = null }), Is.Empty);
    }

    [Test]
    public async Task Usage_Spend_CountsSentAndInFlightOutboundPricesOfTheGroupOnly()
    {
        var out_ = SmsDirection.Outbound;
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Sent, out_, "US", T0, 1, -0.0079m) with { SentAt = T0.AddHours(1) });
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Sent, out_, "US", T0, 1, -1m) with { SentAt = T0.AddDays(-1) });
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Sent, out_, "US", T0, 1, -5m, test: true) with { SentAt = T0.AddHours(1) });
        await Messages.InsertAsync(Usage1("globex", SmsStatus.Sent, out_, "US", T0, 1, -2m) with { SentAt = T0.AddHours(1) });
        await Messages.InsertAsync(Usage1("acme", SmsStatus.Received, SmsDirection.Inbound, "US", T0, 1, -0.5m) with { SentAt = T0.AddHours(1) });
        await Messages.InsertAsync(Usage1(null, SmsStatus.Sent, out_, "US", T0, 1, -0.3m) with { SentAt = T0.AddHours(1) });
        await EnqueueAsync(Waiting() with { Price = 1.2345678m, PriceIsEstimate = true });

        var flying = await EnqueueAsync(Waiting() with { Price = 0.0123m, PriceIsEstimate = true });
        Assert.That(await Messages.ClaimAsync(flying.Id, "host-a", T0, T0 + Lease), Is.Not.Null);
        Assert.That(await Messages.StartAttemptAsync(flying.Id, Attempt("host-a", "t1", T0 + Lease), T0), Is.Not.Null);

        Assert.That(await Usage.GetSpendAsync("acme", T0), Is.EqualTo(0.0202m));
        Assert.That(await Usage.GetSpendAsync(null, T0), Is.EqualTo(0.3m));
        Assert.That(await Usage.GetSpendAsync("acme' OR '1'='1", T0), Is.EqualTo(0m));
        Assert.That(await Usage.GetSpendAsync("acme", T0.AddDays(-2)), Is.EqualTo(1.0202m));
    }

    [Test]
    public async Task Usage_LookupCounts_AddUpPerDayAndSource()
    {
        var day = new DateOnly(2026, 3, 1);
        await Usage.AddLookupUsageAsync([new(day, "memory", 3), new(day, "provider", 1)]);
        await Usage.AddLookupUsageAsync([new(day, "memory", 2), new(day.AddDays(1), "store", 5), new(day.AddDays(1), "store", 1)]);
        await Usage.AddLookupUsageAsync([]);

        Assert.That(await Usage.GetLookupUsageAsync(day, day), Is.EqualTo(new LookupUsage[] { new(day, "memory", 5), new(day, "provider", 1) }));
        Assert.That(await Usage.GetLookupUsageAsync(day, day.AddDays(1)), Is.EqualTo(new LookupUsage[] { new(day, "memory", 5), new(day, "provider", 1), new(day.AddDays(1), "store", 6) }));
        Assert.That(await Usage.GetLookupUsageAsync(day.AddDays(2), day.AddDays(9)), Is.Empty);
    }
}
