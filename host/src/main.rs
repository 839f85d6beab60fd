//! `hf-provider`: the reference host's command line. See `cli` for the contract.

use std::io::{IsTerminal, Write};

fn main() {
    let env: Vec<(String, String)> = std::env::vars().collect();
    // Unlocked handles: the spinner's ticker thread writes to stderr too, and a
    // lock held here for the whole run would block it forever.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let mut io = hf_provider::cli::Io {
        out_is_terminal: std::io::stdout().is_terminal(),
        err_is_terminal: std::io::stderr().is_terminal(),
        out: &mut out,
        err: &mut err,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            std::process::exit(hf_provider::cli::EXIT_PROVIDER_ERROR);
        }
    };
    let code = runtime.block_on(hf_provider::cli::run(
        std::env::args_os(),
        &env,
        &mut io,
        hf_provider::Host::new,
    ));
    // `exit` runs no destructors: flush what is still buffered.
    let _ = out.flush();
    let _ = err.flush();
    std::process::exit(code);
}
