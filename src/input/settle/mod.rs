//! Used rows against rejected ones: the split, the memory spool, what a
//! run keeps of its inputs once their rows are gone, and the quality gate.
//! A wide case table (`wide`) is settled here as the events it stands for:
//! its rows are checked by the rules of `rows` and split like any input's.

pub mod gate;
pub mod load;
pub mod spool;
pub mod summary;
pub mod wide;
