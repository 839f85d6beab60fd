//! The load benchmark's shape as a correctness test: 100 concurrent streaming
//! chats, each in its own instance of one compiled component, against the fake
//! router streaming realistic chunks. Every stream must complete and every event
//! the router sent must arrive exactly once, in order, at the right stream. No
//! timing is asserted (`cargo bench -p hf-provider --bench load` measures).

mod common;

use common::{FakeRouter, Reply, host};
use hf_provider::{
    ChatRequest, FinishReason, Origin, Role, StreamEvent, Usage, chat_request, settings,
    text_message,
};
use serde_json::json;

const STREAMS: usize = 100;
const DELTAS: usize = 100;
const TOKEN: &str = "hf_load_test_token";

const WORDS: &[&str] = &[
    "The",
    "model",
    "streams",
    "its",
    "answer",
    "as",
    "server-sent",
    "events,",
    "café",
    "naïve",
    "—",
    "\"quoted\"",
    "back\\slash",
    "line\nbreak",
    "emoji 🚀",
    "漢字",
    "and",
    "so",
    "on.",
];

/// The router's answer to one stream's model, and the content it carries.
fn stream_for(model: &str) -> (Vec<Vec<u8>>, String) {
    let chunk = |choices: serde_json::Value, usage: Option<serde_json::Value>| {
        let mut value = json!({
            "id": "chatcmpl-load", "object": "chat.completion.chunk",
            "created": 1_700_000_000, "model": model, "choices": choices,
        });
        if let Some(usage) = usage {
            value["usage"] = usage;
        }
        format!("data: {value}\n\n").into_bytes()
    };
    let mut pieces = vec![chunk(
        json!([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]),
        None,
    )];
    let mut content = String::new();
    for k in 0..DELTAS {
        let mut text = if k == 0 {
            format!("[{model}] ")
        } else {
            String::new()
        };
        for j in 0..2 + k % 3 {
            text.push_str(WORDS[(k * 7 + j * 3) % WORDS.len()]);
            text.push(' ');
        }
        content.push_str(&text);
        let piece = chunk(
            json!([{"index": 0, "delta": {"content": text}, "finish_reason": null}]),
            None,
        );
        if k == DELTAS / 2 {
            // One event split across two reads, inside a UTF-8 sequence when there is one.
            let cut = piece
                .iter()
                .position(|&b| b >= 0x80)
                .map_or(piece.len() / 2, |i| i + 1);
            pieces.push(piece[..cut].to_vec());
            pieces.push(piece[cut..].to_vec());
        } else {
            pieces.push(piece);
        }
    }
    pieces.push(chunk(
        json!([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
        None,
    ));
    pieces.push(chunk(
        json!([]),
        Some(
            json!({"prompt_tokens": 12, "completion_tokens": DELTAS, "total_tokens": 12 + DELTAS}),
        ),
    ));
    pieces.push(b"data: [DONE]\n\n".to_vec());
    (pieces, content)
}

fn wire_model(index: usize) -> String {
    format!("load/stream-{index}")
}

fn request(index: usize) -> ChatRequest {
    let model = format!("huggingface/{}", wire_model(index));
    chat_request(&model, vec![text_message(Role::User, "Explain streaming.")])
}

/// What one stream delivered.
struct Delivered {
    events: Vec<StreamEvent>,
    assembled: String,
    finish: FinishReason,
    usage: Option<Usage>,
}

async fn one_stream(base: String, index: usize) -> Result<Delivered, String> {
    let mut session = host()
        .session(Origin::of_url(&base))
        .await
        .map_err(|e| format!("instantiate: {e:#}"))?;
    let wire = settings(&base, Some(TOKEN.into()), 30_000);
    let stream = session
        .open_stream(&wire, &request(index))
        .await
        .map_err(|e| format!("open trapped: {e:#}"))?
        .map_err(|e| format!("open: {e:?}"))?;
    let mut events = Vec::new();
    while let Some(batch) = session
        .next_events(&stream)
        .await
        .map_err(|e| format!("next trapped: {e:#}"))?
        .map_err(|e| format!("next: {e:?}"))?
    {
        if batch.is_empty() {
            return Err("an empty batch".into());
        }
        events.extend(batch);
    }
    let response = session
        .stream_response(&stream)
        .await
        .map_err(|e| format!("response trapped: {e:#}"))?;
    session
        .close_stream(stream)
        .await
        .map_err(|e| format!("close trapped: {e:#}"))?;
    Ok(Delivered {
        events,
        assembled: response.content,
        finish: response.finish_reason,
        usage: response.usage,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_concurrent_streams_each_in_its_own_instance_all_complete_with_every_event() {
    let router = FakeRouter::start().await;
    let mut expected = Vec::with_capacity(STREAMS);
    for index in 0..STREAMS {
        let model = wire_model(index);
        let (pieces, content) = stream_for(&model);
        let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        router.on_chat_model(&model, Reply::sse(&pieces));
        expected.push(content);
    }
    let base = router.base_url();

    let tasks: Vec<_> = (0..STREAMS)
        .map(|index| tokio::spawn(one_stream(base.clone(), index)))
        .collect();
    let mut failures = Vec::new();
    let mut delivered = Vec::with_capacity(STREAMS);
    for (index, task) in tasks.into_iter().enumerate() {
        match task.await.expect("the stream's task does not panic") {
            Ok(stream) => delivered.push((index, stream)),
            Err(error) => failures.push(format!("stream {index}: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {STREAMS} streams failed: {failures:#?}",
        failures.len()
    );
    assert_eq!(delivered.len(), STREAMS, "every stream completes");

    let want_usage = Usage {
        prompt_tokens: 12,
        completion_tokens: DELTAS as u32,
        total_tokens: 12 + DELTAS as u32,
    };
    let mut total_events = 0;
    for (index, stream) in &delivered {
        total_events += stream.events.len();
        let contents: Vec<&str> = stream
            .events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Content(text) => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            contents.len(),
            DELTAS,
            "stream {index}: one content event per delta"
        );
        assert_eq!(
            contents.concat(),
            expected[*index],
            "stream {index}: the content, in order, and only its own"
        );
        assert_eq!(
            stream.events.len(),
            DELTAS + 2,
            "stream {index}: the deltas, one finish and one usage, nothing else: {:?}",
            &stream.events[DELTAS.min(stream.events.len())..]
        );
        assert!(
            matches!(
                &stream.events[DELTAS..],
                [StreamEvent::Finish(FinishReason::Stop), StreamEvent::Usage(usage)]
                    if usage.prompt_tokens == want_usage.prompt_tokens
                        && usage.completion_tokens == want_usage.completion_tokens
                        && usage.total_tokens == want_usage.total_tokens
            ),
            "stream {index}: finish then usage last: {:?}",
            &stream.events[DELTAS..]
        );
        assert_eq!(
            stream.assembled, expected[*index],
            "stream {index}: the assembled response"
        );
        assert_eq!(stream.finish, FinishReason::Stop, "stream {index}");
        assert!(
            stream
                .usage
                .as_ref()
                .is_some_and(|u| u.total_tokens == want_usage.total_tokens),
            "stream {index}: usage in the response"
        );
    }
    assert_eq!(
        total_events,
        STREAMS * (DELTAS + 2),
        "every event accounted for"
    );

    // The router saw exactly one request per stream, each for its own model, authorised.
    let requests = router.requests();
    assert_eq!(requests.len(), STREAMS, "one request per stream");
    let mut models: Vec<String> = requests.iter().map(|r| r.model()).collect();
    models.sort();
    let mut want: Vec<String> = (0..STREAMS).map(wire_model).collect();
    want.sort();
    assert_eq!(models, want);
    assert!(requests.iter().all(|r| r.path == "/v1/chat/completions"
        && r.header("authorization") == Some(format!("Bearer {TOKEN}").as_str())
        && r.json()["stream"] == json!(true)));
}
