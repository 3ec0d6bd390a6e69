using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Providers;

namespace PhoneHub.Stores.ContractTests;

/// <summary>
/// The contract every store implementation must keep, written once. A store's test project adds a subclass that
/// creates its stores on a fresh database for each test (the SQLite and PostgreSQL stores both do).
/// </summary>
public abstract partial class StoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected IPhoneNumberStore Numbers { get; set; } = null!;

    protected ISmsStore Messages { get; set; } = null!;

    protected IPhoneConfigStore Configs { get; set; } = null!;

    /// <summary>Creates the stores on a fresh, empty database or schema of this test's own, ready for use.</summary>
    protected abstract Task CreateStoresAsync();

    /// <summary>Drops what <see cref="CreateStoresAsync"/> made.</summary>
    protected abstract Task DestroyStoresAsync();

    [SetUp]
    public Task SetUpStoresAsync() => CreateStoresAsync();

    [TearDown]
    public Task TearDownStoresAsync() => DestroyStoresAsync();

    private static PhoneNumber SampleNumber(string e164 = "+14155551234") => new()
    {
        E164 = e164,
        CountryCode = "1",
        Region = "US",
        Carrier = "Carrier ' \"; DROP TABLE phone_numbers; --",
        LineType = LineTypes.Mobile,
        IsMobile = true,
        IsVoip = null,
        IsValid = true,
        CallerName = "Zoë O'Brien",
        CallerType = CallerType.Business,
        AddressStreet = "1 Main St",
        AddressCity = "SF",
        AddressState = "CA",
        AddressPostalCode = "94105",
        AddressCountry = "US",
        LookupProvider = "twilio",
        LookupExpiresAt = T0.AddDays(30),
        LookupCount = 3,
        LastLookupAt = T0,
        LookupData = "{\"a\":1}",
        Created = T0,
        Modified = T0,
    };

    [Test]
    public async Task PhoneNumber_UpsertThenFind_RoundTripsEveryField()
    {
        var saved = await Numbers.UpsertAsync(SampleNumber());
        Assert.That(saved.Id, Is.GreaterThan(0));
        Assert.That(saved with { Id = 0 }, Is.EqualTo(SampleNumber()));
        Assert.That(await Numbers.FindAsync("+14155551234"), Is.EqualTo(saved));
        Assert.That(await Numbers.GetAsync(saved.Id), Is.EqualTo(saved));
    }

    [Test]
    public async Task PhoneNumber_UpsertSameNumber_UpdatesInPlaceKeepingIdAndCreated()
    {
        var first = await Numbers.UpsertAsync(SampleNumber());
        var second = await Numbers.UpsertAsync(SampleNumber() with { Carrier = "New", Created = T0.AddDays(5), Modified = T0.AddDays(5) });
        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(second.Carrier, Is.EqualTo("New"));
        Assert.That(second.Created, Is.EqualTo(T0));
        Assert.That(second.Modified, Is.EqualTo(T0.AddDays(5)));
        Assert.That((await Numbers.ListAsync(new PhoneNumberQuery())).TotalCount, Is.EqualTo(1));
    }

    [Test]
    public async Task PhoneNumber_ListFiltersAndPages_DeleteRemoves()
    {
        for (var i = 0; i < 5; i++)
        {
            await Numbers.UpsertAsync(SampleNumber($"+1415555000{i}") with { Modified = T0.AddMinutes(i), LineType = i % 2 == 0 ? LineTypes.Mobile : LineTypes.Landline });
        }

        var page = await Numbers.ListAsync(new PhoneNumberQuery { Limit = 2, Offset = 1 });
        Assert.That(page.TotalCount, Is.EqualTo(5));
        Assert.That(page.Items.Select(n => n.E164), Is.EqualTo(new[] { "+14155550003", "+14155550002" }));
        Assert.That((await Numbers.ListAsync(new PhoneNumberQuery { LineType = LineTypes.Landline })).TotalCount, Is.EqualTo(2));
        Assert.That((await Numbers.ListAsync(new PhoneNumberQuery { Contains = "0004" })).Items.Single().E164, Is.EqualTo("+14155550004"));
        Assert.That((await Numbers.ListAsync(new PhoneNumberQuery { Contains = "%" })).TotalCount, Is.Zero, "LIKE wildcards are literal");

        var victim = await Numbers.FindAsync("+14155550000");
        Assert.That(await Numbers.DeleteAsync(victim!.Id), Is.True);
        Assert.That(await Numbers.FindAsync("+14155550000"), Is.Null);
    }

    private static SmsMessage SampleMessage(string? providerId = "SM1", string? group = "acme") => new()
    {
        Group = group,
        User = "u1",
        ConfigId = 4,
        Direction = SmsDirection.Outbound,
        From = "+14155550100",
        To = "+14155551234",
        Body = "héllo 👋 ' ; --",
        MediaUrls = ["https://example.com/a.png", "https://example.com/b.png"],
        Status = SmsStatus.Queued,
        Provider = "twilio",
        ProviderMessageId = providerId,
        ErrorCode = null,
        Metadata = new Dictionary<string, string> { ["order"] = "42" },
        Segments = 2,
        Price = -0.0079m,
        PriceUnit = "USD",
        IsTest = false,
        Created = T0,
        Modified = T0,
    };

    [Test]
    public async Task Sms_InsertThenGet_RoundTripsEveryField()
    {
        var saved = await Messages.InsertAsync(SampleMessage());
        var read = await Messages.GetAsync(saved.Id);
        Assert.That(read, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(read!.Body, Is.EqualTo("héllo 👋 ' ; --"));
            Assert.That(read.MediaUrls, Is.EqualTo(SampleMessage().MediaUrls));
            Assert.That(read.Metadata, Is.EqualTo(SampleMessage().Metadata));
            Assert.That(read.Price, Is.EqualTo(-0.0079m));
            Assert.That(read.Group, Is.EqualTo("acme"));
            Assert.That(read.Created, Is.EqualTo(T0));
            Assert.That(read.Status, Is.EqualTo(SmsStatus.Queued));
            Assert.That(read.ConfigId, Is.EqualTo(4));
        });
        Assert.That((await Messages.FindByProviderIdAsync("twilio", "SM1"))!.Id, Is.EqualTo(saved.Id));
    }

    [Test]
    public async Task Sms_DuplicateProviderId_IsRejectedOrDeduplicated()
    {
        await Messages.InsertAsync(SampleMessage());
        Assert.ThrowsAsync<DuplicateMessageException>(() => Messages.InsertAsync(SampleMessage()));
        var (existing, created) = await Messages.InsertIfNewAsync(SampleMessage() with { Body = "retry" });
        Assert.That(created, Is.False);
        Assert.That(existing.Body, Is.Not.EqualTo("retry"));
        await Messages.InsertAsync(SampleMessage(providerId: null));
        await Messages.InsertAsync(SampleMessage(providerId: null));
        Assert.That((await Messages.ListAsync(new SmsQuery { Group = "acme" })).TotalCount, Is.EqualTo(3));
    }

    [Test]
    public async Task Sms_UpdateAndAdvanceStatus()
    {
        var saved = await Messages.InsertAsync(SampleMessage());
        var updated = await Messages.UpdateAsync(saved with { Status = SmsStatus.Sent, SentAt = T0, Modified = T0 });
        var reread = await Messages.GetAsync(saved.Id);
        Assert.That(updated! with { MediaUrls = Array.Empty<string>(), Metadata = null }, Is.EqualTo(reread! with { MediaUrls = Array.Empty<string>(), Metadata = null }));
        Assert.That(updated!.Status, Is.EqualTo(SmsStatus.Sent));
        var (outcome, message) = await Messages.AdvanceStatusAsync(Report("SM1", SmsStatus.Delivered), T0.AddMinutes(1));
        Assert.That(outcome, Is.EqualTo(StatusUpdateOutcome.Updated));
        Assert.That(message!.DeliveredAt, Is.EqualTo(T0.AddMinutes(1)));
        (outcome, message) = await Messages.AdvanceStatusAsync(Report("SM1", SmsStatus.Sent), T0.AddMinutes(2));
        Assert.That(outcome, Is.EqualTo(StatusUpdateOutcome.Ignored));
        Assert.That(message!.Status, Is.EqualTo(SmsStatus.Delivered));
        (outcome, _) = await Messages.AdvanceStatusAsync(Report("nope", SmsStatus.Sent), T0);
        Assert.That(outcome, Is.EqualTo(StatusUpdateOutcome.NotFound));
        Assert.That(await Messages.UpdateAsync(saved with { Id = 999 }), Is.Null);
    }

    [Test]
    public async Task Sms_AllPermutationsOfStatusReports_EndDelivered()
    {
        var statuses = new[] { SmsStatus.Queued, SmsStatus.Sent, SmsStatus.Delivered };
        var permutations = new[] { new[] { 0, 1, 2 }, [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0] };
        var n = 0;
        foreach (var order in permutations)
        {
            var id = $"SMP{n++}";
            await Messages.InsertAsync(SampleMessage(id) with { Status = SmsStatus.Accepted });
            foreach (var index in order)
            {
                await Messages.AdvanceStatusAsync(Report(id, statuses[index]), T0);
            }

            Assert.That((await Messages.FindByProviderIdAsync("twilio", id))!.Status, Is.EqualTo(SmsStatus.Delivered), string.Join(",", order));
        }
    }

    [Test]
    public async Task Sms_ListFiltersByGroupDirectionStatusNumberAndDates()
    {
        await Messages.InsertAsync(SampleMessage("A", "acme") with { Created = T0 });
        await Messages.InsertAsync(SampleMessage("B", "acme") with { Created = T0.AddHours(1), Direction = SmsDirection.Inbound, Status = SmsStatus.Received, To = "+14155550100", From = "+14155559999" });
        await Messages.InsertAsync(SampleMessage("C", "globex") with { Created = T0.AddHours(2) });
        await Messages.InsertAsync(SampleMessage("D", null) with { Created = T0.AddHours(3) });

        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { Group = "acme" })), Is.EqualTo(new[] { "B", "A" }));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { Group = null })), Is.EqualTo(new[] { "D" }));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { AllGroups = true })), Is.EqualTo(new[] { "D", "C", "B", "A" }));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { Group = "acme", Direction = SmsDirection.Inbound })), Is.EqualTo(new[] { "B" }));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { Group = "acme", Status = SmsStatus.Queued })), Is.EqualTo(new[] { "A" }));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { AllGroups = true, Number = "+14155559999" })), Is.EqualTo(new[] { "B" }));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { AllGroups = true, CreatedFrom = T0.AddHours(1), CreatedTo = T0.AddHours(3) })), Is.EqualTo(new[] { "C", "B" }));
        var page = await Messages.ListAsync(new SmsQuery { AllGroups = true, Offset = 1, Limit = 2 });
        Assert.That(Ids(page), Is.EqualTo(new[] { "C", "B" }));
        Assert.That(page.TotalCount, Is.EqualTo(4));
        Assert.That(Ids(await Messages.ListAsync(new SmsQuery { Group = "acme' OR '1'='1" })), Is.Empty);
    }

    private static SmsStatusReport Report(string providerMessageId, SmsStatus status) =>
        new() { Provider = "twilio", ProviderMessageId = providerMessageId, Status = status };

    [Test]
    public async Task Sms_ProviderAccountAndReportedPrice_AreKept()
    {
        var saved = await Messages.InsertAsync(SampleMessage() with { ProviderAccount = "AC1", Price = null, PriceUnit = null });
        Assert.That((await Messages.GetAsync(saved.Id))!.ProviderAccount, Is.EqualTo("AC1"));
        var (_, priced) = await Messages.AdvanceStatusAsync(Report("SM1", SmsStatus.Delivered) with { Price = -0.0075m, PriceUnit = "USD" }, T0);
        Assert.That(priced!.Price, Is.EqualTo(-0.0075m));
        Assert.That(priced.PriceUnit, Is.EqualTo("USD"));
    }

    [Test]
    public async Task Sms_PendingStatusReports_AreTakenOnceInOrder()
    {
        await Messages.SavePendingStatusAsync(Report("SM9", SmsStatus.Sent) with { Account = "AC1", ConfigId = 4 }, T0);
        await Messages.SavePendingStatusAsync(Report("SM9", SmsStatus.Delivered) with { ErrorCode = "x", Price = 1.5m, PriceUnit = "EUR" }, T0.AddSeconds(1));
        await Messages.SavePendingStatusAsync(Report("SM8", SmsStatus.Sent), T0.AddDays(-5));

        var taken = await Messages.TakePendingStatusesAsync("twilio", "SM9");
        Assert.That(taken.Select(r => r.Status), Is.EqualTo(new[] { SmsStatus.Sent, SmsStatus.Delivered }));
        Assert.That(taken[0].Account, Is.EqualTo("AC1"));
        Assert.That(taken[0].ConfigId, Is.EqualTo(4));
        Assert.That(taken[1].Price, Is.EqualTo(1.5m));
        Assert.That(await Messages.TakePendingStatusesAsync("twilio", "SM9"), Is.Empty);

        Assert.That(await Messages.DeletePendingStatusesBeforeAsync(T0.AddDays(-1)), Is.EqualTo(1));
        Assert.That(await Messages.TakePendingStatusesAsync("twilio", "SM8"), Is.Empty);
    }

    private static PhoneConfig SampleConfig(string? group, string name, bool active, params ProviderIdentity[] identities) => new()
    {
        Name = name,
        Group = group,
        Provider = "aws",
        IsActive = active,
        Settings = new Dictionary<string, string> { ["region"] = "eu-west-1", ["sender_id"] = "ACME" },
        Identities = identities,
        LookupEnabled = false,
        LookupCacheDays = 7,
        TestMode = true,
        Created = T0,
        Modified = T0,
    };

    private static readonly ProviderIdentity NumberA = new(ProviderIdentityKinds.PhoneNumber, "+14155550100");
    private static readonly ProviderIdentity TopicA = new(ProviderIdentityKinds.Topic, "arn:aws:sns:eu-west-1:123456789012:a");

    [Test]
    public async Task Config_RoundTripActiveRulesAndCredentials()
    {
        var write = await Configs.InsertAsync(SampleConfig("acme", "acme", true, TopicA, NumberA));
        var config = write.Config;
        Assert.That(config.Id, Is.GreaterThan(0));
        Assert.That(write.DeactivatedConfigIds, Is.Empty);
        var reread = (await Configs.GetAsync(config.Id))!;
        Assert.That(reread.Settings, Is.EquivalentTo(new Dictionary<string, string> { ["region"] = "eu-west-1", ["sender_id"] = "ACME" }));
        Assert.That(reread.Identities, Is.EqualTo(new[] { NumberA, TopicA }), "ordered by kind, then value");
        Assert.That(reread.LookupCacheDays, Is.EqualTo(7));
        Assert.That((await Configs.FindActiveAsync("acme"))!.Id, Is.EqualTo(config.Id));
        Assert.That(await Configs.FindActiveAsync(null), Is.Null);
        Assert.That((await Configs.FindByIdentityAsync(NumberA))!.Id, Is.EqualTo(config.Id));
        Assert.That((await Configs.FindByIdentityAsync(TopicA))!.Id, Is.EqualTo(config.Id));

        Assert.That(await Configs.GetCredentialsAsync(config.Id), Is.Null);
        Assert.That(await Configs.SetCredentialsAsync(config.Id, [1, 2, 3]), Is.True);
        Assert.That(await Configs.GetCredentialsAsync(config.Id), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That((await Configs.GetAsync(config.Id))!.HasCredentials, Is.True);
        Assert.That(await Configs.SetCredentialsAsync(999, [1]), Is.False);

        var second = await Configs.InsertAsync(SampleConfig("acme", "acme2", true, NumberA));
        Assert.That(second.DeactivatedConfigIds, Is.EqualTo(new[] { config.Id }));
        Assert.That((await Configs.FindActiveAsync("acme"))!.Id, Is.EqualTo(second.Config.Id));
        Assert.That((await Configs.FindByIdentityAsync(NumberA))!.Id, Is.EqualTo(second.Config.Id), "the deactivated config released the number");
        Assert.That(await Configs.FindByIdentityAsync(TopicA), Is.Null);
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { Group = "acme", ActiveOnly = true })).Single().Id, Is.EqualTo(second.Config.Id));
        Assert.That(await Configs.DeleteAsync(config.Id), Is.True);
        Assert.That(await Configs.GetCredentialsAsync(config.Id), Is.Null);
        Assert.That(await Configs.UpdateAsync(SampleConfig("acme", "gone", true) with { Id = 999 }), Is.Null);
    }

    [Test]
    public async Task Config_IdentityHeldByAnotherGroupsActiveConfig_IsRefusedOnInsertAndUpdate()
    {
        await Configs.InsertAsync(SampleConfig("acme", "acme", true, NumberA));
        var ex = Assert.ThrowsAsync<ProviderIdentityConflictException>(() => Configs.InsertAsync(SampleConfig("globex", "globex", true, NumberA)))!;
        Assert.That(ex.Identity, Is.EqualTo(NumberA));
        Assert.That(await Configs.FindActiveAsync("globex"), Is.Null, "nothing of the refused insert was stored");

        var draft = (await Configs.InsertAsync(SampleConfig("globex", "draft", false, NumberA))).Config;
        Assert.ThrowsAsync<ProviderIdentityConflictException>(() => Configs.UpdateAsync(draft with { IsActive = true }));
        Assert.That((await Configs.GetAsync(draft.Id))!.IsActive, Is.False, "the refused update changed nothing");
    }

    [Test]
    public async Task Config_ConcurrentClaimsOfOneIdentity_ExactlyOneWins()
    {
        var results = await Concurrently.RunAsync(20, async i =>
        {
            try
            {
                await Configs.InsertAsync(SampleConfig($"group-{i}", "c", true, TopicA));
                return true;
            }
            catch (ProviderIdentityConflictException ex)
            {
                Assert.That(ex.Identity, Is.EqualTo(TopicA), "the conflict names the identity");
                return false;
            }
        });
        Assert.That(results.Count(won => won), Is.EqualTo(1));
        Assert.That((await Configs.ListAsync(new PhoneConfigQuery { AllGroups = true })).Count, Is.EqualTo(1), "the losers stored nothing");
        Assert.That(await Configs.FindByIdentityAsync(TopicA), Is.Not.Null);
    }

    [Test]
    public async Task Config_TwoActivationsInOneGroupAtOnce_LeaveExactlyOneActive()
    {
        var a = (await Configs.InsertAsync(SampleConfig("acme", "a", false, NumberA))).Config;
        var b = (await Configs.InsertAsync(SampleConfig("acme", "b", false, NumberA))).Config;
        var results = await Concurrently.RunAsync(2, i => Configs.UpdateAsync((i == 0 ? a : b) with { IsActive = true }));

        var active = await Configs.ListAsync(new PhoneConfigQuery { Group = "acme", ActiveOnly = true });
        Assert.That(active, Has.Count.EqualTo(1));
        Assert.That(results.Sum(r => r!.DeactivatedConfigIds.Count), Is.EqualTo(1), "the later activation deactivated the earlier one");
        Assert.That((await Configs.FindByIdentityAsync(NumberA))!.Id, Is.EqualTo(active[0].Id), "the number follows the active config");
    }

    [Test]
    public async Task Config_ManyActiveInsertsInOneGroupAtOnce_AllSucceedLeavingOneActive()
    {
        var results = await Concurrently.RunAsync(10, i => Configs.InsertAsync(SampleConfig("acme", $"c{i}", true, NumberA)));

        var active = await Configs.ListAsync(new PhoneConfigQuery { Group = "acme", ActiveOnly = true });
        Assert.That(active, Has.Count.EqualTo(1));
        Assert.That(results.Sum(r => r.DeactivatedConfigIds.Count), Is.EqualTo(9), "each insert after the first deactivated exactly its predecessor");
        Assert.That((await Configs.FindByIdentityAsync(NumberA))!.Id, Is.EqualTo(active[0].Id));
    }

    [Test]
    public async Task Sms_InsertIfNewRacingTwentyTimes_ExactlyOneCreated()
    {
        var results = await Concurrently.RunAsync(20, i => Messages.InsertIfNewAsync(SampleMessage("SMRACE") with { Body = $"attempt {i}" }));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        var winner = results.Single(r => r.Created).Message;
        Assert.That(results.Select(r => r.Message.Id), Is.All.EqualTo(winner.Id), "every caller gets the one stored message");
        Assert.That(results.Select(r => r.Message.Body), Is.All.EqualTo(winner.Body));
        Assert.That((await Messages.ListAsync(new SmsQuery { Group = "acme" })).TotalCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Sms_StatusReportsRacingEachOther_NeverMoveAMessageBackwards()
    {
        var reports = new[] { SmsStatus.Queued, SmsStatus.Sending, SmsStatus.Sent, SmsStatus.Delivered };
        for (var round = 0; round < 10; round++)
        {
            var id = $"SMR{round}";
            await Messages.InsertAsync(SampleMessage(id) with { Status = SmsStatus.Accepted });
            var outcomes = await Concurrently.RunAsync(reports.Length, i => Messages.AdvanceStatusAsync(Report(id, reports[i]), T0.AddSeconds(i)));

            var stored = (await Messages.FindByProviderIdAsync("twilio", id))!;
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Delivered), $"round {round}");
            Assert.That(stored.DeliveredAt, Is.EqualTo(T0.AddSeconds(3)));
            Assert.That(outcomes[0].Outcome, Is.EqualTo(StatusUpdateOutcome.Ignored), "queued is behind accepted");
            Assert.That(outcomes[3].Outcome, Is.EqualTo(StatusUpdateOutcome.Updated), "delivered is ahead of every other status");
            for (var i = 0; i < reports.Length; i++)
            {
                if (outcomes[i].Outcome == StatusUpdateOutcome.Updated)
                {
                    Assert.That(outcomes[i].Message!.Status, Is.EqualTo(reports[i]), "an update returns the status it wrote");
                }
            }
        }
    }

    [Test]
    public async Task Sms_PendingStatusesTakenAtOnce_EachReportIsTakenOnce()
    {
        for (var i = 0; i < 5; i++)
        {
            await Messages.SavePendingStatusAsync(Report("SM7", SmsStatus.Sent) with { ErrorCode = $"e{i}" }, T0.AddSeconds(i));
        }

        var takes = await Concurrently.RunAsync(4, _ => Messages.TakePendingStatusesAsync("twilio", "SM7"));

        var taken = takes.SelectMany(t => t).Select(r => r.ErrorCode).ToList();
        Assert.That(taken, Is.EquivalentTo(new[] { "e0", "e1", "e2", "e3", "e4" }));
    }

    private static string?[] Ids(Page<SmsMessage> page) => [.. page.Items.Select(m => m.ProviderMessageId)];
}
