using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>A scripted primary handler: records every request that reaches the wire and answers from a queue.</summary>
internal sealed class FakeTwilioHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _answers = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly object _gate = new();

    /// <summary>Answers requests once the queue is empty; by default a test failure.</summary>
    public Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? Fallback { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public FakeTwilioHandler Respond(HttpStatusCode status, string? body, string mediaType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status);
            if (body is not null)
            {
                response.Content = new StringContent(body, Encoding.UTF8, mediaType);
            }

            configure?.Invoke(response);
            return Task.FromResult(response);
        });
        return this;
    }

    public FakeTwilioHandler Throw(Exception exception)
    {
        Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    /// <summary>Never answers: waits until the request is canceled (by a timeout).</summary>
    public FakeTwilioHandler Hang()
    {
        Enqueue(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    public async Task WaitForRequestsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected {count} request(s), saw {Requests.Count}.");
            }

            await Task.Delay(10);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization,
            request.Content?.Headers.ContentType?.MediaType,
            body,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
        Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? answer;
        lock (_gate)
        {
            _requests.Add(recorded);
            answer = _answers.Count > 0 ? _answers.Dequeue() : Fallback;
        }

        if (answer is null)
        {
            throw new InvalidOperationException($"Unexpected request {request.Method} {request.RequestUri}.");
        }

        var response = await answer(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    // The factory rotates handler chains; this instance outlives them. HttpMessageHandler itself holds nothing,
    // so disposing is harmless and the handler keeps answering.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);

    private void Enqueue(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        lock (_gate)
        {
            _answers.Enqueue(answer);
        }
    }
}

/// <summary>One request as the fake handler saw it.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    AuthenticationHeaderValue? Authorization,
    string? MediaType,
    string? Body,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The form body as ordered name/value pairs (repeated keys kept).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Form =>
        string.IsNullOrEmpty(Body)
            ? []
            : Body.Split('&').Select(pair =>
            {
                var parts = pair.Split('=', 2);
                return new KeyValuePair<string, string>(Decode(parts[0]), parts.Length > 1 ? Decode(parts[1]) : "");
            }).ToList();

    public string? FormValue(string name) => Form.Where(p => p.Key == name).Select(p => p.Value).SingleOrDefault();

    public string[] FormValues(string name) => Form.Where(p => p.Key == name).Select(p => p.Value).ToArray();

    /// <summary>The decoded user:password of the Basic header.</summary>
    public string? BasicCredentials =>
        Authorization is { Scheme: "Basic", Parameter: { } p } ? Encoding.UTF8.GetString(Convert.FromBase64String(p)) : null;

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
