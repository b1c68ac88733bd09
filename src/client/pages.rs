//! Every job of a listing, page after page, in bounded time and memory.

use std::collections::VecDeque;
use std::hash::{BuildHasher, RandomState};

use super::Client;
use crate::error::Error;
use crate::model::JobDetail;
use crate::ops::ListQuery;

/// Pages without an entry read in a row before [`JobIter`] (or any listing) gives up with
/// [`Error::EmptyPages`]: a service may return a few while filtering, never this many.
pub const MAX_EMPTY_PAGES: u32 = 20;

/// An iterator over every job of a listing, fetching pages as it goes (see
/// [`Client::list_all`]). After an error it yields nothing more.
///
/// A misbehaving service cannot hold it: one `next()` reads at most [`MAX_EMPTY_PAGES`]
/// pages before it returns, and the iterator keeps one page and two tokens whatever the
/// number of pages. A token that comes back (T1, T2, T1, ...) ends the listing with
/// [`Error::PagingLoop`] after the jobs of every page not served before.
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
/// use cos_ci_batch::model::{BatchJob, Input};
/// use cos_ci_batch::ops::ListQuery;
///
/// let emulator = Emulator::start()?;
/// let client = emulator.client_builder().build()?;
/// for i in 0..3 {
///     client.create(&BatchJob::workflow(format!("job-{i}"), "w1", Input::prefix("v/")))?;
/// }
/// // Pages of one job each; the iterator follows NextToken.
/// let names: Vec<String> = client
///     .list_all(&ListQuery::new().size(1))
///     .map(|job| job.map(|j| j.name.unwrap_or_default()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(names, ["job-2", "job-1", "job-0"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JobIter<'a> {
    pager: Pager<BatchJobs<'a>>,
}

impl<'a> JobIter<'a> {
    pub(super) fn new(client: &'a Client, query: ListQuery) -> Self {
        let start = query.filters.next_token.clone();
        JobIter {
            pager: Pager::new(BatchJobs { client, query }, start),
        }
    }
}

impl Iterator for JobIter<'_> {
    type Item = Result<JobDetail, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.pager.next()
    }
}

#[derive(Debug)]
struct BatchJobs<'a> {
    client: &'a Client,
    query: ListQuery,
}

impl Listing for BatchJobs<'_> {
    type Item = JobDetail;

    fn page(&mut self, token: Option<&str>) -> Result<Page<JobDetail>, Error> {
        self.query.filters.next_token = token.map(str::to_owned);
        let page = self.client.list(&self.query)?;
        Ok((page.jobs, page.next_token))
    }
}

/// Entries of one page and the token of the next (`None` on the last).
pub(crate) type Page<T> = (Vec<T>, Option<String>);

/// A listing that pages with `NextToken`.
pub(crate) trait Listing {
    type Item;

    /// The page after the one that returned `token` (`None`: the first page).
    fn page(&mut self, token: Option<&str>) -> Result<Page<Self::Item>, Error>;
}

/// Every entry of a listing, page after page, with the bounds described on [`JobIter`].
#[derive(Debug)]
pub(crate) struct Pager<L: Listing> {
    listing: L,
    token: Option<String>,
    buffered: VecDeque<L::Item>,
    loops: LoopDetector,
    /// What ends the listing once `buffered` is drained: `None` to fetch on, `Some(None)`
    /// for the end, `Some(Some(e))` for an error.
    end: Option<Option<Error>>,
}

impl<L: Listing> Pager<L> {
    pub(crate) fn new(listing: L, start: Option<String>) -> Self {
        Pager {
            listing,
            loops: LoopDetector::new(start.clone()),
            token: start,
            buffered: VecDeque::new(),
            end: None,
        }
    }

    /// Fetches one page into the buffer, and notes how the listing ends if it does.
    fn fetch(&mut self) {
        let (entries, next) = match self.listing.page(self.token.as_deref()) {
            Ok(page) => page,
            Err(e) => {
                self.end = Some(Some(e));
                return;
            }
        };
        self.buffered.extend(entries);
        match next {
            None => self.end = Some(None),
            Some(token) if self.loops.repeats(&token) => {
                self.end = Some(Some(Error::PagingLoop { token }));
            }
            Some(token) => self.token = Some(token),
        }
    }
}

impl<L: Listing> Iterator for Pager<L> {
    type Item = Result<L::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut empty_pages = 0;
        loop {
            if let Some(entry) = self.buffered.pop_front() {
                return Some(Ok(entry));
            }
            match &mut self.end {
                Some(end) => return end.take().map(Err),
                None if empty_pages == MAX_EMPTY_PAGES => {
                    self.end = Some(None);
                    return Some(Err(Error::EmptyPages {
                        pages: MAX_EMPTY_PAGES,
                    }));
                }
                None => {
                    empty_pages += 1;
                    self.fetch();
                }
            }
        }
    }
}

/// Tokens remembered exactly: a cycle up to this long is caught the first time a token
/// comes back, before any page is served twice.
const RECENT_TOKENS: usize = 1024;

/// Finds a token sequence that comes back on itself, in constant memory: the hashes (not the
/// tokens, which the service may make huge) of the last [`RECENT_TOKENS`] tokens, and Brent's
/// cycle detection for longer cycles, which it finds within a few times their length.
#[derive(Debug)]
struct LoopDetector {
    hasher: RandomState,
    recent: VecDeque<u64>,
    saved: Option<u64>,
    power: u64,
    steps: u64,
}

impl LoopDetector {
    fn new(start: Option<String>) -> Self {
        let mut detector = LoopDetector {
            hasher: RandomState::new(),
            recent: VecDeque::with_capacity(RECENT_TOKENS),
            saved: None,
            power: 1,
            steps: 0,
        };
        if let Some(start) = start {
            detector.repeats(&start);
        }
        detector
    }

    /// Records the next token; true when the sequence of tokens has come back on itself.
    fn repeats(&mut self, token: &str) -> bool {
        let hash = self.hasher.hash_one(token);
        if self.saved == Some(hash) || self.recent.contains(&hash) {
            return true;
        }
        if self.recent.len() == RECENT_TOKENS {
            self.recent.pop_front();
        }
        self.recent.push_back(hash);
        self.steps += 1;
        if self.steps == self.power {
            self.saved = Some(hash);
            self.power = self.power.saturating_mul(2);
            self.steps = 0;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{LoopDetector, RECENT_TOKENS};

    fn first_repeat(tokens: &[&str]) -> Option<usize> {
        let mut detector = LoopDetector::new(None);
        tokens.iter().position(|t| detector.repeats(t))
    }

    #[test]
    fn every_cycle_is_found_and_no_straight_run_is_taken_for_one() {
        assert_eq!(first_repeat(&["a", "b", "c", "d", "e", "f"]), None);
        assert_eq!(first_repeat(&["a", "a"]), Some(1));
        assert_eq!(first_repeat(&["a", "b", "a", "b", "a", "b"]), Some(2));
        let short: Vec<String> = (0..1000).map(|i| (i % 37).to_string()).collect();
        let short: Vec<&str> = short.iter().map(String::as_str).collect();
        assert_eq!(first_repeat(&short), Some(37));
        let cycle = RECENT_TOKENS + 100;
        let long: Vec<String> = (0..cycle * 5).map(|i| (i % cycle).to_string()).collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        let at = first_repeat(&long).unwrap();
        assert!((cycle..=cycle * 4).contains(&at), "{at}");
    }

    #[test]
    fn a_start_token_that_comes_back_is_a_loop() {
        let mut detector = LoopDetector::new(Some("t0".into()));
        assert!(!detector.repeats("t1"));
        assert!(detector.repeats("t0"));
    }
}
