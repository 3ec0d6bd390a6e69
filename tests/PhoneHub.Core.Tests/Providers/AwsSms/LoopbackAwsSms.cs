using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PhoneHub.Providers.Aws;
using PhoneHub.Tests.Providers.Aws;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>What the stand-in answers to one request.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body (JSON, or anything a broken front end might send).</param>
/// <param name="Headers">Extra response headers, such as <c>X-Amzn-ErrorType</c>.</param>
/// <param name="Drop">Reset the connection without answering, as a dropped network would.</param>
/// <param name="Hang">Never answer (until the stand-in is disposed), as an overloaded server would.</param>
public sealed record AwsSmsResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, bool Drop = false, bool Hang = false)
{
    public static AwsSmsResponse Json(string body) => new(200, body);

    public static AwsSmsResponse Sent(string messageId) => new(200, $$"""{"MessageId":"{{messageId}}"}""");

    public static AwsSmsResponse AccountAttributes(string tier = "PRODUCTION") => new(200,
        $$"""{"AccountAttributes":[{"Name":"ACCOUNT_TIER","Value":"{{tier}}"},{"Name":"DEFAULT_PROTECT_CONFIGURATION_ID","Value":"protect-0123456789abcdef"}]}""");

    /// <summary>An error as the JSON 1.0 protocol writes it: <c>__type</c> with the service namespace, <c>message</c>, and the shape's members.</summary>
    public static AwsSmsResponse Error(int status, string type, string message = "details", string? reason = null, string? extra = null) => new(status,
        "{" + $"\"__type\":\"com.amazonaws.pinpointsmsvoicev2#{type}\",\"message\":{JsonSerializer.Serialize(message)}"
            + (reason is null ? "" : $",\"Reason\":\"{reason}\"") + (extra is null ? "" : "," + extra) + "}");

    public static AwsSmsResponse Dropped() => new(0, "", Drop: true);

    public static AwsSmsResponse NoAnswer() => new(0, "", Hang: true);
}

/// <summary>
/// An HTTP/1.1 endpoint on 127.0.0.1 standing in for AWS End User Messaging SMS. It records every raw request and checks
/// each one as AWS would: <c>POST /</c>, <c>Content-Type: application/x-amz-json-1.0</c>, an <c>X-Amz-Target</c> of a
/// known action, a body that conforms to the action's published input shape, and a Signature V4 that the project's own
/// signer recomputes from exactly the bytes that arrived (service <c>sms-voice</c>). Whatever fails lands in <see cref="Problems"/>.
/// </summary>
public sealed partial class LoopbackAwsSms : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly SemaphoreSlim _arrivals = new(0);
    private int _count;

    public LoopbackAwsSms(string region)
    {
        Region = region;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url { get; }

    public string Region { get; }

    /// <summary>The credentials every request must be signed with.</summary>
    internal AwsCredentials? Credentials { get; set; }

    public ConcurrentQueue<RawHttpRequest> Requests { get; } = new();

    /// <summary>Everything about the requests that AWS would not accept.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Answers a request (and its 1-based number); by default a successful send with a message id of its own (msg-1, msg-2, ...).</summary>
    public Func<RawHttpRequest, int, AwsSmsResponse> Respond { get; set; } = (_, n) => AwsSmsResponse.Sent($"msg-{n}");

    /// <summary>The action of a recorded request, from its <c>X-Amz-Target</c>.</summary>
    public static string Action(RawHttpRequest request) => (request.Header("X-Amz-Target") ?? "").Split('.', 2) is [_, var action] ? action : "";

    /// <summary>The body of a recorded request as JSON.</summary>
    public static JsonElement Body(RawHttpRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        return doc.RootElement.Clone();
    }

    /// <summary>Completes once <paramref name="count"/> more requests have arrived (a gate, not a sleep).</summary>
    public async Task WaitForRequestsAsync(int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (var i = 0; i < count; i++)
        {
            await _arrivals.WaitAsync(timeout.Token);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            Task.WaitAll([_loop, .. _handlers], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener; its exception is expected.
        }

        _stop.Dispose();
        _arrivals.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // Each connection on its own, so a hanging answer does not hold up a retry.
            _handlers.Add(Task.Run(() => HandleAsync(client)));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            byte[]? raw;
            try
            {
                raw = await ReadRequestAsync(stream, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (raw is null)
            {
                return;
            }

            var request = RawHttpRequest.Parse(raw);
            Requests.Enqueue(request);
            Check(request);
            var response = Respond(request, Interlocked.Increment(ref _count));
            _arrivals.Release();
            if (response.Drop)
            {
                // Reset rather than close gracefully, so the client sees a broken connection, not an empty answer.
                client.LingerState = new LingerOption(true, 0);
                return;
            }

            if (response.Hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Disposed.
                }

                return;
            }

            var body = Encoding.UTF8.GetBytes(response.Body);
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n")
                .Append("Content-Type: application/x-amz-json-1.0\r\n")
                .Append(CultureInfo.InvariantCulture, $"X-Amzn-RequestId: req-{_count}\r\n");
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            }

            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
                await stream.WriteAsync(body);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client gave up first (a timeout test); nothing to answer.
            }
        }
    }

    private void Check(RawHttpRequest request)
    {
        void Problem(string text) => Problems.Enqueue(text);
        if (request.Method != "POST" || request.Target != "/")
        {
            Problem($"request line {request.Method} {request.Target}, expected POST /");
        }

        if (request.Header("Content-Type") != "application/x-amz-json-1.0")
        {
            Problem($"Content-Type '{request.Header("Content-Type")}', expected application/x-amz-json-1.0");
        }

        var target = request.Header("X-Amz-Target") ?? "";
        if (!target.StartsWith("PinpointSMSVoiceV2.", StringComparison.Ordinal))
        {
            Problem($"X-Amz-Target '{target}', expected PinpointSMSVoiceV2.<Action>");
        }

        foreach (var problem in AwsSmsApiShapes.Check(Action(request), request.Body))
        {
            Problem(problem);
        }

        if (Credentials is { } credentials)
        {
            foreach (var problem in SignatureProblems(request, credentials, Region))
            {
                Problem(problem);
            }
        }
    }

    /// <summary>Checks the Authorization header's form and recomputes its signature from what arrived, at the signed X-Amz-Date.</summary>
    internal static IEnumerable<string> SignatureProblems(RawHttpRequest request, AwsCredentials credentials, string region)
    {
        var authorization = request.Header("Authorization");
        var match = authorization is null ? Match.Empty : AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            yield return $"Authorization header missing or malformed: {authorization}";
            yield break;
        }

        if (!DateTimeOffset.TryParseExact(request.Header("X-Amz-Date"), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            yield return $"X-Amz-Date missing or malformed: {request.Header("X-Amz-Date")}";
            yield break;
        }

        var signedHeaders = match.Groups["signed"].Value.Split(';');
        string[] expected = credentials.SessionToken is null
            ? ["content-type", "host", "x-amz-date", "x-amz-target"]
            : ["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"];
        if (!signedHeaders.SequenceEqual(expected))
        {
            yield return $"signed headers {string.Join(';', signedHeaders)}, expected {string.Join(';', expected)}";
        }

        if (match.Groups["key"].Value != credentials.AccessKeyId)
        {
            yield return $"signed with key {match.Groups["key"].Value}, expected {credentials.AccessKeyId}";
        }

        var scope = $"{time.UtcDateTime:yyyyMMdd}/{region}/sms-voice/aws4_request";
        if (match.Groups["scope"].Value != scope)
        {
            yield return $"credential scope {match.Groups["scope"].Value}, expected {scope}";
        }

        if (request.Header("X-Amz-Security-Token") != credentials.SessionToken)
        {
            yield return "X-Amz-Security-Token does not carry the session token";
        }

        var recomputed = AwsSigV4Signer.Sign(request.ToSigningRequest(signedHeaders), credentials, region, "sms-voice", time);
        if (recomputed.Authorization != authorization)
        {
            yield return $"signature does not match the one recomputed from the received request:\n{recomputed.CanonicalRequest}";
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    private static async Task<byte[]?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headEnd = -1;
        while (headEnd < 0)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
            headEnd = IndexOfHeadEnd(buffer);
        }

        var head = Encoding.UTF8.GetString(buffer.GetRange(0, headEnd).ToArray());
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        while (buffer.Count < headEnd + 4 + length)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        }

        return [.. buffer];
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<scope>\d{8}/[^/]+/[^/]+/aws4_request), SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}
