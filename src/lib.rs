//! The Hugging Face Inference Providers model provider.
//!
//! The crate is a sans-IO core plus thin adapters:
//! - the core modules below know the router's API and never perform I/O: they
//!   build [`http::HttpRequest`]s and consume response bytes;
//! - `component` (on wasm32 with the `component` feature) exports the WIT
//!   `provider` world and does I/O with `wasi:http/outgoing-handler`. It is
//!   built for `wasm32-unknown-unknown` and componentised by the host's build
//!   script, so it imports only `wasi:io`, `wasi:clocks` and `wasi:http`.
//! - `browser` (on wasm32-unknown-unknown with the `browser` feature) exports
//!   the same operations through wasm-bindgen and does I/O with `fetch`.
//! - [`flow`] holds the order of the exchanges both adapters make.
//!
//! Design decisions: one error enum ([`error::ProviderError`]) whose cases are
//! the WIT error kinds; no panics on any input (a panic traps the whole
//! component instance in its host); the token only ever goes into the
//! `Authorization` header and is scrubbed from every error message.

#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod catalog;
pub mod chat;
pub mod config;
pub mod discovery;
pub mod error;
pub mod executor;
pub mod failover;
pub mod flow;
pub mod http;
pub mod model_ref;
pub mod redact;
pub mod router_error;
pub mod settings;
pub mod sse;
pub mod stream;

#[cfg(all(target_arch = "wasm32", feature = "component"))]
mod component;

#[cfg(all(target_arch = "wasm32", target_os = "unknown", feature = "browser"))]
mod browser;
