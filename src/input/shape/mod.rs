//! Records to canonical columns: the user's names mapped onto cxgap's,
//! and survey answers written as text.

pub mod columns;
pub mod labels;
