using Microsoft.Extensions.DependencyInjection;

namespace PhoneHub.Providers;

/// <summary>
/// Keeps a provider client's retry budget exact: one attempt of its resilience pipeline puts the request on the wire
/// once, so a lookup with <c>MaxRetryAttempts = N</c> reaches the socket at most N + 1 times and a send exactly once.
/// </summary>
/// <remarks>
/// <para>
/// SocketsHttpHandler re-sends a request by itself, up to three times (so up to four sends per call of the handler),
/// when an HTTP/1.1 connection ends in an orderly close (end of stream) before the first byte of the response arrives
/// and the request body had not started to go out: a request without content, or one that waits on
/// <c>Expect: 100-continue</c>. It does so on fresh and reused connections alike, so a server that closes without
/// answering multiplied a lookup's four pipeline attempts into sixteen sends. A reset, an answer or a timeout is never
/// re-sent by the handler. There is no setting to turn this off; the handler decides from what it reads off the
/// connection.
/// </para>
/// <para>
/// So the connection's plaintext stream (<see cref="SocketsHttpHandler.PlaintextStreamFilter"/>, above TLS) is wrapped:
/// end of stream after request bytes were written and before any response byte was read is reported as an
/// <see cref="HttpIOException"/> (<see cref="HttpRequestError.ResponseEnded"/>) rather than as end of stream. The handler
/// does not re-send on an I/O error; the pipeline sees an <see cref="HttpRequestException"/> and retries it within its
/// budget (lookups, connection tests), or the caller reports the outcome as unknown (sends). End of stream anywhere else,
/// such as an idle pooled connection the server closed or the end of a body delimited by the close, passes through.
/// Only HTTP/1.x is wrapped: the handler's HTTP/2 re-sends follow the server's own "not processed" signals (GOAWAY,
/// REFUSED_STREAM).
/// </para>
/// </remarks>
internal static class HttpAttemptBudget
{
    /// <summary>
    /// Makes the client's primary handler a <see cref="SocketsHttpHandler"/> (keeping one set earlier, with any stream
    /// filter it has) that sends each request once per pipeline attempt.
    /// </summary>
    public static IHttpClientBuilder SendOncePerAttempt(this IHttpClientBuilder builder) =>
        builder.UseSocketsHttpHandler(static (handler, _) =>
        {
            var earlier = handler.PlaintextStreamFilter;
            handler.PlaintextStreamFilter = async (context, cancellationToken) =>
            {
                var stream = earlier is null ? context.PlaintextStream : await earlier(context, cancellationToken).ConfigureAwait(false);

                // A CONNECT tunnel carries another protocol (TLS to the origin); that connection's stream is wrapped in turn.
                return context.NegotiatedHttpVersion.Major == 1 && context.InitialRequestMessage.Method != HttpMethod.Connect
                    ? new UnansweredCloseStream(stream)
                    : stream;
            };
        });

    /// <summary>An HTTP/1.x connection stream on which a close before any byte of the answer is an error, not end of stream.</summary>
    private sealed class UnansweredCloseStream(Stream inner) : Stream
    {
        // HTTP/1.1 without pipelining: requests are written, then their answer is read. True from the first request
        // byte written until the first answer byte read.
        private volatile bool _awaitingAnswer;

        public override bool CanRead => inner.CanRead;

        public override bool CanWrite => inner.CanWrite;

        public override bool CanSeek => false;

        public override bool CanTimeout => inner.CanTimeout;

        public override int ReadTimeout
        {
            get => inner.ReadTimeout;
            set => inner.ReadTimeout = value;
        }

        public override int WriteTimeout
        {
            get => inner.WriteTimeout;
            set => inner.WriteTimeout = value;
        }

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Observe(inner.Read(buffer), buffer.Length);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Observe(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Sending(buffer.Length);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Sending(buffer.Length);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Sending(int length)
        {
            if (length > 0)
            {
                _awaitingAnswer = true;
            }
        }

        private int Observe(int read, int requested)
        {
            if (read > 0)
            {
                _awaitingAnswer = false;
            }
            else if (requested > 0 && _awaitingAnswer)
            {
                // A zero-byte read (requested == 0) only waits for data; it is not end of stream.
                throw new HttpIOException(HttpRequestError.ResponseEnded, "The server closed the connection without answering the request.");
            }

            return read;
        }
    }
}
