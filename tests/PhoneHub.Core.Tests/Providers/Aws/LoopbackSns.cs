using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>What the loopback SNS answers to one request.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The XML body.</param>
/// <param name="Drop">Close the connection without answering, as a dropped network would.</param>
/// <param name="Hang">Never answer (until the endpoint is disposed), as an overloaded server would.</param>
public sealed record LoopbackResponse(int Status, string Body, bool Drop = false, bool Hang = false)
{
    public static LoopbackResponse Published(string messageId) => new(200,
        $"""<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>{messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishResponse>""");

    public static LoopbackResponse SmsAttributes() => new(200,
        """<GetSMSAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><GetSMSAttributesResult><attributes><entry><key>DefaultSMSType</key><value>Transactional</value></entry></attributes></GetSMSAttributesResult></GetSMSAttributesResponse>""");

    public static LoopbackResponse Error(int status, string code, string message = "details") => new(status,
        $"""<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>""");

    public static LoopbackResponse Dropped() => new(0, "", Drop: true);

    public static LoopbackResponse NoAnswer() => new(0, "", Hang: true);
}

/// <summary>
/// An in-process HTTP/1.1 endpoint on 127.0.0.1 standing in for SNS: it records every raw request (so tests can check form
/// fields and recompute the signature from exactly what arrived) and answers with whatever <see cref="Respond"/> says.
/// </summary>
public sealed class LoopbackSns : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackSns()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<RawHttpRequest> Requests { get; } = new();

    /// <summary>Answers a request; by default a successful Publish.</summary>
    public Func<RawHttpRequest, int, LoopbackResponse> Respond { get; set; } = (_, _) => LoopbackResponse.Published("msg-default");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener; its exception is expected.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var count = 0;
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

            await HandleAsync(client, ++count);
        }
    }

    private async Task HandleAsync(TcpClient client, int number)
    {
        using (client)
        {
            var stream = client.GetStream();
            var raw = await ReadRequestAsync(stream);
            if (raw is null)
            {
                return;
            }

            var request = RawHttpRequest.Parse(raw);
            Requests.Enqueue(request);
            var response = Respond(request, number);
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
            var head = $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\nContent-Type: text/xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(body);
            await stream.FlushAsync();
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

    private static async Task<byte[]?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headEnd = -1;
        while (headEnd < 0)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
            headEnd = IndexOfHeadEnd(buffer);
        }

        var head = Encoding.UTF8.GetString(buffer.GetRange(0, headEnd).ToArray());
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        while (buffer.Count < headEnd + 4 + length)
        {
            var read = await stream.ReadAsync(chunk);
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
}
