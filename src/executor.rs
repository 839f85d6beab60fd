//! Running the flows' futures where I/O blocks (the component's `wasi:http`):
//! such a future is ready at its first poll, so no runtime is needed.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future whose I/O blocks instead of suspending: it is polled until it
/// is ready, which for such a future is the first poll.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::hint::spin_loop();
    }
}
