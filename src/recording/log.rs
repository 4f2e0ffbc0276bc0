//! A call log's recordings in a compact form for filtering: every token and group id interned
//! once, so that deciding a recording for a viewer compares integers instead of reading each
//! recording's strings. Worth it when one log is filtered for many viewers, or often.

use std::collections::HashMap;

use super::{Allowed, RecordingRights, Scope};
use crate::model::Recording;

/// No token: an absent agent id, group, account code or line.
const NONE: u32 = u32::MAX;

/// One recording's tokens as ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    /// The recording's legs in [`RecordingLog::legs`].
    legs: (u32, u32),
    group: u32,
    account_code: u32,
    line: u32,
}

/// The recordings of a call log, with their tokens interned, for
/// [`RecordingRights::replayable_in`] and [`RecordingRights::downloadable_in`].
///
/// Build it once per log (O(T) for T tokens, hashing each once) and filter it for as many
/// viewers as needed; it borrows the recordings and hands them back.
///
/// ```
/// use pbx_entitlements::model::{Leg, Plan, Recording, Tenant, User};
/// use pbx_entitlements::recording::RecordingLog;
/// use pbx_entitlements::{validate, Resolver};
///
/// let mut tenant = Tenant::new("acme", Plan::all("p"));
/// tenant.users.push(User::new("bob")
///     .with_override("recordings_replay", "own")
///     .with_override("recordings_replay_others", vec!["305"]));
/// let index = validate(&tenant)?;
/// let resolver = Resolver::new(&index);
///
/// let recordings = [
///     Recording::new("r1", 0).with_leg(Leg::extension("305")),
///     Recording::new("r2", 0).with_leg(Leg::extension("3050")),
/// ];
/// let log = RecordingLog::new(&recordings);
/// let bob = resolver.recording_rights("bob")?;
/// let ids: Vec<&str> = bob.replayable_in(&log).map(|r| r.id.as_str()).collect();
/// assert_eq!(ids, ["r1"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RecordingLog<'r> {
    recordings: &'r [Recording],
    /// Extensions, agent ids, account codes and lines. Only looked up: ids are given in
    /// order of first appearance, so no hasher decides anything.
    tokens: HashMap<&'r str, u32>,
    groups: HashMap<&'r str, u32>,
    rows: Vec<Row>,
    /// Every leg as (extension, agent id or `NONE`).
    legs: Vec<(u32, u32)>,
}

/// The id of `text` in `table`, given on first sight.
fn intern<'r>(table: &mut HashMap<&'r str, u32>, text: &'r str) -> u32 {
    let next = u32::try_from(table.len()).unwrap_or(NONE);
    *table.entry(text).or_insert(next)
}

impl<'r> RecordingLog<'r> {
    /// The log of `recordings`.
    pub fn new(recordings: &'r [Recording]) -> RecordingLog<'r> {
        let mut tokens = HashMap::new();
        let mut groups = HashMap::new();
        let mut rows = Vec::with_capacity(recordings.len());
        let mut legs = Vec::with_capacity(recordings.len());
        for recording in recordings {
            let first = u32::try_from(legs.len()).unwrap_or(NONE);
            for leg in &recording.legs {
                let extension = intern(&mut tokens, &leg.extension);
                let agent = leg
                    .agent
                    .as_deref()
                    .map_or(NONE, |a| intern(&mut tokens, a));
                legs.push((extension, agent));
            }
            let end = u32::try_from(legs.len()).unwrap_or(NONE);
            rows.push(Row {
                legs: (first, end),
                group: recording
                    .group
                    .as_ref()
                    .map_or(NONE, |g| intern(&mut groups, g.as_str())),
                account_code: recording
                    .account_code
                    .as_deref()
                    .map_or(NONE, |c| intern(&mut tokens, c)),
                line: recording
                    .line
                    .as_deref()
                    .map_or(NONE, |l| intern(&mut tokens, l)),
            });
        }
        RecordingLog {
            recordings,
            tokens,
            groups,
            rows,
            legs,
        }
    }

    /// The recordings, in order.
    pub fn recordings(&self) -> &'r [Recording] {
        self.recordings
    }

    /// How many recordings the log holds.
    pub fn len(&self) -> usize {
        self.recordings.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.recordings.is_empty()
    }

    /// The ids of those of `texts` the log has, sorted.
    fn ids_of<'a>(table: &HashMap<&str, u32>, texts: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let mut ids: Vec<u32> = texts.filter_map(|t| table.get(t).copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// A set of a log's ids, one bit each: a token's test is one load and one mask.
#[derive(Debug)]
struct Bits(Vec<u64>);

impl Bits {
    /// The set of `ids` among `len` ids.
    fn of(ids: &[u32], len: usize) -> Bits {
        let mut words = vec![0u64; len.div_ceil(64)];
        for &id in ids {
            if let Some(word) = words.get_mut(id as usize / 64) {
                *word |= 1 << (id % 64);
            }
        }
        Bits(words)
    }

    /// Whether `id` is in the set (`NONE` never is).
    #[inline]
    fn has(&self, id: u32) -> bool {
        self.0
            .get(id as usize / 64)
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }
}

/// One viewer's rights in a log's ids.
struct Bound {
    /// The viewer's extensions (DEE members included) and agent ids.
    own: Bits,
    /// The replay list's numbers.
    others: Bits,
    /// Replay groups, and groups whose number is in the replay list.
    groups: Bits,
}

impl<'i> RecordingRights<'i> {
    /// The viewer's rights in `log`'s ids; `None` when the log cannot answer alone (replay
    /// list `any`, where every token and numbered group counts).
    fn bind(&self, log: &RecordingLog<'_>) -> Option<Bound> {
        let Allowed::Only(others) = &self.others else {
            return None;
        };
        let own = RecordingLog::ids_of(
            &log.tokens,
            self.extensions.iter().chain(&self.agents).copied(),
        );
        let others = RecordingLog::ids_of(&log.tokens, others.iter().map(String::as_str));
        let groups = match &self.groups {
            Allowed::Any => log.groups.values().copied().collect(),
            Allowed::Only(groups) => RecordingLog::ids_of(
                &log.groups,
                groups
                    .iter()
                    .map(String::as_str)
                    .chain(self.numbered_groups.iter().copied()),
            ),
        };
        Some(Bound {
            own: Bits::of(&own, log.tokens.len()),
            others: Bits::of(&others, log.tokens.len()),
            groups: Bits::of(&groups, log.groups.len()),
        })
    }

    /// Whether the viewer may replay the recording at `position`: decided on ids, except when
    /// one of its legs is on one of the viewer's endpoints, which the exact test settles.
    fn may_replay_at(&self, log: &RecordingLog<'_>, bound: &Bound, position: usize) -> bool {
        let (Some(row), Some(recording)) = (log.rows.get(position), log.recordings.get(position))
        else {
            return false;
        };
        let legs = log
            .legs
            .get(row.legs.0 as usize..row.legs.1 as usize)
            .unwrap_or_default();
        let mut candidate = false;
        for &(extension, agent) in legs {
            if bound.others.has(extension) || bound.others.has(agent) {
                return true;
            }
            candidate |= bound.own.has(extension) || bound.own.has(agent);
        }
        if bound.groups.has(row.group)
            || bound.others.has(row.account_code)
            || bound.others.has(row.line)
        {
            return true;
        }
        candidate && self.may_replay(recording)
    }

    /// The recordings of `log` the viewer may replay, in order: the same as
    /// [`replayable`](RecordingRights::replayable), comparing interned ids.
    pub fn replayable_in<'a, 'r: 'a>(
        &'a self,
        log: &'a RecordingLog<'r>,
    ) -> Box<dyn Iterator<Item = &'r Recording> + 'a> {
        match (self.scope, self.bind(log)) {
            (Scope::All, _) => Box::new(log.recordings.iter()),
            (Scope::None, _) => Box::new(std::iter::empty()),
            (Scope::Own, None) => {
                Box::new(log.recordings.iter().filter(move |r| self.may_replay(r)))
            }
            (Scope::Own, Some(bound)) => Box::new(
                log.recordings
                    .iter()
                    .enumerate()
                    .filter(move |(i, _)| self.may_replay_at(log, &bound, *i))
                    .map(|(_, r)| r),
            ),
        }
    }

    /// The recordings of `log` the viewer may download, in order.
    pub fn downloadable_in<'a, 'r: 'a>(
        &'a self,
        log: &'a RecordingLog<'r>,
    ) -> Box<dyn Iterator<Item = &'r Recording> + 'a> {
        if self.download {
            self.replayable_in(log)
        } else {
            Box::new(std::iter::empty())
        }
    }
}
