//! Endpoints over time: who held an extension or agent id at an instant, and so whose a call
//! leg is (see the [guide](crate::guide::recordings)).
//!
//! Built once by validation from every user's assignments, so that attributing a call is a
//! lookup, never a scan of users.

use serde::{Deserialize, Serialize};

use crate::fnv::{Positions, fnv1a64};
use crate::index::{UserEntry, UserIx, handle};
use crate::model::EndpointKind;

/// One user holding one endpoint during `[from, to)`: an assignment as the index keeps it
/// (overlapping assignments of one endpoint to one user are merged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assignment {
    /// Start, inclusive.
    pub from: i64,
    /// End, exclusive; `None` while still assigned.
    pub to: Option<i64>,
    /// The user.
    pub user: UserIx,
    /// Whether it is the user's primary endpoint (for a DEE member: always).
    pub primary: bool,
}

type Hold = Assignment;

impl Assignment {
    /// Whether the assignment holds at instant `t`.
    pub fn holds_at(&self, t: i64) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }

    /// The end as a number after every instant when open.
    fn end(&self) -> i128 {
        self.to.map_or(i128::MAX, i128::from)
    }
}

/// The holds of every endpoint of one kind: per endpoint, sorted by start and disjoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Holds {
    /// Each endpoint's position: its holds are `holds[starts[p]..starts[p + 1]]`.
    ids: Positions,
    starts: Vec<u32>,
    holds: Vec<Hold>,
}

/// One endpoint held by two users at one instant: a validation problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overlap<'a> {
    /// `extension`, `agent` or `DEE member`.
    pub(crate) what: &'static str,
    pub(crate) id: &'a str,
    /// The user whose assignment starts inside the other's.
    pub(crate) user: UserIx,
    pub(crate) other: UserIx,
    pub(crate) from: i64,
    /// The end of the overlap; `None` when neither assignment ends.
    pub(crate) to: Option<i64>,
}

impl Holds {
    /// Groups the holds by endpoint and sorts each by start, reports each hold that starts
    /// inside another user's, and merges the overlapping holds of one user. O(n log n), with
    /// endpoints ordered by their hash so that sorting compares integers, not strings.
    fn new<'a>(
        what: &'static str,
        items: Vec<(&'a str, Hold)>,
        overlaps: &mut Vec<Overlap<'a>>,
    ) -> Holds {
        // Sort small (hash, position) pairs: distinct endpoints nearly always differ in hash,
        // so most comparisons are of integers; ties fall back to the full order.
        let mut order: Vec<(u64, usize)> = items
            .iter()
            .enumerate()
            .map(|(k, (id, _))| (fnv1a64(id.as_bytes()), k))
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                let key = |k: usize| items.get(k).map(|(id, h)| (*id, h.from, h.end(), h.user));
                key(a.1).cmp(&key(b.1))
            })
        });
        let mut holds: Vec<Hold> = Vec::with_capacity(items.len());
        let items = order.into_iter().filter_map(|(hash, k)| {
            let &(id, hold) = items.get(k)?;
            Some((hash, id, hold))
        });
        // Each endpoint once, with its hash and where its holds start.
        let mut ids: Vec<&str> = Vec::new();
        let mut hashes: Vec<u64> = Vec::new();
        let mut starts: Vec<u32> = Vec::new();
        let mut current: Option<&str> = None;
        // The hold reaching furthest so far on the current endpoint: (end, user).
        let mut open: (i128, UserIx) = (i128::MIN, UserIx(0));
        for (hash, id, hold) in items {
            if current != Some(id) {
                current = Some(id);
                ids.push(id);
                hashes.push(hash);
                starts.push(handle(holds.len()));
                open = (hold.end(), hold.user);
                holds.push(hold);
                continue;
            }
            if i128::from(hold.from) < open.0 && hold.user != open.1 {
                overlaps.push(Overlap {
                    what,
                    id,
                    user: hold.user,
                    other: open.1,
                    from: hold.from,
                    to: i64::try_from(hold.end().min(open.0)).ok(),
                });
            }
            if hold.end() > open.0 {
                open = (hold.end(), hold.user);
            }
            if let Some(last) = holds.last_mut()
                && last.user == hold.user
                && i128::from(hold.from) <= last.end()
            {
                if hold.end() > last.end() {
                    last.to = hold.to;
                }
                last.primary |= hold.primary;
                continue;
            }
            holds.push(hold);
        }
        starts.push(handle(holds.len()));
        Holds {
            ids: Positions::hashed(&hashes, |k| ids.get(k).copied().unwrap_or_default()),
            starts,
            holds,
        }
    }

    /// Every assignment of `id`, by start.
    fn of(&self, id: &str) -> &[Hold] {
        self.find(id).unwrap_or_default()
    }

    fn find(&self, id: &str) -> Option<&[Hold]> {
        let p = self.ids.find(id)?;
        let (start, end) = (*self.starts.get(p)?, *self.starts.get(p.saturating_add(1))?);
        self.holds.get(start as usize..end as usize)
    }

    /// Who holds `id` at `t`. O(log n).
    fn at(&self, id: &str, t: i64) -> Option<UserIx> {
        let holds = self.find(id)?;
        let after = holds.partition_point(|h| h.from <= t);
        let hold = holds.get(after.checked_sub(1)?)?;
        hold.holds_at(t).then_some(hold.user)
    }
}

/// How a call leg came to be attributed to its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttributedBy {
    /// The user held the leg's agent id (an agent id beats the extension).
    Agent,
    /// The user held the leg's extension.
    Extension,
    /// The extension was a dynamic-extension (DEE) member of the user's primary extension, and
    /// nobody held it directly.
    Dee,
}

/// Whose a call leg is, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Attribution {
    /// The user the leg belongs to.
    pub user: UserIx,
    /// Which of the leg's endpoints decided.
    pub via: AttributedBy,
}

/// Every extension and agent id of a tenant with who held it when: built by validation,
/// reached through [`TenantIndex::endpoints`](crate::TenantIndex::endpoints).
///
/// ```
/// use pbx_entitlements::model::{EndpointAssignment, EndpointKind, Plan, Tenant, User};
/// use pbx_entitlements::{validate, AttributedBy};
///
/// let mut tenant = Tenant::new("acme", Plan::all("p"));
/// // Extension 201 was Bob's until t = 1000, then Carol's; agent 5001 is Alice's.
/// tenant.users.push(User::new("alice").with_endpoint(EndpointAssignment::agent("5001").primary()));
/// tenant.users.push(User::new("bob").with_endpoint(EndpointAssignment::extension("201").until(1000)));
/// tenant.users.push(User::new("carol").with_endpoint(EndpointAssignment::extension("201").since(1000)));
/// let index = validate(&tenant)?;
/// let endpoints = index.endpoints();
/// let id = |t, agent| endpoints.attribute(t, "201", agent).map(|a| index.user(a.user).unwrap().id().as_str());
///
/// assert_eq!(id(999, None), Some("bob"));
/// assert_eq!(id(1000, None), Some("carol"));
/// assert_eq!(id(1000, Some("5001")), Some("alice"));  // the agent id beats the extension
/// assert_eq!(endpoints.attribute(5, "999", None), None);
/// assert_eq!(endpoints.attribute(1000, "201", Some("5001")).unwrap().via, AttributedBy::Agent);
///
/// // The extension's history, by start.
/// let history = endpoints.assignments(EndpointKind::Extension, "201");
/// let holders: Vec<&str> = history.iter().map(|a| index.user(a.user).unwrap().id().as_str()).collect();
/// assert_eq!(holders, ["bob", "carol"]);
/// assert_eq!((history[0].from, history[0].to), (0, Some(1000)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Endpoints {
    extensions: Holds,
    agents: Holds,
    /// DEE members, held while their user holds a primary extension.
    dee: Holds,
}

impl Endpoints {
    /// The endpoints of `users` (in index order), and every endpoint held by two users at one
    /// instant (a DEE member counts as held while its user holds a primary extension). O(E log E)
    /// for E assignments and DEE members times primary intervals.
    pub(crate) fn new(users: &[UserEntry]) -> (Endpoints, Vec<Overlap<'_>>) {
        // Sized once: most endpoints are extensions.
        let endpoints = users
            .iter()
            .map(|u| u.endpoints.len())
            .fold(0usize, usize::saturating_add);
        let mut extensions = Vec::with_capacity(endpoints);
        let mut agents = Vec::new();
        let mut dee = Vec::new();
        for (u, user) in users.iter().enumerate() {
            let ix = UserIx(handle(u));
            for e in &user.endpoints {
                let hold = Hold {
                    from: e.from,
                    to: e.to,
                    user: ix,
                    primary: e.primary,
                };
                match e.kind {
                    EndpointKind::Agent => agents.push((e.id.as_str(), hold)),
                    EndpointKind::Extension => {
                        extensions.push((e.id.as_str(), hold));
                        if e.primary {
                            dee.extend(user.dee().iter().map(|m| (m.as_str(), hold)));
                        }
                    }
                }
            }
        }
        let mut overlaps = Vec::new();
        let endpoints = Endpoints {
            extensions: Holds::new("extension", extensions, &mut overlaps),
            agents: Holds::new("agent", agents, &mut overlaps),
            dee: Holds::new("DEE member", dee, &mut overlaps),
        };
        (endpoints, overlaps)
    }

    /// The user an extension or agent id belonged to at `t`, if any. An extension nobody
    /// held at `t` belongs to the user whose primary extension it was a DEE member of.
    /// O(log n).
    pub fn owner_at(&self, kind: EndpointKind, id: &str, t: i64) -> Option<UserIx> {
        match kind {
            EndpointKind::Agent => self.agents.at(id, t),
            EndpointKind::Extension => self.extension_at(id, t).map(|(user, _)| user),
        }
    }

    fn extension_at(&self, id: &str, t: i64) -> Option<(UserIx, AttributedBy)> {
        match self.extensions.at(id, t) {
            Some(user) => Some((user, AttributedBy::Extension)),
            None => self.dee.at(id, t).map(|user| (user, AttributedBy::Dee)),
        }
    }

    /// Whose a call leg at `t` is: the agent id's holder at `t` if any, else the extension's
    /// (directly, or as a DEE member); `None` if nobody's. A leg made before an endpoint
    /// changed hands stays with the earlier holder. O(log n).
    pub fn attribute(&self, t: i64, extension: &str, agent: Option<&str>) -> Option<Attribution> {
        if let Some(user) = agent.and_then(|a| self.agents.at(a, t)) {
            return Some(Attribution {
                user,
                via: AttributedBy::Agent,
            });
        }
        self.extension_at(extension, t)
            .map(|(user, via)| Attribution { user, via })
    }

    /// Every assignment of an extension or agent id, by start, whoever held it: the
    /// endpoint's history. O(log n).
    pub fn assignments(&self, kind: EndpointKind, id: &str) -> &[Assignment] {
        match kind {
            EndpointKind::Agent => self.agents.of(id),
            EndpointKind::Extension => self.extensions.of(id),
        }
    }

    /// How many extensions and agent ids the tenant has assigned.
    pub fn len(&self) -> usize {
        self.extensions
            .ids
            .len()
            .saturating_add(self.agents.ids.len())
    }

    /// Whether no endpoint is assigned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
