using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneHub;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;
using PhoneHub.Verification;
using SampleConsole;

// PhoneHub sample: a small CLI over the library. Works on a fresh machine with no credentials: data goes to a
// SQLite file and a test-mode system config (no provider is called) is created on first run.
var output = Console.Out;
try
{
    var command = new CommandLine(args);
    if (command.Positional.Count == 0 || command.Flag("--help") || command.Positional[0] is "help")
    {
        PrintUsage(output);
        return command.Positional.Count == 0 && !command.Flag("--help") ? 2 : 0;
    }

    // Pure operations need no host: the static facade works straight away.
    if (command.Positional[0] == "normalize")
    {
        return Normalize(command, output);
    }

    using var host = BuildHost();
    host.Services.UsePhoneHub();
    var hub = host.Services.GetRequiredService<IPhoneHub>();
    await EnsureSampleConfigAsync(hub.Configs);

    return command.Positional[0] switch
    {
        "lookup" => await LookupAsync(command, output),
        "send" => await SendAsync(command, output),
        "send-bulk" => await Bulk.SendAsync(hub, command, output),
        "cancel" => await Bulk.CancelAsync(hub, command, output),
        "dispatch" => await Bulk.DispatchAsync(hub, output),
        "sms" when command.Positional.Count > 1 && command.Positional[1] == "list" => await ListMessagesAsync(hub, command, output),
        "verify" when command.Positional.Count > 1 => command.Positional[1] switch
        {
            "start" => await StartVerificationAsync(host.Services, command, output),
            "check" => await CheckVerificationAsync(host.Services, command, output),
            _ => throw new UsageException($"Unknown verify command '{command.Positional[1]}'."),
        },
        "config" when command.Positional.Count > 1 => command.Positional[1] switch
        {
            "add" => await AddConfigAsync(hub.Configs, command, output),
            "list" => await ListConfigsAsync(hub.Configs, command, output),
            "test" => await TestConfigAsync(hub.Configs, command, output),
            _ => throw new UsageException($"Unknown config command '{command.Positional[1]}'."),
        },
        _ => throw new UsageException($"Unknown command '{string.Join(' ', command.Positional.Take(2))}'."),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}
catch (InvalidPhoneNumberException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
catch (PhoneHubValidationException ex)
{
    Console.Error.WriteLine("error: invalid input:");
    foreach (var (field, messages) in ex.Errors)
    {
        Console.Error.WriteLine($"  {field}: {string.Join(" ", messages)}");
    }

    return 1;
}
catch (PhoneHubException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

static IHost BuildHost()
{
    // Configuration comes from appsettings.json and PHONEHUB-style environment variables (PhoneHub__...);
    // the CLI's own arguments are not configuration.
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    // Retry attempts are reported by PhoneHub itself (e.g. "failed: unreachable"); the pipeline's own lines are noise in a CLI.
    builder.Logging.AddFilter("Polly", LogLevel.None);

    var database = Environment.GetEnvironmentVariable("PHONEHUB_SAMPLE_DB") ?? "phonehub-sample.db";
    builder.Services
        .AddPhoneHub(builder.Configuration.GetSection(PhoneHubOptions.SectionName))
        .UseSqlite($"Data Source={database}")
        .AddTwilio()
        .AddAws()
        .AddAwsSms();
    builder.Services.PostConfigure<PhoneHubOptions>(options =>
    {
        if (string.IsNullOrWhiteSpace(options.EncryptionKey) && Environment.GetEnvironmentVariable("PHONEHUB_ENCRYPTION_KEY") is null)
        {
            options.EncryptionKey = SampleKey(database, ".key");
        }
    });
    builder.Services.PostConfigure<VerificationOptions>(options => options.CodeKey ??= SampleKey(database, ".verify.key"));
    return builder.Build();
}

// The sample keeps a generated key beside its database so `config add` with credentials works out of the box.
// A real host supplies its key from a secret store (PhoneHub:EncryptionKey or PHONEHUB_ENCRYPTION_KEY).
static string SampleKey(string database, string suffix)
{
    var path = database + suffix;
    if (!File.Exists(path))
    {
        File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    return File.ReadAllText(path).Trim();
}

static async Task EnsureSampleConfigAsync(IPhoneConfigService configs)
{
    if (await configs.TryResolveAsync(null) is null && (await configs.ListAsync(new PhoneConfigQuery { AllGroups = true })).Count == 0)
    {
        await configs.CreateAsync(new PhoneConfig { Name = "Sample (test mode)", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true });
    }
}

static int Normalize(CommandLine command, TextWriter output)
{
    var input = command.Arg(1, "phone number");
    var region = command.Option("--region") ?? "US";
    if (!command.Flag("--details"))
    {
        output.WriteLine(Phone.Normalize(input, region));
        return 0;
    }

    var parsed = Phone.Parse(input, region);
    Table.PrintPairs(output,
    [
        ("E.164", parsed.E164),
        ("Region", parsed.RegionCode),
        ("Country code", parsed.CountryCallingCode.ToString(CultureInfo.InvariantCulture)),
        ("National", parsed.NationalFormat),
        ("International", parsed.InternationalFormat),
        ("Kind", parsed.Kind.ToString()),
        ("Extension", parsed.Extension),
    ]);
    return 0;
}

static async Task<int> LookupAsync(CommandLine command, TextWriter output)
{
    var number = await Phone.LookupAsync(command.Arg(1, "phone number"), command.Flag("--force"), command.Option("--group"));
    Table.PrintPairs(output,
    [
        ("Number", number.E164),
        ("Valid", number.IsValid ? "yes" : "no"),
        ("Region", number.Region),
        ("Country code", number.CountryCode),
        ("Line type", number.LineType),
        ("Mobile", YesNo(number.IsMobile)),
        ("VoIP", YesNo(number.IsVoip)),
        ("Carrier", number.Carrier),
        ("Caller name", number.CallerName),
        ("Caller type", number.CallerType?.ToString()),
        ("Provider", number.LookupProvider),
        ("Lookups made", number.LookupCount.ToString(CultureInfo.InvariantCulture)),
        ("Fresh until", number.LookupExpiresAt?.ToString("u", CultureInfo.InvariantCulture)),
    ]);
    return 0;
}

static async Task<int> SendAsync(CommandLine command, TextWriter output)
{
    var request = new SendSmsRequest
    {
        To = command.Arg(1, "recipient"),
        Body = command.Arg(2, "message text"),
        From = command.Option("--from"),
        MediaUrls = command.Options("--media"),
        SendAt = command.Option("--at") is { } at ? Bulk.ParseTime(at, "--at") : null,
        IdempotencyKey = command.Option("--key"),
    };
    var group = command.Option("--group");
    var user = command.Option("--user") ?? Environment.UserName;

    // A scheduled message is only stored now; `dispatch` (or any host running the dispatcher) sends it when due.
    var message = request.SendAt is null
        ? await Phone.SendSmsAsync(request, group, user)
        : await Phone.Hub.Messages.EnqueueAsync(request, group, user);
    output.WriteLine($"Message {message.Id}: {message.Status.ToWireName()}");
    Table.PrintPairs(output,
    [
        ("To", message.To),
        ("From", message.From),
        ("Provider", message.Provider + (message.IsTest ? " (test mode)" : "")),
        ("Provider id", message.ProviderMessageId),
        ("Segments", message.Segments.ToString(CultureInfo.InvariantCulture)),
        ("Error", message.ErrorCode is null ? null : $"{message.ErrorCode}: {message.ErrorMessage}"),
    ]);
    return message.Status == SmsStatus.Failed ? 1 : 0;
}

static async Task<int> StartVerificationAsync(IServiceProvider services, CommandLine command, TextWriter output)
{
    var verify = services.GetRequiredService<IVerificationService>();
    var length = command.Option("--code-length") is { } raw
        ? int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new UsageException("--code-length must be a number.")
        : (int?)null;
    try
    {
        var started = await verify.StartAsync(command.Arg(2, "phone number"), command.Option("--group"), new VerificationStartOptions
        {
            CodeLength = length,
            AppName = command.Option("--app-name"),
            User = command.Option("--user") ?? Environment.UserName,
        });

        // The CLI runs no background dispatcher: send the queued code now.
        await services.GetRequiredService<ISmsService>().DispatchDueAsync();
        var message = await services.GetRequiredService<ISmsService>().GetAsync(started.Verification.MessageId!.Value);
        output.WriteLine($"Verification {started.Verification.Id}: {(started.Resent ? "code resent" : "code sent")}");
        Table.PrintPairs(output,
        [
            ("Number", started.Verification.PhoneNumber),
            ("Expires", started.Verification.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)),
            ("Codes sent", started.Verification.Sends.ToString(CultureInfo.InvariantCulture)),
            ("Message", message is null ? null : $"{message.Id} {message.Status.ToWireName()}" + (message.IsTest ? " (test mode: nothing delivered)" : "")),
        ]);
        return message?.Status == SmsStatus.Failed ? 1 : 0;
    }
    catch (VerificationLimitException ex)
    {
        Console.Error.WriteLine($"error: {ex.Reason}: {ex.Message}" + (ex.RetryAfter is { } wait ? $" Retry in {Math.Ceiling(wait.TotalSeconds)} s." : ""));
        return 1;
    }
}

static async Task<int> CheckVerificationAsync(IServiceProvider services, CommandLine command, TextWriter output)
{
    var target = command.Arg(2, "phone number or verification id");
    var code = command.Arg(3, "code");
    var request = long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !target.StartsWith('+')
        ? new VerificationCheckRequest { VerificationId = id, Code = code }
        : new VerificationCheckRequest { PhoneNumber = target, Code = code };
    var result = await services.GetRequiredService<IVerificationService>().CheckAsync(request, command.Option("--group"));
    output.WriteLine($"{result.Outcome}: {result.Reason}" + (result.Outcome == VerificationOutcome.Pending ? $" ({result.RemainingChecks} checks left)" : ""));
    return result.Outcome == VerificationOutcome.Approved ? 0 : 1;
}

static async Task<int> ListMessagesAsync(IPhoneHub hub, CommandLine command, TextWriter output)
{
    var page = await hub.Messages.ListAsync(new SmsQuery
    {
        Group = command.Option("--group"),
        AllGroups = command.Flag("--all"),
        Status = command.Option("--status") is { } s ? SmsStatuses.TryParse(s, out var status) ? status : throw new UsageException($"Unknown status '{s}'.") : null,
        Limit = command.IntOption("--limit") ?? 20,
    });
    Table.Print(output, ["ID", "CREATED (UTC)", "DIR", "TO", "FROM", "STATUS", "PROVIDER", "GROUP", "BODY"], page.Items.Select(m => (IReadOnlyList<string?>)
    [
        m.Id.ToString(CultureInfo.InvariantCulture),
        m.Created.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        m.Direction == SmsDirection.Inbound ? "in" : "out",
        m.To,
        m.From,
        m.Status.ToWireName() + (m.ErrorCode is null ? "" : $" ({m.ErrorCode})"),
        m.Provider + (m.IsTest ? "*" : ""),
        m.Group ?? "-",
        m.Body,
    ]));
    output.WriteLine($"{page.Items.Count} of {page.TotalCount} message(s){(page.Items.Any(m => m.IsTest) ? "; * = test mode" : "")}.");
    return 0;
}

static async Task<int> AddConfigAsync(IPhoneConfigService configs, CommandLine command, TextWriter output)
{
    // Provider settings: --setting name=value (repeatable), plus shortcuts for the built-in providers' usual ones.
    var settings = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (var pair in command.Options("--setting"))
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new UsageException($"--setting takes name=value; got '{pair}'.");
        }

        settings[pair[..equals]] = pair[(equals + 1)..];
    }

    var provider = command.Option("--provider") ?? PhoneProviders.Twilio;
    var awsSms = string.Equals(provider, PhoneProviders.AwsSms, StringComparison.OrdinalIgnoreCase);
    foreach (var (option, setting) in new[]
    {
        ("--twilio-from", "from_number"), ("--messaging-service-sid", "messaging_service_sid"), ("--aws-region", "region"),
        // SNS keeps a sender ID as sender_id; End User Messaging takes it (or a pool ID or ARN) as origination_identity.
        ("--aws-sender-id", awsSms ? AwsSmsDefinition.OriginationIdentity : "sender_id"),
        ("--aws-origination-number", "origination_number"), ("--topic-arns", "topic_arns"),
        ("--aws-origination-identity", AwsSmsDefinition.OriginationIdentity), ("--configuration-set", AwsSmsDefinition.ConfigurationSet),
        ("--protect-configuration-id", AwsSmsDefinition.ProtectConfigurationId), ("--message-type", AwsSmsDefinition.MessageType),
        ("--max-price", AwsSmsDefinition.MaxPrice),
    })
    {
        if (command.Option(option) is { } value)
        {
            settings[setting] = value;
        }
    }

    if (command.Flag("--dry-run"))
    {
        settings[AwsSmsDefinition.DryRun] = "true";
    }

    // Credentials are checked against the provider's names before anything is stored; the account SID, not a secret,
    // becomes a setting. The config is created inactive and activated only once its credentials are in.
    var credentials = new ProviderCredentials(
    [
        new(ProviderCredentials.TwilioAccountSid, command.Option("--account-sid")),
        new(ProviderCredentials.TwilioAuthToken, command.Option("--auth-token")),
        new(ProviderCredentials.TwilioApiKeySid, command.Option("--api-key-sid")),
        new(ProviderCredentials.TwilioApiKeySecret, command.Option("--api-key-secret")),
        new(ProviderCredentials.AwsAccessKeyId, command.Option("--access-key-id")),
        new(ProviderCredentials.AwsSecretAccessKey, command.Option("--secret-access-key")),
        new(ProviderCredentials.AwsSessionToken, command.Option("--session-token")),
    ]);
    var created = await configs.CreateAsync(new PhoneConfig
    {
        Name = command.Option("--name") ?? throw new UsageException("config add needs --name."),
        Group = command.Option("--group"),
        Provider = provider,
        TestMode = command.Flag("--test-mode"),
        Settings = settings,
        LookupEnabled = !command.Flag("--no-lookup"),
        LookupCacheDays = command.IntOption("--cache-days") ?? 30,
    });
    var config = created.Config;
    if (!credentials.IsEmpty)
    {
        await configs.SetCredentialsAsync(config.Id, credentials);
    }

    var deactivated = "";
    if (!command.Flag("--inactive"))
    {
        var activated = await configs.ActivateAsync(config.Id);
        deactivated = activated is { DeactivatedConfigIds.Count: > 0 } ? $"; deactivated config {string.Join(", ", activated.DeactivatedConfigIds)}" : "";
    }

    output.WriteLine($"Config {config.Id} '{config.Name}' added ({config.Provider}{(config.TestMode ? ", test mode" : "")}{(credentials.IsEmpty ? "" : ", credentials stored encrypted")}{deactivated}).");
    return 0;
}

static async Task<int> ListConfigsAsync(IPhoneConfigService configs, CommandLine command, TextWriter output)
{
    var list = await configs.ListAsync(new PhoneConfigQuery { AllGroups = true, Group = command.Option("--group"), });
    Table.Print(output, ["ID", "NAME", "GROUP", "PROVIDER", "ACTIVE", "TEST", "FROM", "LOOKUP", "CREDENTIALS"], list.Select(c => (IReadOnlyList<string?>)
    [
        c.Id.ToString(CultureInfo.InvariantCulture),
        c.Name,
        c.Group ?? "(system default)",
        c.Provider,
        c.IsActive ? "yes" : "no",
        c.TestMode ? "yes" : "no",
        configs.Providers.FirstOrDefault(p => p.Name == c.Provider)?.DefaultSender(c.Settings),
        c.LookupEnabled ? $"{c.LookupCacheDays}d" : "off",
        c.HasCredentials ? "stored" : "-",
    ]));
    return 0;
}

static async Task<int> TestConfigAsync(IPhoneConfigService configs, CommandLine command, TextWriter output)
{
    var id = long.TryParse(command.Arg(2, "config id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException("The config id must be a number.");
    var result = await configs.TestConnectionAsync(id) ?? throw new UsageException($"Config {id} does not exist.");
    output.WriteLine(result.Success ? "ok" : $"failed: {result.ErrorCode}");
    Table.PrintPairs(output, [("Message", result.Message), ("Account status", result.AccountStatus), ("Account name", result.AccountName)]);
    return result.Success ? 0 : 1;
}

static string? YesNo(bool? value) => value switch { true => "yes", false => "no", null => "unknown" };

static void PrintUsage(TextWriter output) => output.WriteLine("""
    PhoneHub sample

    Usage: dotnet run --project samples/PhoneHub.Samples.Console -- <command> [options]

      normalize <number> [--region US] [--details]   Print the number in E.164 (exit 1 when invalid)
      lookup <number> [--force] [--group G]          Look a number up through the shared cache
      send <to> <text> [--from X] [--media URL]... [--at TIME] [--key K] [--group G] [--user U]
                                                     Send an SMS (test mode by default: nothing leaves the machine);
                                                     --at schedules it (RFC 3339, e.g. 2026-03-01T09:30:00-08:00),
                                                     --key makes a retry of the same command send nothing twice
      send-bulk <file.csv> [--group G] [--user U]    Queue every line of a CSV (columns to, body, optional send_at, from)
                                                     as one batch and send the due ones with a progress bar; exit 1
                                                     when a line was refused
      cancel <id>                                    Cancel a scheduled or queued message
      dispatch                                       Send every message that is due now (scheduled ones whose time came)
      sms list [--group G | --all] [--status S] [--limit N]
                                                     List stored messages, newest first
      config add --name N [--provider twilio|aws|aws-sms] [--group G] [--test-mode] [--inactive] [--no-lookup]
                 [--setting name=value]... [--twilio-from +1...] [--messaging-service-sid MG...]
                 [--account-sid AC... --auth-token T] [--api-key-sid SK... --api-key-secret S] [--aws-region R]
                 [--aws-sender-id ID] [--aws-origination-number +1...] [--topic-arns ARN,...]
                 aws-sms: [--aws-origination-identity POOL|ID|ARN] [--configuration-set CS] [--protect-configuration-id P]
                          [--message-type transactional|promotional] [--max-price USD] [--dry-run]
                 [--access-key-id K --secret-access-key S [--session-token T]]
      verify start <number> [--code-length N] [--app-name A] [--group G]
                                                     Send a one-time code (a test-mode config delivers nothing)
      verify check <number|verification id> <code> [--group G]
                                                     Check a code: Approved exits 0
      config list                                    List configs (credentials are never shown)
      config test <id>                               Check a config's connection to its provider

    Data: ./phonehub-sample.db (override with PHONEHUB_SAMPLE_DB). Settings: appsettings.json or PhoneHub__* environment variables.
    """);
