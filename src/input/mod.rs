//! Reading and validating the inputs: config, sniffing, one scan per input,
//! row rules, and the split into used and rejected rows.

pub mod cases;
pub mod columns;
pub mod config;
pub mod config_file;
pub mod contacts;
pub mod detect;
pub mod events;
pub mod fields;
pub mod gate;
pub mod labels;
pub mod load;
pub mod recognise;
pub mod scan;
pub mod spool;
pub mod structure;
pub mod summary;
pub mod surveys;
pub mod timestamp;
pub mod wide;
pub mod xes;
