//! Canonical columns of each input, how the user's names map onto them, and
//! the name-guessing that `cxgap init` and the missing-column hint share.

use std::collections::BTreeMap;

use crate::error::{ConfigError, InputError, InputKind, Result};
use crate::input::config::{InputSpec, Shape};

pub struct Canon {
    pub name: &'static str,
    pub required: bool,
    /// Export names this column often has, normalised (lowercase, letters and digits).
    pub synonyms: &'static [&'static str],
}

const fn c(name: &'static str, required: bool, synonyms: &'static [&'static str]) -> Canon {
    Canon {
        name,
        required,
        synonyms,
    }
}

pub const EVENTS: &[Canon] = &[
    c(
        "case_id",
        true,
        &[
            "caseid",
            "case",
            "casenumber",
            "ticket",
            "ticketid",
            "ticketnumber",
            "incident",
            "incidentid",
            "workorder",
            "repairorder",
            "ronumber",
            "orderid",
        ],
    ),
    c(
        "timestamp",
        true,
        &[
            "timestamp",
            "time",
            "datetime",
            "eventtime",
            "occurredat",
            "activitytime",
            "eventdate",
            "when",
            "date",
            "created",
        ],
    ),
    c(
        "event",
        true,
        &[
            "event",
            "activity",
            "action",
            "eventtype",
            "activityname",
            "step",
            "status",
            "state",
        ],
    ),
    c(
        "customer_id",
        false,
        &[
            "customerid",
            // A customer's email identifies them; their name does not.
            "customeremail",
            "email",
            "customer",
            "accountid",
            "account",
            "accountnumber",
            "clientid",
            "customernumber",
            "contactid",
            "requesterid",
            "requester",
            // Jira's: who raised the issue (a service desk's customer).
            "reporter",
            // GLPI and other tools in Portuguese, Spanish and French.
            "requerente",
            "solicitante",
            "demandeur",
            "buyerid",
            "buyer",
            "client",
            "callerid",
            "caller",
            // ServiceNow's "Affected User": whom the incident is about.
            "affecteduser",
        ],
    ),
    c(
        "channel",
        false,
        &[
            "channel",
            "medium",
            "via",
            "source",
            "contacttype",
            "origin",
        ],
    ),
    c(
        "agent",
        false,
        &[
            "agent",
            "agentid",
            "owner",
            "assignee",
            "handledby",
            "advisor",
            "employee",
            "assignedto",
            "user",
            "técnico",
            "tecnico",
            "technicien",
        ],
    ),
    c(
        "team",
        false,
        &[
            "team",
            "queue",
            "group",
            "assignmentgroup",
            "department",
            "agency",
            "callcenter",
            "branch",
        ],
    ),
    c(
        "due_at",
        false,
        &[
            "dueat",
            "due",
            "duedate",
            "promisedby",
            "promisedfor",
            "deadline",
            "targettime",
            "promisedue",
        ],
    ),
    c(
        "promise_kind",
        false,
        &[
            "promisekind",
            "promisetype",
            "commitment",
            "commitmenttype",
            "kind",
        ],
    ),
];

pub const SURVEYS: &[Canon] = &[
    c(
        "survey_id",
        true,
        &[
            "surveyid",
            "responseid",
            "respondentid",
            "surveyresponseid",
            "id",
        ],
    ),
    c(
        "case_id",
        false,
        &[
            "caseid",
            "case",
            "casenumber",
            "ticket",
            "ticketid",
            "ticketnumber",
            "externalreference",
            "externaldatareference",
            "incident",
            "workorder",
            "repairorder",
            "orderid",
        ],
    ),
    c(
        "customer_id",
        false,
        &[
            "customerid",
            "customer",
            "accountid",
            "account",
            "clientid",
            "customernumber",
            "contactid",
            "requesterid",
            "requester",
            "buyerid",
            "buyer",
        ],
    ),
    c(
        "sent_at",
        false,
        &[
            "sentat",
            "sent",
            "invitedat",
            "invited",
            "invitationdate",
            "distributiondate",
            "sentdate",
            "creationdate",
        ],
    ),
    c(
        "responded_at",
        false,
        &[
            "respondedat",
            "recordeddate",
            "enddate",
            "responsedate",
            "completedat",
            "submittedat",
            "completed",
            "submitted",
            "answeredat",
            "answertimestamp",
            "answered",
            "answer",
        ],
    ),
    c(
        "score",
        false,
        &[
            "score",
            "rating",
            "csat",
            "nps",
            "ces",
            "satisfaction",
            "overallsatisfaction",
            "q1",
        ],
    ),
    c(
        "resolved",
        false,
        &[
            "resolved",
            "issueresolved",
            "wasyourissueresolved",
            "problemsolved",
            "q2",
        ],
    ),
    c(
        "comment",
        false,
        &["comment", "comments", "feedback", "verbatim", "text", "q3"],
    ),
];

pub const CONTACTS: &[Canon] = &[
    c(
        "case_id",
        false,
        &[
            "caseid",
            "case",
            "casenumber",
            "ticket",
            "ticketid",
            "incident",
        ],
    ),
    c(
        "customer_id",
        false,
        &[
            "customerid",
            "customer",
            "accountid",
            "account",
            "clientid",
            "callerid",
            "customernumber",
            "requesterid",
            "requester",
            "buyerid",
            "buyer",
        ],
    ),
    c(
        "date",
        true,
        &[
            "date",
            "day",
            "contactdate",
            "calldate",
            "timestamp",
            "datetime",
            "time",
            "starttime",
            "start",
            "started",
            "startedat",
            "conversationstart",
            "interactionstart",
            "calltime",
        ],
    ),
    c(
        "contacts",
        true,
        &[
            "contacts",
            "count",
            "calls",
            "contactcount",
            "volume",
            "attempts",
            "interactionsoffered",
            "offered",
            "n",
        ],
    ),
    c(
        "channel",
        false,
        &["channel", "medium", "mediatype", "media", "via", "source"],
    ),
    c(
        "direction",
        false,
        &["direction", "inout", "inboundoutbound", "calldirection"],
    ),
];

/// Case attributes beside a long log: the id, and the owner columns a case
/// table may set; every other column is a dimension.
pub const CASES: &[Canon] = &[
    c(
        "case_id",
        true,
        &[
            "caseid",
            "case",
            "casenumber",
            "ticket",
            "ticketid",
            "id",
            "orderid",
        ],
    ),
    c("team", false, &["team", "queue", "group", "department"]),
    c("agent", false, &["agent", "owner", "assignee"]),
    c("channel", false, &["channel", "via", "source"]),
];

pub fn canon_for(kind: InputKind) -> &'static [Canon] {
    match kind {
        InputKind::Events => EVENTS,
        InputKind::Surveys => SURVEYS,
        InputKind::Contacts => CONTACTS,
        InputKind::Cases => CASES,
    }
}

pub fn normalise(name: &str) -> String {
    // Letters of every script kept: `Técnico` is técnico, not tcnico.
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The found column that most looks like `canon`: an exact synonym first
/// (in synonym order), then a column whose name contains one.
pub fn guess<'a>(canon: &Canon, found: &'a [String], taken: &[&str]) -> Option<&'a str> {
    let free = || found.iter().filter(|f| !taken.contains(&f.as_str()));
    let normal: Vec<(String, &String)> = free().map(|f| (normalise(f), f)).collect();
    let exact = std::iter::once(normalise(canon.name))
        .chain(canon.synonyms.iter().map(|s| s.to_string()))
        .find_map(|syn| {
            normal
                .iter()
                .find(|(n, _)| *n == syn)
                .map(|(_, f)| f.as_str())
        });
    exact.or_else(|| {
        canon
            .synonyms
            .iter()
            .filter(|s| s.len() >= 4)
            .find_map(|syn| {
                normal
                    .iter()
                    .find(|(n, _)| n.contains(syn))
                    .map(|(_, f)| f.as_str())
            })
    })
}

/// canonical name -> the user's column, for the columns this input has.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    pub map: BTreeMap<&'static str, String>,
    /// Columns mapped to nothing: kept as dimensions.
    pub extra: Vec<String>,
}

impl ColumnMap {
    pub fn get(&self, canon: &str) -> Option<&str> {
        self.map.get(canon).map(String::as_str)
    }
}

pub fn resolve(spec: &InputSpec, found: &[String]) -> Result<ColumnMap> {
    let canons = canon_for(spec.kind);
    for key in spec.columns.keys() {
        if !canons.iter().any(|c| c.name == key) {
            return Err(ConfigError::Invalid {
                key: format!("{}.columns.{key}", spec.kind),
                message: format!("`{key}` is not a canonical {} column", spec.kind),
                hint: Some(format!(
                    "use one of: {}; unmapped columns are kept as dimensions anyway",
                    canons.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                )),
            }
            .into());
        }
    }
    let find = |want: &str| {
        found
            .iter()
            .find(|f| f.as_str() == want)
            .or_else(|| found.iter().find(|f| f.eq_ignore_ascii_case(want)))
            .cloned()
    };
    let mut map = BTreeMap::new();
    // Interaction rows carry no count: each is one contact.
    let interactions = spec.shape == Some(Shape::Interactions);
    for canon in canons {
        if interactions && canon.name == "contacts" {
            continue;
        }
        let user = spec.columns.get(canon.name);
        let hit = match user {
            Some(u) => find(u),
            None => find(canon.name),
        };
        match hit {
            // The header names it twice (`detect` made the second `h (2)`):
            // which one is meant cannot be told.
            Some(h) if found.contains(&format!("{h} (2)")) => {
                return Err(InputError::DuplicateColumn {
                    kind: spec.kind,
                    path: spec.path.clone(),
                    column: h,
                    canon: canon.name.to_string(),
                }
                .into());
            }
            Some(h) => {
                map.insert(canon.name, h);
            }
            None if canon.required || user.is_some() => {
                let taken: Vec<&str> = map.values().map(String::as_str).collect();
                return Err(InputError::MissingColumn {
                    kind: spec.kind,
                    path: spec.path.clone(),
                    column: canon.name.to_string(),
                    looked_for: user.cloned().unwrap_or_else(|| canon.name.to_string()),
                    found: found.to_vec(),
                    suggestion: guess(canon, found, &taken).map(str::to_string),
                }
                .into());
            }
            None => {}
        }
    }
    if spec.kind != InputKind::Events
        && !map.contains_key("case_id")
        && !map.contains_key("customer_id")
    {
        if spec.kind == InputKind::Surveys {
            return Err(InputError::NoSurveyKey {
                path: spec.path.clone(),
                found: found.to_vec(),
            }
            .into());
        }
        return Err(InputError::MissingColumn {
            kind: spec.kind,
            path: spec.path.clone(),
            column: "case_id".into(),
            looked_for: "case_id or customer_id".into(),
            found: found.to_vec(),
            suggestion: guess(&canons[0], found, &[]).map(str::to_string),
        }
        .into());
    }
    let mapped: Vec<&String> = map.values().collect();
    let extra = found
        .iter()
        .filter(|f| !mapped.contains(f))
        .cloned()
        .collect();
    Ok(ColumnMap { map, extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_export_names() {
        let found: Vec<String> = ["Ticket ID", "Created", "Activity", "Queue", "Owner"]
            .map(String::from)
            .to_vec();
        assert_eq!(guess(&EVENTS[0], &found, &[]), Some("Ticket ID"));
        assert_eq!(guess(&EVENTS[1], &found, &[]), Some("Created"));
        assert_eq!(guess(&EVENTS[2], &found, &[]), Some("Activity"));
        assert_eq!(guess(&EVENTS[6], &found, &[]), Some("Queue"));
        assert_eq!(guess(&EVENTS[5], &found, &[]), Some("Owner"));
    }
}
