//! Small helpers around the lazy engine that several stages share.

use polars::prelude::*;

/// Collect several plans in one go, so inputs and caches they share are
/// computed once.
pub fn collect_all(plans: Vec<LazyFrame>) -> PolarsResult<Vec<DataFrame>> {
    let opt = plans
        .first()
        .map(|p| p.get_current_optimizations())
        .unwrap_or_default();
    LazyFrame::collect_all_with_engine(
        plans.into_iter().map(|p| p.logical_plan).collect(),
        Engine::Auto,
        opt,
    )
}
