using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PhoneHub.Tests.Providers;

/// <summary>What <see cref="CountingLoopbackServer"/> does with one request it has read in full.</summary>
public sealed record LoopbackReply
{
    private LoopbackReply(LoopbackReplyKind kind, int status = 0, string body = "", string contentType = "")
    {
        Kind = kind;
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public LoopbackReplyKind Kind { get; }

    public int Status { get; }

    public string Body { get; }

    public string ContentType { get; }

    /// <summary>Close the connection without a byte of answer (an orderly close: the client reads end of stream).</summary>
    public static LoopbackReply Close() => new(LoopbackReplyKind.Close);

    /// <summary>Reset the connection without answering (the client's read fails with a connection reset).</summary>
    public static LoopbackReply Reset() => new(LoopbackReplyKind.Reset);

    /// <summary>Answer with a status and body and keep the connection open for the next request.</summary>
    public static LoopbackReply Answer(int status, string body = "", string contentType = "application/json") =>
        new(LoopbackReplyKind.Answer, status, body, contentType);
}

/// <summary>The ways a server can fail every attempt, as the retry-budget tests name them.</summary>
public enum ServerFault
{
    /// <summary>Accepts, then closes without reading or answering.</summary>
    CloseOnAccept,

    /// <summary>Reads the whole request, then closes without answering.</summary>
    CloseAfterRequest,

    /// <summary>Answers 503 every time (keeping the connection open).</summary>
    ServiceUnavailable,

    /// <summary>Reads the whole request, then resets the connection.</summary>
    Reset,
}

/// <summary>The kinds of <see cref="LoopbackReply"/>.</summary>
public enum LoopbackReplyKind
{
    Close,
    Reset,
    Answer,
}

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 that counts what arrives at the socket: every accepted connection and every request
/// read in full. Counting here, below every handler of the client, is what shows how often a client really sent.
/// </summary>
public sealed class CountingLoopbackServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _connectionCount;
    private int _requestCount;

    public CountingLoopbackServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url { get; }

    /// <summary>
    /// When set, every connection is closed for sending as soon as it is accepted, before any request is read (the client
    /// reads end of stream whether its request went out before or after); what the client sends is then read and dropped.
    /// </summary>
    public bool CloseOnAccept { get; set; }

    /// <summary>Decides what to do with the n-th request (1-based, counted over all connections).</summary>
    public Func<int, LoopbackReply> Reply { get; set; } = _ => LoopbackReply.Answer(200, "{}");

    /// <summary>
    /// Attempts that reached the socket: connections when they are closed at accept (nothing is read on them),
    /// otherwise requests read in full.
    /// </summary>
    public int Attempts => CloseOnAccept ? Connections : Requests;

    /// <summary>Makes every attempt fail with <paramref name="fault"/>.</summary>
    public void FailEveryAttempt(ServerFault fault)
    {
        CloseOnAccept = fault == ServerFault.CloseOnAccept;
        Reply = fault switch
        {
            ServerFault.CloseAfterRequest => _ => LoopbackReply.Close(),
            ServerFault.Reset => _ => LoopbackReply.Reset(),
            _ => _ => LoopbackReply.Answer(503, """{"code":20500,"message":"Service unavailable","status":503}"""),
        };
    }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connectionCount);

    /// <summary>Requests read in full so far (requests on connections closed at accept are not read, so not counted).</summary>
    public int Requests => Volatile.Read(ref _requestCount);

    /// <summary>The request lines (method and target) in the order they arrived.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            Task.WaitAll([_acceptLoop, .. _connections], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Connections end with the listener; their exceptions are expected.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // Counted before anything is done with the connection, so a client that sees the close sees the count.
            Interlocked.Increment(ref _connectionCount);
            _connections.Add(Task.Run(() => ServeAsync(socket)));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                if (CloseOnAccept)
                {
                    // Half-close: the client sees end of stream deterministically, however its request and this close race.
                    // Its bytes are then drained so the final close is orderly too (unread bytes would turn it into a reset).
                    socket.Shutdown(SocketShutdown.Send);
                    var sink = new byte[4096];
                    while (await socket.ReceiveAsync(sink, SocketFlags.None, _stop.Token) > 0)
                    {
                    }

                    return;
                }

                var buffer = new List<byte>();
                while (true)
                {
                    var request = await ReadRequestAsync(socket, buffer, _stop.Token);
                    if (request is null)
                    {
                        return;
                    }

                    RequestLines.Enqueue(request);
                    var reply = Reply(Interlocked.Increment(ref _requestCount));
                    switch (reply.Kind)
                    {
                        case LoopbackReplyKind.Close:
                            // The whole request was read, so closing sends FIN (not RST): the client reads end of stream.
                            socket.Shutdown(SocketShutdown.Both);
                            return;
                        case LoopbackReplyKind.Reset:
                            socket.LingerState = new LingerOption(true, 0);
                            return;
                        default:
                            await WriteAnswerAsync(socket, reply, _stop.Token);
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away or the server is being disposed.
            }
        }
    }

    private static async Task WriteAnswerAsync(Socket socket, LoopbackReply reply, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(reply.Body);
        var head = $"HTTP/1.1 {reply.Status.ToString(CultureInfo.InvariantCulture)} Status\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, cancellationToken);
        if (body.Length > 0)
        {
            await socket.SendAsync(body, SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Reads one request (head and Content-Length body); returns its request line, or null at end of stream.</summary>
    private static async Task<string?> ReadRequestAsync(Socket socket, List<byte> buffer, CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            var read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. buffer.GetRange(0, headEnd)]).Split("\r\n");
        var lengthLine = head.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        var total = headEnd + 4 + length;
        while (buffer.Count < total)
        {
            var read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        buffer.RemoveRange(0, total);
        var parts = head[0].Split(' ');
        return parts.Length >= 2 ? parts[0] + " " + parts[1] : head[0];
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
