using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Tests.Infrastructure;
using PhoneHub.Verification;

namespace PhoneHub.Tests.Verification;

/// <summary>One-time-code verification on a real SQLite file, a fake clock and a provider double that shows what was sent.</summary>
public sealed class VerificationServiceTests
{
    private const string Number = "+14155552671";

    private PhoneHubTestHost _host = null!;
    private FakeProvider _provider = null!;
    private ListLoggerProvider _logs = null!;

    [SetUp]
    public async Task SetUp()
    {
        _provider = new FakeProvider();
        _logs = new ListLoggerProvider();
        _host = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s =>
        {
            s.AddSingleton(_provider);
            s.AddMetrics();
            s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
            s.Configure<VerificationOptions>(o =>
            {
                o.CodeKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                o.AppName = "Contoso";
            });
        });
        await ConfigAsync(null);
    }

    [TearDown]
    public void TearDown()
    {
        _host.Dispose();
        _logs.Dispose();
    }

    private IVerificationService Verify => _host.Get<IVerificationService>();

    private ISmsService Sms => _host.Get<ISmsService>();

    private async Task ConfigAsync(string? group) => await _host.Hub.Configs.CreateAsync(new PhoneConfig
    {
        Name = "otp " + group,
        Group = group,
        Provider = "fake",
        IsActive = true,
        Settings = new Dictionary<string, string> { ["from_number"] = group is null ? "+14155550100" : "+14155550199" },
    });

    /// <summary>Sends what is queued and returns the code the provider was handed last: what the user reads on the phone.</summary>
    private async Task<string> DeliveredCodeAsync()
    {
        await Sms.DispatchDueAsync();
        var body = _provider.Sent.Last().Request.Body;
        return Regex.Match(body, @"\d{4,10}").Value;
    }

    [Test]
    public async Task StartAsync_ThenRightCode_ApprovedAndMessageSentThroughThePipeline()
    {
        var started = await Verify.StartAsync("(415) 555-2671");
        var code = await DeliveredCodeAsync();

        var result = await Verify.CheckAsync(Number, code);

        var message = (await Sms.GetAsync(started.Verification.MessageId!.Value))!;
        Assert.Multiple(() =>
        {
            Assert.That(started.Resent, Is.False);
            Assert.That(started.Verification.PhoneNumber, Is.EqualTo(Number));
            Assert.That(started.Verification.ExpiresAt, Is.EqualTo(PhoneHubTestHost.Start + TimeSpan.FromMinutes(10)));
            Assert.That(code, Has.Length.EqualTo(6));
            Assert.That(_provider.Sent.Last().Request.Body, Is.EqualTo($"Your Contoso verification code is {code}."));
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(message.Body, Does.Not.Contain(code), "the stored body holds the code sealed");
            Assert.That(message.Metadata![VerificationService.MetadataKey], Is.EqualTo(started.Verification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(result.Outcome, Is.EqualTo(VerificationOutcome.Approved));
            Assert.That(result.Reason, Is.EqualTo(VerificationReasons.Approved));
            Assert.That(result.Verification!.Status, Is.EqualTo(VerificationStatus.Approved));
        });
        Assert.That((await Verify.CheckAsync(Number, code)).Outcome, Is.EqualTo(VerificationOutcome.NotFound), "approved once only");
    }

    [Test]
    public async Task CheckAsync_WrongCodeThenRightCode_PendingThenApproved()
    {
        var started = await Verify.StartAsync(Number);
        var code = await DeliveredCodeAsync();
        var wrong = code == "000000" ? "111111" : "000000";

        var first = await Verify.CheckAsync(new VerificationCheckRequest { VerificationId = started.Verification.Id, Code = wrong });
        var second = await Verify.CheckAsync(new VerificationCheckRequest { VerificationId = started.Verification.Id, Code = code });

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(VerificationOutcome.Pending));
            Assert.That(first.Reason, Is.EqualTo(VerificationReasons.IncorrectCode));
            Assert.That(first.RemainingChecks, Is.EqualTo(4));
            Assert.That(second.Outcome, Is.EqualTo(VerificationOutcome.Approved));
        });
    }

    [Test]
    public async Task CheckAsync_AtTheExactExpiry_ExpiredAndOneMillisecondBefore_Approved()
    {
        await Verify.StartAsync(Number);
        var early = await DeliveredCodeAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        var justBefore = await Verify.CheckAsync(Number, early);

        var other = "+14155552672";
        var started = await Verify.StartAsync(other);
        var code = await DeliveredCodeAsync();
        _host.Time.Advance(started.Verification.ExpiresAt - _host.Time.GetUtcNow());
        var atExpiry = await Verify.CheckAsync(other, code);

        Assert.Multiple(() =>
        {
            Assert.That(justBefore.Outcome, Is.EqualTo(VerificationOutcome.Approved));
            Assert.That(_host.Time.GetUtcNow(), Is.EqualTo(started.Verification.ExpiresAt));
            Assert.That(atExpiry.Outcome, Is.EqualTo(VerificationOutcome.Expired));
            Assert.That(atExpiry.Reason, Is.EqualTo(VerificationReasons.Expired));
        });
    }

    [Test]
    public async Task CheckAsync_SixthCheckWithTheRightCode_TooManyAttempts()
    {
        await Verify.StartAsync(Number);
        var code = await DeliveredCodeAsync();
        var wrong = code == "000000" ? "111111" : "000000";

        var answers = new List<VerificationCheckResult>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await Verify.CheckAsync(Number, wrong));
        }

        var sixth = await Verify.CheckAsync(Number, code);

        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.Outcome), Is.All.EqualTo(VerificationOutcome.Pending));
            Assert.That(answers.Select(a => a.RemainingChecks), Is.EqualTo(new[] { 4, 3, 2, 1, 0 }));
            Assert.That(sixth.Outcome, Is.EqualTo(VerificationOutcome.TooManyAttempts));
            Assert.That(sixth.Reason, Is.EqualTo(VerificationReasons.MaxAttemptsReached));
            Assert.That(sixth.Verification!.Status, Is.EqualTo(VerificationStatus.MaxAttemptsReached));
        });
    }

    [Test]
    public async Task StartAsync_SixthStartWithinTenMinutes_RefusedWithRetryAfter()
    {
        var starts = new List<VerificationStartResult>();
        for (var i = 0; i < 5; i++)
        {
            starts.Add(await Verify.StartAsync(Number));
            _host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var refused = Assert.ThrowsAsync<VerificationLimitException>(() => Verify.StartAsync(Number));

        Assert.Multiple(() =>
        {
            Assert.That(starts.Select(s => s.Verification.Id).Distinct().Count(), Is.EqualTo(1), "resends reuse the live verification");
            Assert.That(starts.Select(s => s.Resent), Is.EqualTo(new[] { false, true, true, true, true }));
            Assert.That(starts[^1].Verification.Sends, Is.EqualTo(5));
            Assert.That(starts[^1].Verification.ExpiresAt, Is.EqualTo(starts[0].Verification.ExpiresAt), "a resend does not extend the lifetime");
            Assert.That(refused!.Reason, Is.EqualTo(VerificationReasons.TooManyStarts));
            Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(5)), "the first send leaves the window 10 minutes after it was made");
        });

        _host.Time.Advance(refused.RetryAfter!.Value);
        Assert.That((await Verify.StartAsync(Number)).Resent, Is.False, "after the wait a start succeeds; the first verification had expired");
    }

    [Test]
    public async Task StartAsync_ResendReplacesTheCode_OldCodeNoLongerAccepted()
    {
        await Verify.StartAsync(Number, options: new VerificationStartOptions { CodeLength = 10 });
        var first = await DeliveredCodeAsync();
        await Verify.StartAsync(Number, options: new VerificationStartOptions { CodeLength = 10 });
        var second = await DeliveredCodeAsync();

        Assert.That((await Verify.CheckAsync(Number, first)).Outcome, Is.EqualTo(VerificationOutcome.Pending));
        Assert.That((await Verify.CheckAsync(Number, second)).Outcome, Is.EqualTo(VerificationOutcome.Approved));
    }

    [Test]
    public async Task CheckAsync_TwentyConcurrentChecksWithTheRightCode_ExactlyOneApproval()
    {
        var started = await Verify.StartAsync(Number);
        var code = await DeliveredCodeAsync();
        using var gate = new ManualResetEventSlim();

        var checks = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            return await Verify.CheckAsync(new VerificationCheckRequest { VerificationId = started.Verification.Id, Code = code });
        })).ToList();
        gate.Set();
        var results = await Task.WhenAll(checks);

        Assert.Multiple(async () =>
        {
            Assert.That(results.Count(r => r.Outcome == VerificationOutcome.Approved), Is.EqualTo(1));
            Assert.That(results.Where(r => r.Outcome != VerificationOutcome.Approved).Select(r => r.Outcome),
                Is.All.AnyOf(VerificationOutcome.NotFound, VerificationOutcome.TooManyAttempts));
            var stored = (await Verify.GetAsync(started.Verification.Id))!;
            Assert.That(stored.Status, Is.EqualTo(VerificationStatus.Approved));
            Assert.That(stored.Checks, Is.LessThanOrEqualTo(5), "no more comparisons than checks allowed");
        });
    }

    [Test]
    public async Task StartAsync_TheDatabaseFileNeverContainsTheCode()
    {
        // Ten digits, so the code cannot turn up in the file by chance (in a timestamp, a number or a provider id).
        var started = await Verify.StartAsync(Number, options: new VerificationStartOptions { CodeLength = 10 });
        var code = await DeliveredCodeAsync();
        await Verify.CheckAsync(Number, code == "0000000000" ? "1111111111" : "0000000000");
        var bytesWhilePending = _host.Db.ReadAllBytes();
        await Verify.CheckAsync(Number, code);
        var bytesAfter = _host.Db.ReadAllBytes();

        var needle = Encoding.UTF8.GetBytes(code);
        Assert.Multiple(() =>
        {
            Assert.That(_provider.Sent.Last().Request.Body, Does.Contain(code), "the provider got the code");
            Assert.That(bytesWhilePending.AsSpan().IndexOf(needle), Is.EqualTo(-1));
            Assert.That(bytesAfter.AsSpan().IndexOf(needle), Is.EqualTo(-1));
            Assert.That(bytesAfter.AsSpan().IndexOf(Encoding.Unicode.GetBytes(code)), Is.EqualTo(-1));
            Assert.That(bytesAfter.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Number)), Is.Not.EqualTo(-1), "the search reads the rows");
        });
        Assert.That(started.Verification.Id, Is.GreaterThan(0));
    }

    [Test]
    public async Task StartAndCheck_CapturedAtTrace_NoLogLineContainsTheCode()
    {
        await Verify.StartAsync(Number, options: new VerificationStartOptions { CodeLength = 10 });
        var code = await DeliveredCodeAsync();
        await Verify.CheckAsync(Number, "0000000001");
        await Verify.CheckAsync(Number, code);

        Assert.That(_logs.Messages, Is.Not.Empty);
        Assert.That(_logs.Messages, Has.Some.Contains("Verification"), "verification logs were captured");
        Assert.That(_logs.Messages, Has.None.Contains(code));
    }

    [Test]
    public async Task SealedBody_CopiedIntoAMessageToAnotherNumber_FailsUnsent()
    {
        var started = await Verify.StartAsync(Number);
        await DeliveredCodeAsync();
        var stored = (await Sms.GetAsync(started.Verification.MessageId!.Value))!;
        var sendsBefore = _provider.SendCalls;

        var copy = await Sms.SendAsync(new SendSmsRequest { To = "+14155552699", Body = stored.Body });

        Assert.Multiple(() =>
        {
            Assert.That(copy.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(copy.ErrorCode, Is.EqualTo(SmsDispatcher.SealedBodyUnreadable));
            Assert.That(_provider.SendCalls, Is.EqualTo(sendsBefore), "the provider was never called");
        });
    }

    [Test]
    public async Task CheckAsync_AnotherGroupsVerification_NotFound()
    {
        await ConfigAsync("acme");
        var started = await Verify.StartAsync(Number, "acme");
        var code = await DeliveredCodeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((await Verify.CheckAsync(new VerificationCheckRequest { VerificationId = started.Verification.Id, Code = code })).Outcome, Is.EqualTo(VerificationOutcome.NotFound));
            Assert.That((await Verify.CheckAsync(Number, code, "other")).Outcome, Is.EqualTo(VerificationOutcome.NotFound));
            Assert.That(await Verify.CancelAsync(started.Verification.Id, "other"), Is.Null);
        });
        Assert.That((await Verify.CheckAsync(Number, code, "acme")).Outcome, Is.EqualTo(VerificationOutcome.Approved));
    }

    [Test]
    public async Task CancelAsync_Pending_CodeNoLongerAccepted()
    {
        var started = await Verify.StartAsync(Number);
        var code = await DeliveredCodeAsync();

        var canceled = await Verify.CancelAsync(started.Verification.Id);

        Assert.That(canceled!.Status, Is.EqualTo(VerificationStatus.Canceled));
        Assert.That((await Verify.CheckAsync(Number, code)).Outcome, Is.EqualTo(VerificationOutcome.NotFound));
    }

    [Test]
    public async Task Conversion_ByCountryAndPrefix_MatchesStartedAndApprovedAndTheMetrics()
    {
        var factory = _host.Get<IMeterFactory>();
        using var startedMetric = new MetricCollector<long>(factory, PhoneHubTelemetry.MeterName, PhoneHubTelemetry.VerificationsStarted);
        using var approvedMetric = new MetricCollector<long>(factory, PhoneHubTelemetry.MeterName, PhoneHubTelemetry.VerificationsApproved);

        await Verify.StartAsync("+14155552671");
        var code = await DeliveredCodeAsync();
        await Verify.CheckAsync("+14155552671", code);
        await Verify.StartAsync("+14155552672");
        await Verify.StartAsync("+442071838750");

        var byCountry = await Verify.GetConversionAsync(new VerificationConversionQuery());
        var byPrefix = await Verify.GetConversionAsync(new VerificationConversionQuery { ByPrefix = true });

        Assert.Multiple(() =>
        {
            Assert.That(byCountry, Is.EqualTo(new[] { new VerificationConversion("US", 2, 1), new VerificationConversion("GB", 1, 0) }));
            Assert.That(byCountry[0].Rate, Is.EqualTo(0.5));
            Assert.That(byPrefix, Is.EqualTo(new[] { new VerificationConversion("+141555", 2, 1), new VerificationConversion("+442071", 1, 0) }));
            Assert.That(startedMetric.GetMeasurementSnapshot().Select(m => (string?)m.Tags["phonehub.country"]), Is.EqualTo(new[] { "US", "US", "GB" }));
            Assert.That(approvedMetric.GetMeasurementSnapshot().Single().Tags["phonehub.prefix"], Is.EqualTo("+141555"));
        });
    }

    [Test]
    public void StartAsync_OptionsOutOfRange_ValidationErrorsNameTheFields()
    {
        var error = Assert.ThrowsAsync<PhoneHubValidationException>(() => Verify.StartAsync(Number, options: new VerificationStartOptions
        {
            CodeLength = 3,
            Lifetime = TimeSpan.FromSeconds(59),
            MessageTemplate = "no placeholder",
        }));

        Assert.That(error!.Errors.Keys, Is.EquivalentTo(new[] { "code_length", "lifetime", "message_template" }));
    }

    [TestCase("not base64")]
    [TestCase("c2hvcnQ=")]
    public void Options_InvalidCodeKey_RefusedAtStart(string key)
    {
        using var host = PhoneHubTestHost.Create(configureServices: s => s.Configure<VerificationOptions>(o => o.CodeKey = key));

        var error = Assert.Throws<OptionsValidationException>(() => _ = host.Get<IOptions<VerificationOptions>>().Value);

        Assert.That(error!.Message, Does.Contain("PhoneHub:Verification:CodeKey"));
    }

    [Test]
    public async Task StartAsync_WithoutCodeKey_Unavailable()
    {
        using var host = PhoneHubTestHost.Create();
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "t", TestMode = true, IsActive = true });

        Assert.ThrowsAsync<VerificationUnavailableException>(() => host.Get<IVerificationService>().StartAsync(Number));
    }
}
