//! Host tests live in tests/.
