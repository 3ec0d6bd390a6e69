using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PhoneHub.Configuration;
using PhoneHub.Health;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Health;

/// <summary>PhoneHub's health checks on a real SQLite file, with a fake clock.</summary>
public sealed class PhoneHubHealthChecksTests
{
    private static PhoneHubTestHost CreateHost(
        Action<PhoneHubHealthCheckOptions>? health = null,
        Action<SmsDispatchOptions>? dispatch = null,
        Action<IPhoneHubBuilder>? builder = null,
        string? connectionString = null) =>
        PhoneHubTestHost.Create(
            configureBuilder: b =>
            {
                if (connectionString is not null)
                {
                    b.UseSqlite(connectionString);
                }

                builder?.Invoke(b);
            },
            configureServices: services =>
            {
                services.AddHealthChecks().AddPhoneHub(health);
                if (dispatch is not null)
                {
                    services.Configure(dispatch);
                }
            });

    private static Task<HealthReport> CheckAsync(IServiceProvider services) =>
        services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    private static Task<PhoneConfigWriteResult> ActivateTestConfigAsync(PhoneHubTestHost host) =>
        host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "Default", TestMode = true, IsActive = true });

    [Test]
    public async Task CheckHealth_MigratedStoreWithActiveConfig_EveryStoreCheckHealthy()
    {
        using var host = CreateHost(dispatch: o => o.Enabled = false);
        await host.Services.MigratePhoneHubAsync();
        await ActivateTestConfigAsync(host);

        var report = await CheckAsync(host.Services);

        Assert.That(report.Entries.Keys, Is.EquivalentTo(new[]
        {
            PhoneHubHealthChecks.Store, PhoneHubHealthChecks.Configs, PhoneHubHealthChecks.Providers, PhoneHubHealthChecks.Dispatcher, PhoneHubHealthChecks.Queue,
        }));
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
        Assert.That(report.Entries[PhoneHubHealthChecks.Store].Data["schema_version"], Is.EqualTo(SqliteDatabase.CurrentSchemaVersion));
        Assert.That(report.Entries[PhoneHubHealthChecks.Configs].Data["active_configs"], Is.EqualTo(1));
        Assert.That(report.Entries.Values.SelectMany(e => e.Tags), Is.All.EqualTo(PhoneHubHealthChecks.Tag));
    }

    [Test]
    public async Task CheckHealth_DatabaseFileUnreadable_StoreAndReadersUnhealthy()
    {
        using var db = new TempSqliteDatabase();

        // Not a SQLite file: what a disk fault or a wrong path to some other file looks like to the store.
        await File.WriteAllBytesAsync(db.FilePath, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray());
        using var host = CreateHost(connectionString: db.ConnectionString, dispatch: o => o.Enabled = false);

        var report = await CheckAsync(host.Services);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        var store = report.Entries[PhoneHubHealthChecks.Store];
        Assert.That(store.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(store.Description, Does.Contain("could not be read").And.Contain(nameof(SqliteException)));
        Assert.That(store.Exception, Is.InstanceOf<SqliteException>());
        foreach (var name in new[] { PhoneHubHealthChecks.Configs, PhoneHubHealthChecks.Providers, PhoneHubHealthChecks.Queue })
        {
            Assert.That(report.Entries[name].Status, Is.EqualTo(HealthStatus.Unhealthy), name);
        }
    }

    [Test]
    public async Task CheckHealth_StoreNotMigrated_UnhealthyAndLeavesSchemaAlone()
    {
        using var host = CreateHost(dispatch: o => o.Enabled = false);

        var report = await CheckAsync(host.Services);

        var store = report.Entries[PhoneHubHealthChecks.Store];
        Assert.That(store.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(store.Description, Does.Contain("version 0").And.Contain("MigratePhoneHubAsync"));
        Assert.That(report.Entries[PhoneHubHealthChecks.Configs].Description, Does.Contain(PhoneHubHealthChecks.Store));

        // The checks read; they never migrate (the SQLite store would, on first use through the stores).
        var status = await host.Get<IPhoneHubMigrator>().GetSchemaStatusAsync();
        Assert.That(status, Is.EqualTo(new PhoneHubSchemaStatus(0, SqliteDatabase.CurrentSchemaVersion)));
    }

    [Test]
    public async Task CheckHealth_NoActiveConfig_ConfigsUnhealthy()
    {
        using var host = CreateHost(dispatch: o => o.Enabled = false);
        await host.Services.MigratePhoneHubAsync();
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "Inactive", TestMode = true, IsActive = false });

        var report = await CheckAsync(host.Services);

        var configs = report.Entries[PhoneHubHealthChecks.Configs];
        Assert.That(configs.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(configs.Description, Does.Contain("No config is active"));
        Assert.That(report.Entries[PhoneHubHealthChecks.Store].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task CheckHealth_ActiveConfigsProviderNotRegistered_ProvidersUnhealthy()
    {
        using var db = new TempSqliteDatabase();
        long configId;
        using (var writer = CreateHost(connectionString: db.ConnectionString, builder: b => b.AddTwilio(), dispatch: o => o.Enabled = false))
        {
            await writer.Services.MigratePhoneHubAsync();
            configId = (await writer.Hub.Configs.CreateAsync(new PhoneConfig
            {
                Name = "Live",
                Provider = PhoneProviders.Twilio,
                IsActive = true,
                Settings = new Dictionary<string, string> { ["from_number"] = "+14155550100" },
            })).Config.Id;
        }

        // Another host on the same database that forgot .AddTwilio().
        using var host = CreateHost(connectionString: db.ConnectionString, dispatch: o => o.Enabled = false);
        var report = await CheckAsync(host.Services);

        var providers = report.Entries[PhoneHubHealthChecks.Providers];
        Assert.That(providers.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(providers.Description, Does.Contain($"{configId}").And.Contain("twilio").And.Contain(".AddTwilio()"));
        Assert.That(providers.Data["missing_providers"], Is.EqualTo(new[] { "twilio" }));
        Assert.That(report.Entries[PhoneHubHealthChecks.Configs].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task CheckHealth_OldestDueMessageOlderThanThreshold_QueueUnhealthy()
    {
        // No dispatcher on this host: enqueued messages stay due while the clock moves.
        using var host = CreateHost(health: o => o.MaxDueMessageAge = TimeSpan.FromMinutes(5), dispatch: o => o.Enabled = false);
        await host.Services.MigratePhoneHubAsync();
        await ActivateTestConfigAsync(host);
        await host.Hub.Messages.EnqueueAsync(new SendSmsRequest { To = "+14155551234", Body = "first" });
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.Hub.Messages.EnqueueAsync(new SendSmsRequest { To = "+14155551235", Body = "second" });

        host.Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(59));
        var before = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Queue];
        host.Time.Advance(TimeSpan.FromSeconds(2));
        var after = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Queue];

        Assert.That(before.Status, Is.EqualTo(HealthStatus.Healthy), before.Description);
        Assert.That(before.Data["due_messages"], Is.EqualTo(2L));
        Assert.That(before.Data["oldest_due_age_seconds"], Is.EqualTo(299d));
        Assert.That(after.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(after.Description, Does.Contain("0.00:05:01").And.Contain("threshold 0.00:05:00"));
    }

    [Test]
    public async Task CheckHealth_ScheduledMessageNotYetDue_QueueHealthy()
    {
        using var host = CreateHost(health: o => o.MaxDueMessageAge = TimeSpan.FromMinutes(5), dispatch: o => o.Enabled = false);
        await host.Services.MigratePhoneHubAsync();
        await ActivateTestConfigAsync(host);
        await host.Hub.Messages.EnqueueAsync(new SendSmsRequest { To = "+14155551234", Body = "later", SendAt = host.Time.GetUtcNow().AddHours(1) });

        host.Time.Advance(TimeSpan.FromMinutes(30));
        var queue = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Queue];

        Assert.That(queue.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(queue.Data["due_messages"], Is.EqualTo(0L));
        Assert.That(queue.Description, Is.EqualTo("No message is waiting."));
    }

    [Test]
    public async Task CheckHealth_FailureStatusDegraded_FailingChecksReportDegraded()
    {
        using var host = CreateHost(health: o => o.FailureStatus = HealthStatus.Degraded, dispatch: o => o.Enabled = false);
        await host.Services.MigratePhoneHubAsync();

        var report = await CheckAsync(host.Services);

        Assert.That(report.Entries[PhoneHubHealthChecks.Configs].Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded));
    }

    [Test]
    public async Task CheckHealth_NoHostStartedTheDispatcher_DispatcherUnhealthy()
    {
        using var host = CreateHost();

        var dispatcher = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Dispatcher];

        Assert.That(dispatcher.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(dispatcher.Description, Does.Contain("has not started"));
    }

    [Test]
    public async Task CheckHealth_DispatcherTurnedOff_DispatcherHealthy()
    {
        using var host = CreateHost(dispatch: o => o.Enabled = false);

        var dispatcher = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Dispatcher];

        Assert.That(dispatcher.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(dispatcher.Description, Does.Contain("turned off"));
    }

    [Test]
    public async Task CheckHealth_DispatcherSilentPastPollIntervalAndStallTimeout_DispatcherUnhealthy()
    {
        using var host = CreateHost(health: o => o.DispatcherStallTimeout = TimeSpan.FromMinutes(2), dispatch: o => o.PollInterval = TimeSpan.FromSeconds(1));
        var liveness = host.Get<SmsDispatcher>().Liveness;
        liveness.Started();

        host.Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var quiet = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Dispatcher];
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var stalled = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Dispatcher];
        liveness.Beat();
        var recovered = (await CheckAsync(host.Services)).Entries[PhoneHubHealthChecks.Dispatcher];

        Assert.That(quiet.Status, Is.EqualTo(HealthStatus.Healthy), quiet.Description);
        Assert.That(stalled.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(stalled.Description, Does.Contain("no progress for 0.00:02:02"));
        Assert.That(recovered.Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task CheckHealth_GenericHostRunsDispatcher_HealthyWhileRunningUnhealthyAfterStop()
    {
        using var db = new TempSqliteDatabase();
        var sent = new StatusGate(SmsStatus.Sent);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var time = new FakeTimeProvider(PhoneHubTestHost.Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseSqlite(db.ConnectionString);
        builder.Services.AddSingleton<ISmsStatusHandler>(sent);
        builder.Services.AddHealthChecks().AddPhoneHub();
        using var app = builder.Build();
        await app.StartAsync();
        try
        {
            var hub = app.Services.GetRequiredService<IPhoneHub>();
            await hub.Configs.CreateAsync(new PhoneConfig { Name = "Default", TestMode = true, IsActive = true });

            // Sent by the background dispatcher (woken by the enqueue): it runs.
            await hub.Messages.EnqueueAsync(new SendSmsRequest { To = "+14155551234", Body = "queued" });
            await sent.Reached.WaitAsync(TimeSpan.FromMinutes(1));

            var running = await CheckAsync(app.Services);
            Assert.That(running.Status, Is.EqualTo(HealthStatus.Healthy), string.Join("; ", running.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
        }
        finally
        {
            await app.StopAsync();
        }

        var stopped = (await CheckAsync(app.Services)).Entries[PhoneHubHealthChecks.Dispatcher];
        Assert.That(stopped.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(stopped.Description, Does.Contain("stopped"));
    }

    [Test]
    public void AddPhoneHub_CalledTwice_ThrowsSayingOnce()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddPhoneHub();

        Assert.That(() => services.AddHealthChecks().AddPhoneHub(), Throws.InvalidOperationException.With.Message.Contains("once"));
    }

    [Test]
    public void AddPhoneHub_NonPositiveThreshold_ThrowsNamingTheOption()
    {
        var services = new ServiceCollection();

        Assert.That(() => services.AddHealthChecks().AddPhoneHub(o => o.MaxDueMessageAge = TimeSpan.Zero),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(nameof(PhoneHubHealthCheckOptions.MaxDueMessageAge)));
    }

    [Test]
    public async Task CheckHealth_WithoutAddPhoneHubServices_UnhealthySayingWhatToCall()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddPhoneHub();
        await using var provider = services.BuildServiceProvider();

        var report = await CheckAsync(provider);

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries.Values.Select(e => e.Description), Has.All.Contains("services.AddPhoneHub("));
    }

    private sealed class StatusGate(SmsStatus status) : ISmsStatusHandler
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public ValueTask OnStatusChangedAsync(SmsMessage message, SmsStatus previous, CancellationToken cancellationToken)
        {
            if (message.Status == status)
            {
                _reached.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
