//! Bytes to records: what the file is, whether its structure holds, and
//! one lazy scan of it.

pub mod detect;
pub mod scan;
pub mod structure;
pub mod xes;
