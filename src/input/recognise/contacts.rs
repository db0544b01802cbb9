//! How a contact export's columns map: the day (or each interaction's
//! time), the case or customer, the count, direction and channel.

use super::Recognised;
use super::guess::{customer, dimensions, map_name, record, time_column};
use super::profile::Profile;
use crate::input::shape::columns;

pub fn contacts(r: &mut Recognised, p: &[Profile], interactions: bool) {
    time_column(r, columns::CONTACTS, "date", p, "when");
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
