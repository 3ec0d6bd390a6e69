using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PhoneHub.Messaging;
using PhoneHub.Providers;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// An <see cref="ISmsProvider"/> that does what an HTTP provider does per message (form body, basic auth, one POST
/// through a named HttpClient, JSON answer read), against the mock endpoint. Used while a real provider that can be
/// pointed at a local endpoint is not available.
/// </summary>
internal sealed class MockHttpSmsProvider(IHttpClientFactory clients, Uri messagesUrl) : ISmsProvider
{
    public const string ProviderName = "mockhttp";
    public const string HttpClientName = "phonehub.bench.mock";
    private static readonly string Authorization = Convert.ToBase64String(Encoding.ASCII.GetBytes(MockProviderServer.AccountSid + ":" + MockProviderServer.AuthToken));

    public string Name => ProviderName;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, messagesUrl)
        {
            Content = new FormUrlEncodedContent([new("To", request.To), new("From", request.From ?? context.Config.OwnNumber ?? ""), new("Body", request.Body)]),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Authorization);
        using var response = await clients.CreateClient(HttpClientName).SendAsync(message, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return new SmsSendResult { ProviderMessageId = json.RootElement.GetProperty("sid").GetString()!, Status = SmsStatus.Queued };
    }

    public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ConnectionTestResult.Ok("mock"));
}
