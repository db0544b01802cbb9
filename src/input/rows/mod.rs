//! The rules per value and per row: what is missing, what a timestamp
//! reads as, and each input's own checks.

pub mod cases;
pub mod contacts;
pub mod events;
pub mod fields;
pub mod surveys;
pub mod timestamp;
