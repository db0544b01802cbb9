//! Reading and validating the inputs, one sub-stage per folder, in the
//! order a row goes through them:
//!
//! - `format`: bytes to records — the file's format, encoding, delimiter
//!   and export shape (`detect`), its structure checked and repaired
//!   (`structure`), XES streamed to CSV (`xes`), one lazy scan (`scan`).
//! - `shape`: records to canonical columns — the user's names mapped onto
//!   cxgap's (`columns`), survey answers written as text (`labels`).
//! - `rows`: the rules per value and per row — trimming, missing markers
//!   and reject reasons (`fields`), timestamps by layout inference
//!   (`timestamp`), each input's own checks (`events`, `surveys`,
//!   `contacts`, `cases`).
//! - `settle`: used rows against rejected ones (`load`), a wide case table
//!   settled as the events it stands for (`wide`), the memory spool
//!   (`spool`), what a run keeps of its inputs (`summary`) and the quality
//!   gate (`gate`).
//!
//! `config` (the file as written and its resolution with the flags) is
//! read by all of them; `recognise` is what `init` guesses from samples.
//! A folder imports only from the ones before it (tests/cli/layers.rs).

pub mod config;
pub mod format;
pub mod recognise;
pub mod rows;
pub mod settle;
pub mod shape;
