//! Report tables computed from the journeys (SPEC 3), one module per table.

pub mod quality;
