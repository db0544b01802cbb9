//! How a contact export's columns map: the day (or each interaction's
//! time), the case or customer, the count, direction and channel.

use super::Recognised;
use super::guess::{by_name, canon, customer, dimensions, map_name, record};
use super::profile::Profile;
use crate::input::columns;

pub fn contacts(r: &mut Recognised, p: &[Profile], interactions: bool) {
    match p
        .iter()
        .filter(|c| c.is_time())
        .find(|c| {
            by_name(
                canon(columns::CONTACTS, "date"),
                std::slice::from_ref(*c),
                &[],
                |_| true,
            )
            .is_some()
        })
        .or_else(|| p.iter().find(|c| c.is_time()))
    {
        Some(t) => {
            let why = format!("when ({})", t.examples(2));
            record(r, "date", t, why);
        }
        None => r.missing.push("date".into()),
    }
    map_name(r, columns::CONTACTS, "case_id", p, |c| !c.is_time());
    customer(r, columns::CONTACTS, p, None);
    if !interactions {
        match p.iter().find(|c| {
            c.is_count()
                && c.named(&[
                    "calls", "contacts", "count", "volume", "offered", "attempts",
                ])
        }) {
            Some(c) => {
                let why = format!("counts contacts ({})", c.examples(3));
                record(r, "contacts", c, why);
            }
            None => r.missing.push("contacts".into()),
        }
    }
    map_name(r, columns::CONTACTS, "direction", p, |c| {
        c.share(c.directions) >= 0.9
    });
    map_name(r, columns::CONTACTS, "channel", p, |c| !c.is_time());
    dimensions(r, p);
}
