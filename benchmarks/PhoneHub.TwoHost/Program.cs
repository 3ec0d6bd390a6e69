using System.Globalization;
using PhoneHub.TwoHost;

// host --port P --name a|b ...  : one PhoneHub web host (started twice by run.sh)
// setup ...                     : migrates the shared database and stores the Twilio config both hosts use
// drive ...                     : the checks, against both hosts and a counting mock of Twilio it serves itself
var options = new Options(args.Skip(1).ToArray());
return args.FirstOrDefault() switch
{
    "host" => await HarnessHost.RunAsync(options),
    "setup" => await Driver.SetupAsync(options),
    "drive" => await Driver.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PhoneHub.TwoHost host|setup|drive --postgres CS --redis HOST:PORT --mock http://127.0.0.1:PORT [--port P --name a] [--hosts URL,URL --kill-pid PID]");
    return 2;
}

namespace PhoneHub.TwoHost
{
    /// <summary>"--name value" pairs from the command line.</summary>
    internal sealed class Options(string[] args)
    {
        public string Get(string name) => TryGet(name) ?? throw new ArgumentException($"{name} is required.");

        public string? TryGet(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        public int Int(string name, int fallback) => TryGet(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>What setup, the hosts and the driver share.</summary>
    internal static class Deployment
    {
        public const string AccountSid = "AC0000000000000000000000000000beef";
        public const string AuthToken = "twohost-auth-token-000000000000000";
        public const string OwnNumber = "+14155550100";
        public const string RedisPrefix = "phonehub-twohost:";

        /// <summary>The per-sender send rate of the config (messages per second), for the sum of all hosts.</summary>
        public const double SendRate = 50;

        // A fixed test key: the credentials stored by setup must be readable by both hosts.
        public static readonly string EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    }
}
