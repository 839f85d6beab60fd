//! The host's own bound on guest time: a call that runs past its budget is
//! stopped by epoch interruption, even while the guest is busy computing.

use hf_provider::{DeadlineExceeded, Host, HostOptions};
use std::time::{Duration, Instant};

/// A `/models` body that takes the component well over a millisecond to project.
fn big_models_body() -> Vec<u8> {
    let entries: Vec<String> = (0..100_000)
        .map(|i| {
            format!(r#"{{"id":"o/m{i}","providers":[{{"provider":"p","context_length":4096}}]}}"#)
        })
        .collect();
    format!(r#"{{"data":[{}]}}"#, entries.join(",")).into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_guest_is_stopped_at_its_budget_and_the_host_goes_on() {
    let host = Host::with_options(HostOptions {
        pure_call_budget: Duration::from_millis(1),
        ..HostOptions::default()
    })
    .expect("load the component");
    let body = big_models_body();
    let mut session = host.session(None).await.unwrap();
    let started = Instant::now();
    let error = match session.project_models(&body).await {
        Err(error) => error,
        Ok(_) => panic!("projecting 100,000 models within 1 ms was not expected"),
    };
    let exceeded = error
        .downcast_ref::<DeadlineExceeded>()
        .unwrap_or_else(|| panic!("not a deadline stop: {error:?}"));
    assert_eq!(exceeded.budget, Duration::from_millis(1));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopped after {:?}",
        started.elapsed()
    );

    // The stopped instance is gone; the host and fresh instances are fine.
    let mut fresh = host.session(None).await.unwrap();
    let parsed = fresh.parse_model_ref("a/b").await.unwrap().unwrap();
    assert_eq!(parsed.wire_model, "a/b");
}
