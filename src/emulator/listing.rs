//! What every listing of the service shares: the common query parameters, and paging over a
//! sequence of candidates without building it. A token is a position in the sequence, so
//! each page costs what it scans, however long the sequence.

use time::OffsetDateTime;

use crate::model::{JobState, ServiceTime};

/// A query parameter, when sent and not empty.
pub(crate) fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `orderByTime`, `states`, `startCreationTime`, `endCreationTime`, `size` and `nextToken`.
pub(crate) struct ListParams {
    size: usize,
    ascending: bool,
    states: Vec<JobState>,
    after: Option<OffsetDateTime>,
    before: Option<OffsetDateTime>,
    /// The number of the next candidate to look at (from `nextToken`).
    cursor: Option<usize>,
    /// Whether the creation-time bounds leave out what falls on them.
    strict: bool,
}

impl ListParams {
    /// Reads the common parameters; `Err` is the `InvalidArgument` message.
    pub(crate) fn read(query: &[(String, String)]) -> Result<Self, String> {
        let size = match param(query, "size") {
            None => 10,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => return Err(format!("size {s:?} is outside 1..=100")),
            },
        };
        let ascending = match param(query, "orderByTime") {
            None | Some("Desc") => false,
            Some("Asc") => true,
            Some(o) => return Err(format!("orderByTime {o:?} is not Desc or Asc")),
        };
        let mut states = Vec::new();
        for name in param(query, "states").unwrap_or("All").split(',') {
            let Ok(state) = name.parse::<JobState>();
            match state {
                JobState::Unknown(n) if n == "All" => states.clear(),
                JobState::Unknown(n) => return Err(format!("states holds an unknown state {n:?}")),
                s => states.push(s),
            }
        }
        let time = |name: &str| -> Result<Option<OffsetDateTime>, String> {
            let Some(text) = param(query, name) else {
                return Ok(None);
            };
            let time = ServiceTime::new(text.to_owned());
            time.time()
                .map(Some)
                .ok_or_else(|| format!("{name} {text:?} is not a time"))
        };
        let cursor = match param(query, "nextToken") {
            None => None,
            Some(t) if t.bytes().all(|b| b.is_ascii_digit()) => Some(
                t.parse::<usize>()
                    .map_err(|_| format!("nextToken {t:?} is not valid"))?,
            ),
            Some(t) => return Err(format!("nextToken {t:?} is not valid")),
        };
        Ok(ListParams {
            size,
            ascending,
            after: time("startCreationTime")?,
            before: time("endCreationTime")?,
            states,
            cursor,
            strict: false,
        })
    }

    /// The creation-time bounds leave out entries created exactly at them: the media-job
    /// listing's, which its documentation calls "greater than" / "less than" ("大于" /
    /// "小于", DOC-MJOBS in object-results-api.md), where batch jobs and workflow runs say
    /// "at or after" / "at or before".
    pub(crate) fn strict_bounds(mut self) -> Self {
        self.strict = true;
        self
    }

    /// Whether an entry in `state`, created at `created`, passes the state and time filters.
    pub(crate) fn admits(&self, state: &JobState, created: OffsetDateTime) -> bool {
        (self.states.is_empty() || self.states.contains(state))
            && self
                .after
                .is_none_or(|a| created > a || (!self.strict && created == a))
            && self
                .before
                .is_none_or(|b| created < b || (!self.strict && created == b))
    }

    /// One page over `count` candidates, numbered oldest first: the numbers of the
    /// candidates `matches` takes, in the order asked for, and the token of the next page.
    /// A token is the number of the next candidate to look at, so candidates added since
    /// (always at the end) neither repeat nor hide entries on later pages, newest first
    /// included.
    pub(crate) fn page(
        &self,
        count: usize,
        matches: impl FnMut(usize) -> bool,
    ) -> (Vec<usize>, Option<String>) {
        self.page_from(count, None, |_| false, matches)
    }

    /// [`ListParams::page`] over candidates in creation order (`created` never decreases
    /// with the number): an ascending page starts at the first one the creation-time window
    /// can hold, and the listing ends at the first one past it, so that a slice of a large
    /// batch job costs its own records, not every record before it.
    pub(crate) fn page_in_creation_order(
        &self,
        count: usize,
        created: impl Fn(usize) -> OffsetDateTime,
        matches: impl FnMut(usize) -> bool,
    ) -> (Vec<usize>, Option<String>) {
        if !self.ascending {
            return self.page(count, matches);
        }
        let first = self.after.map(|after| {
            // The first candidate created at or after `after`.
            let (mut low, mut high) = (0, count);
            while low < high {
                let middle = low + (high - low) / 2;
                if created(middle) < after {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            low
        });
        let before = self.before;
        let past = |index: usize| before.is_some_and(|b| created(index) > b);
        self.page_from(count, first, past, matches)
    }

    fn page_from(
        &self,
        count: usize,
        first: Option<usize>,
        past: impl Fn(usize) -> bool,
        mut matches: impl FnMut(usize) -> bool,
    ) -> (Vec<usize>, Option<String>) {
        let mut taken = Vec::with_capacity(self.size.min(count));
        let mut next = match (self.ascending, self.cursor) {
            (_, Some(cursor)) => Some(cursor),
            (true, None) => Some(first.unwrap_or(0)),
            (false, None) => count.checked_sub(1),
        };
        while let Some(index) = next.filter(|&i| i < count) {
            if taken.len() == self.size {
                break;
            }
            if past(index) {
                next = None;
                break;
            }
            if matches(index) {
                taken.push(index);
            }
            next = if self.ascending {
                index.checked_add(1)
            } else {
                index.checked_sub(1)
            };
        }
        let token = next.filter(|&i| i < count).map(|i| i.to_string());
        (taken, token)
    }
}

/// Candidates laid end to end from several sources, found by their number in the whole.
pub(crate) struct Segments<S> {
    parts: Vec<(S, usize, usize)>,
    total: usize,
}

impl<S: Copy> Segments<S> {
    /// Sources with their lengths, in order.
    pub(crate) fn new(sources: impl IntoIterator<Item = (S, usize)>) -> Self {
        let mut total = 0;
        let parts = sources
            .into_iter()
            .map(|(source, len)| {
                let start = total;
                total += len;
                (source, start, len)
            })
            .collect();
        Segments { parts, total }
    }

    pub(crate) fn len(&self) -> usize {
        self.total
    }

    /// The source and the index in it of candidate `n`.
    pub(crate) fn locate(&self, n: usize) -> (S, usize) {
        let at = self.parts.partition_point(|(_, start, _)| *start <= n) - 1;
        let (source, start, _) = self.parts[at];
        (source, n - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ListParams {
        let query: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        ListParams::read(&query).unwrap()
    }

    #[test]
    fn pages_walk_every_candidate_once_in_either_order() {
        for order in ["Asc", "Desc"] {
            let mut seen = Vec::new();
            let mut token = String::new();
            loop {
                let p = params(&[("size", "3"), ("orderByTime", order), ("nextToken", &token)]);
                let (taken, next) = p.page(10, |i| i % 2 == 0);
                seen.extend(taken);
                match next {
                    Some(t) => token = t,
                    None => break,
                }
            }
            if order == "Desc" {
                seen.reverse();
            }
            assert_eq!(seen, [0, 2, 4, 6, 8], "{order}");
        }
    }

    #[test]
    fn segments_find_each_candidate() {
        let segments = Segments::new([('a', 2), ('b', 0), ('c', 3)]);
        assert_eq!(segments.len(), 5);
        let found: Vec<(char, usize)> = (0..5).map(|n| segments.locate(n)).collect();
        assert_eq!(found, [('a', 0), ('a', 1), ('c', 0), ('c', 1), ('c', 2)]);
    }
}
