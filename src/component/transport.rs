//! HTTP through `wasi:http/outgoing-handler`, via the `wasip2` crate.
//!
//! Design decisions:
//! - A `GET` never takes the request body, so the host sends an empty one; nothing
//!   is written after the host may have closed it (the failure seen with wstd 0.6.8).
//! - Bodies are read incrementally: callers stop at a byte limit or feed pieces to
//!   the SSE decoder as they arrive.
//! - Connect, first-byte and between-bytes timeouts all come from the settings,
//!   and the host enforces them. A flow's [`Deadline`] bounds the whole exchange on top:
//!   every wait (for the response head, for body bytes, for room to write) polls
//!   the awaited pollable together with a monotonic-clock timer, so a server that
//!   trickles bytes, or a host that never answers, cannot hold a call forever.
//! - A response future that is not ready after a wake-up is waited on again;
//!   only one whose response was already taken is an error.

use crate::error::{ErrorDetails, ProviderError};
use crate::flow::{self, Deadline, ResponseBody, Transport};
use crate::http::{HttpRequest, Method, ResponseHead};
use wasip2::clocks::{monotonic_clock, wall_clock};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, IncomingResponse, Method as WasiMethod, OutgoingBody,
    OutgoingRequest, RequestOptions, Scheme,
};
use wasip2::io::poll::{Pollable, poll};
use wasip2::io::streams::{InputStream, OutputStream, StreamError};

/// Largest piece read from a body at once.
pub const READ_CHUNK: u64 = 64 * 1024;

fn transport(message: impl Into<String>) -> ProviderError {
    ProviderError::Transport(ErrorDetails::msg(message))
}

/// Milliseconds on the host's monotonic clock.
fn monotonic_ms() -> u64 {
    monotonic_clock::now() / 1_000_000
}

/// Whether `deadline` has passed.
fn passed(deadline: &Deadline) -> bool {
    monotonic_ms() >= deadline.at_ms()
}

/// Waits until `pollable` is ready; the `timeout` error once `deadline` passes first.
fn wait(deadline: &Deadline, pollable: &Pollable) -> Result<(), ProviderError> {
    if pollable.ready() {
        return Ok(());
    }
    let timer = monotonic_clock::subscribe_instant(deadline.at_ms().saturating_mul(1_000_000));
    if poll(&[pollable, &timer]).contains(&0) {
        Ok(())
    } else {
        Err(deadline.expired())
    }
}

/// Maps a `wasi:http` error code to a typed error, naming the code as WIT does.
pub fn from_error_code(code: &ErrorCode) -> ProviderError {
    match code {
        ErrorCode::ConnectionTimeout => ProviderError::Timeout(ErrorDetails::msg(
            "connection-timeout: could not connect in time",
        )),
        ErrorCode::ConnectionReadTimeout => flow::read_timeout(),
        ErrorCode::ConnectionWriteTimeout => {
            ProviderError::Timeout(ErrorDetails::msg("connection-write-timeout"))
        }
        ErrorCode::HttpResponseTimeout => flow::response_timeout(),
        ErrorCode::DnsTimeout => ProviderError::Timeout(ErrorDetails::msg("DNS-timeout")),
        ErrorCode::HttpRequestDenied => {
            transport("HTTP-request-denied: the host does not allow this destination")
        }
        ErrorCode::ConnectionRefused => transport("connection-refused"),
        ErrorCode::ConnectionTerminated => {
            transport("connection-terminated: the connection closed early")
        }
        ErrorCode::HttpProtocolError => {
            transport("HTTP-protocol-error: the response is not valid HTTP/1.1")
        }
        ErrorCode::HttpResponseIncomplete => {
            transport("HTTP-response-incomplete: the connection closed mid-response")
        }
        ErrorCode::HttpResponseHeaderSectionSize(_) | ErrorCode::HttpResponseHeaderSize(_) => {
            transport("HTTP-response-header-size: the response headers are too large")
        }
        ErrorCode::TlsProtocolError => transport("TLS-protocol-error: the TLS handshake failed"),
        ErrorCode::TlsCertificateError => {
            transport("TLS-certificate-error: the router's certificate was not accepted")
        }
        ErrorCode::HttpResponseBodySize(limit) => {
            ProviderError::ResponseTooLarge(ErrorDetails::msg(format!(
                "HTTP-response-body-size: the host limits bodies to {limit:?} bytes"
            )))
        }
        other => transport(format!("{other:?}")),
    }
}

/// Classifies an `io/error` that carries no `wasi:http` error code. Hosts differ:
/// wasmtime 48 reports a between-bytes timeout this way ("connection read
/// timeout"). Only the first line is kept: some hosts append a backtrace.
fn from_io_error_text(what: &str, text: &str) -> ProviderError {
    let first_line = text.lines().next().unwrap_or_default().trim();
    let message = format!(
        "{what}: {}",
        crate::router_error::bounded_message(first_line)
    );
    let lower = first_line.to_ascii_lowercase();
    if lower.contains("timeout") || lower.contains("timed out") {
        ProviderError::Timeout(ErrorDetails::msg(message))
    } else {
        transport(message)
    }
}

/// A response body being read. Fields drop in order: the pollable before its
/// stream, the stream before its body, the body before its response, as
/// `wasi:http` requires of child resources.
pub struct BodyReader {
    readable: Pollable,
    stream: InputStream,
    _body: IncomingBody,
    _response: IncomingResponse,
}

impl ResponseBody for BodyReader {
    async fn read(&mut self, deadline: &Deadline) -> Result<Option<Vec<u8>>, ProviderError> {
        loop {
            // Checked before every read, not only before waits: a server that
            // trickles a byte at a time never makes a read wait long.
            if passed(deadline) {
                return Err(deadline.expired());
            }
            match self.stream.read(READ_CHUNK) {
                Ok(bytes) if bytes.is_empty() => wait(deadline, &self.readable)?,
                Ok(bytes) => return Ok(Some(bytes)),
                Err(StreamError::Closed) => return Ok(None),
                Err(StreamError::LastOperationFailed(error)) => {
                    return Err(match wasip2::http::types::http_error_code(&error) {
                        Some(code) => from_error_code(&code),
                        None => from_io_error_text(
                            "reading the response failed",
                            &error.to_debug_string(),
                        ),
                    });
                }
            }
        }
    }
}

/// Splits an absolute URL into scheme, authority and path-with-query.
fn split_url(url: &str) -> Result<(Scheme, &str, &str), ProviderError> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else {
        return Err(transport(format!("unsupported URL {url:?}")));
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    };
    Ok((scheme, authority, path))
}

fn write_failed(error: StreamError) -> ProviderError {
    match error {
        StreamError::Closed => transport("the host closed the request body early"),
        StreamError::LastOperationFailed(error) => {
            from_io_error_text("writing the request failed", &error.to_debug_string())
        }
    }
}

/// Writes `bytes` as fast as the stream accepts them, then flushes, waiting on
/// the stream's pollable within the deadline.
fn write_all(
    stream: &OutputStream,
    bytes: &[u8],
    deadline: &Deadline,
) -> Result<(), ProviderError> {
    let writable = stream.subscribe();
    let mut rest = bytes;
    while !rest.is_empty() {
        let room = stream.check_write().map_err(write_failed)?;
        if room == 0 {
            wait(deadline, &writable)?;
            continue;
        }
        let (piece, later) = rest.split_at(rest.len().min(room.try_into().unwrap_or(usize::MAX)));
        stream.write(piece).map_err(write_failed)?;
        rest = later;
    }
    // A host may close the stream as soon as the `Content-Length` bytes are in:
    // once everything was written, closed means done.
    match stream.flush() {
        Ok(()) => {}
        Err(StreamError::Closed) => return Ok(()),
        Err(error) => return Err(write_failed(error)),
    }
    // The flush is done once the stream accepts writes again.
    loop {
        match stream.check_write() {
            Ok(0) => wait(deadline, &writable)?,
            Ok(_) | Err(StreamError::Closed) => return Ok(()),
            Err(error) => return Err(write_failed(error)),
        }
    }
}

/// Writes a request body, then finishes it. Dropping an unfinished body on
/// failure tells the host the body is broken.
fn write_body(body: OutgoingBody, bytes: &[u8], deadline: &Deadline) -> Result<(), ProviderError> {
    {
        let stream = body
            .write()
            .map_err(|()| transport("the host refused the request body stream"))?;
        write_all(&stream, bytes, deadline)?;
    }
    OutgoingBody::finish(body, None).map_err(|code| from_error_code(&code))
}

/// The host's `wasi:http/outgoing-handler` and clocks. Its futures are ready
/// when first polled: `wasi:http` 0.2 blocks on pollables.
pub struct WasiHttp;

impl Transport for WasiHttp {
    type Body = BodyReader;

    fn monotonic_ms(&self) -> u64 {
        monotonic_ms()
    }

    fn unix_ms(&self) -> u64 {
        now_unix_ms()
    }

    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
        deadline: &Deadline,
    ) -> Result<(ResponseHead, BodyReader), ProviderError> {
        send(request, timeout_ms, deadline)
    }
}

/// Sends `request` and waits for the response head, within `deadline`.
fn send(
    request: &HttpRequest,
    timeout_ms: u32,
    deadline: &Deadline,
) -> Result<(ResponseHead, BodyReader), ProviderError> {
    let headers = Fields::new();
    for (name, value) in &request.headers {
        headers
            .append(name, value.as_bytes())
            .map_err(|e| transport(format!("header {name:?} was refused: {e:?}")))?;
    }
    if !request.body.is_empty() {
        let length = request.body.len().to_string();
        headers
            .append("Content-Length", length.as_bytes())
            .map_err(|e| transport(format!("Content-Length was refused: {e:?}")))?;
    }
    let outgoing = OutgoingRequest::new(headers);
    let (scheme, authority, path) = split_url(&request.url)?;
    let method = match request.method {
        Method::Get => WasiMethod::Get,
        Method::Post => WasiMethod::Post,
    };
    let refused = |what: &str| transport(format!("the host refused the request {what}"));
    outgoing
        .set_method(&method)
        .map_err(|()| refused("method"))?;
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| refused("scheme"))?;
    outgoing
        .set_authority(Some(authority))
        .map_err(|()| refused("authority"))?;
    outgoing
        .set_path_with_query(Some(path))
        .map_err(|()| refused("path"))?;

    let options = RequestOptions::new();
    let timeout_ns = u64::from(timeout_ms) * 1_000_000;
    // A host that does not support a timeout refuses it; the others still apply.
    let _ = options.set_connect_timeout(Some(timeout_ns));
    let _ = options.set_first_byte_timeout(Some(timeout_ns));
    let _ = options.set_between_bytes_timeout(Some(timeout_ns));

    let body = if request.body.is_empty() {
        None
    } else {
        Some(outgoing.body().map_err(|()| refused("body"))?)
    };
    let pending =
        outgoing_handler::handle(outgoing, Some(options)).map_err(|code| from_error_code(&code))?;
    // When writing fails, the response future usually says why (a host's
    // denial, a refused connection), so it is consulted before the write error.
    let written = match body {
        Some(body) => write_body(body, &request.body, deadline),
        None => Ok(()),
    };
    let response = {
        let answered = pending.subscribe();
        loop {
            match pending.get() {
                Some(Ok(Ok(response))) => break response,
                Some(Ok(Err(code))) => return Err(from_error_code(&code)),
                Some(Err(())) => return Err(transport("the response was already taken")),
                // Not ready yet: some hosts wake a poll before the response is in.
                None => wait(deadline, &answered)?,
            }
        }
    };
    written?;
    let head = ResponseHead {
        status: response.status(),
        headers: response
            .headers()
            .entries()
            .into_iter()
            .map(|(name, value)| (name, String::from_utf8_lossy(&value).into_owned()))
            .collect(),
    };
    let body = response
        .consume()
        .map_err(|()| transport("the response body was already taken"))?;
    let stream = body
        .stream()
        .map_err(|()| transport("the response body stream was already taken"))?;
    Ok((
        head,
        BodyReader {
            readable: stream.subscribe(),
            stream,
            _body: body,
            _response: response,
        },
    ))
}

/// Milliseconds since the Unix epoch, from the host's `wasi:clocks/wall-clock`
/// (the component has no operating system under `std::time`).
pub fn now_unix_ms() -> u64 {
    let now = wall_clock::now();
    now.seconds
        .saturating_mul(1000)
        .saturating_add(u64::from(now.nanoseconds / 1_000_000))
}
