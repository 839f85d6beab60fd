//! The real `hf-provider` binary on a terminal (a pseudo-terminal from `script`,
//! part of Debian's essential bsdutils): the spinner's thread and the command
//! share stderr, and must not deadlock on it. The time limit only detects a
//! hang; nothing here measures speed.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Serves one `/v1/models` answer after a delay long enough for the spinner to tick.
fn slow_router() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            std::thread::sleep(Duration::from_millis(500));
            let body = r#"{"object":"list","data":[{"id":"acme/Slow-Model","object":"model","providers":[]}]}"#;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}/v1")
}

#[test]
fn the_spinner_does_not_deadlock_on_a_terminal() {
    let base = slow_router();
    let command = format!(
        "{} models --base-url {base}",
        env!("CARGO_BIN_EXE_hf-provider")
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("HF_TOKEN", "hf_terminal_test_token")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script(1)");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("hf-provider hung on a terminal");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut output = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut output)
        .unwrap();
    assert!(status.success(), "{status}: {output}");
    assert!(output.contains("acme/Slow-Model"), "{output}");
    assert!(
        output.contains("discovering models"),
        "the spinner ran: {output}"
    );
    assert!(!output.contains("hf_terminal_test_token"));
}
