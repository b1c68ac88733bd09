//! Listing a batch job's outcomes in slices of its lifetime, several at once
//! ([`super::OutcomeOptions::concurrency`]).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};

use time::OffsetDateTime;

use super::ObjectOutcome;
use super::outcomes::Outcomes;
use super::pages::{Listing, Pager};
use crate::error::Error;

/// The most slices listed at once.
pub(crate) const MAX_CONCURRENCY: usize = 64;
/// Records waiting for the caller; a slice that gets ahead waits for it.
const QUEUE: usize = 1000;
/// Slices per worker, so that a busy second does not leave the others idle.
const SLICES_PER_WORKER: usize = 4;

/// The records of every slice, as the workers hand them over. Like a listing in one
/// piece, it ends at its first error; when it ends or is dropped, the workers stop at their
/// next record or page.
#[derive(Debug)]
pub(crate) struct Slices {
    /// `None` once an error was handed over.
    records: Option<Receiver<Result<ObjectOutcome, Error>>>,
    /// An error met before any worker started (the probe's first request).
    failed: Option<Error>,
    stop: Arc<AtomicBool>,
}

impl Iterator for Slices {
    type Item = Result<ObjectOutcome, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        let record = self.records.as_ref()?.recv().ok()?;
        if record.is_err() {
            self.records = None;
            self.stop.store(true, Ordering::SeqCst);
        }
        Some(record)
    }
}

impl Drop for Slices {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// One slice: records created in `[from, to)` whole seconds (open where `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slice {
    from: Option<i64>,
    to: Option<i64>,
}

impl Slice {
    fn keeps(&self, second: i64) -> bool {
        self.from.is_none_or(|f| second >= f) && self.to.is_none_or(|t| second < t)
    }
}

/// The slices of a lifetime from `from` to `to` (Unix seconds): about `count`, cut on whole
/// seconds, the first open below and the last open above.
fn slices(from: i64, to: i64, count: usize) -> Vec<Slice> {
    let span = i128::from(to.saturating_sub(from).max(0));
    let count = count.max(1) as i128;
    // Spread evenly over the whole span, on whole seconds.
    let mut cuts: Vec<i64> = (1..count)
        .map(|i| from.saturating_add((span * i / count) as i64))
        .filter(|&cut| cut > from && cut <= to)
        .collect();
    cuts.dedup();
    let mut bounds = Vec::with_capacity(cuts.len() + 1);
    let mut previous = None;
    for cut in cuts {
        bounds.push(Slice {
            from: previous,
            to: Some(cut),
        });
        previous = Some(cut);
    }
    bounds.push(Slice {
        from: previous,
        to: None,
    });
    bounds
}

/// How the service reads a listing's creation-time bounds, as a probe found it (`false`
/// also when it could not tell: then every slice asks for a second more on that side than
/// it keeps).
#[derive(Clone, Copy, Debug, Default)]
struct Bounds {
    /// `startCreationTime` takes what was created at it.
    lower_inclusive: bool,
    /// `endCreationTime` takes what was created at it.
    upper_inclusive: bool,
}

impl Bounds {
    /// What to ask for so that the service gives the seconds `[from, to)` and no more when
    /// the probe could tell how it reads its bounds, and a second more otherwise.
    fn window(&self, slice: Slice) -> (Option<i64>, Option<i64>) {
        let after = slice
            .from
            .map(|f| if self.lower_inclusive { f } else { f - 1 });
        let before = slice
            .to
            .map(|t| if self.upper_inclusive { t - 1 } else { t });
        (after, before)
    }

    /// Three requests of one record (failed runs not described): the oldest record's second
    /// `c`, then whether `startCreationTime=c` and `endCreationTime=c` each still give it.
    /// The first request's error is the listing's; a later one leaves that bound unknown.
    fn probe(listing: &Outcomes) -> Result<Bounds, Error> {
        // The first record's creation second (`None` inside: it has none readable).
        let first_of = |after: Option<i64>, before: Option<i64>| {
            let mut one = listing.clone();
            one.without_failure_details();
            one.page_size(1);
            let at = |s: i64| OffsetDateTime::from_unix_timestamp(s).ok();
            one.within(after.and_then(at), before.and_then(at));
            let (records, _) = one.page(None)?;
            Ok::<_, Error>(records.first().map(|r| {
                r.created
                    .as_ref()
                    .and_then(|t| t.time())
                    .map(OffsetDateTime::unix_timestamp)
            }))
        };
        let Some(Some(oldest)) = first_of(None, None)? else {
            return Ok(Bounds::default());
        };
        let gives_oldest =
            |after, before| first_of(after, before).is_ok_and(|first| first == Some(Some(oldest)));
        Ok(Bounds {
            lower_inclusive: gives_oldest(Some(oldest), None),
            upper_inclusive: gives_oldest(None, Some(oldest)),
        })
    }
}

impl Slices {
    /// Lists `listing` in slices of `[from, to]`, `concurrency` at once.
    pub(crate) fn start(
        listing: Outcomes,
        from: OffsetDateTime,
        to: OffsetDateTime,
        concurrency: usize,
    ) -> Slices {
        let workers = concurrency.clamp(1, MAX_CONCURRENCY);
        let all = Arc::new(slices(
            from.unix_timestamp(),
            to.unix_timestamp(),
            workers * SLICES_PER_WORKER,
        ));
        let next = Arc::new(AtomicUsize::new(0));
        let unreadable = Arc::new(Mutex::new(HashSet::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, records) = mpsc::sync_channel(QUEUE);
        let bounds = match Bounds::probe(&listing) {
            Ok(bounds) => bounds,
            Err(e) => {
                return Slices {
                    records: None,
                    failed: Some(e),
                    stop,
                };
            }
        };
        for _ in 0..workers.min(all.len()) {
            let work = Worker {
                listing: listing.clone(),
                bounds,
                slices: Arc::clone(&all),
                next: Arc::clone(&next),
                unreadable: Arc::clone(&unreadable),
                sender: sender.clone(),
                stop: Arc::clone(&stop),
            };
            let spawned = std::thread::Builder::new()
                .name("cos-ci-batch-outcomes".into())
                .spawn(move || work.run());
            if spawned.is_err() {
                // No thread to be had: the workers already started take every slice.
                break;
            }
        }
        Slices {
            records: Some(records),
            failed: None,
            stop,
        }
    }
}

/// A thread that lists slice after slice until none is left or the caller has gone.
struct Worker {
    listing: Outcomes,
    bounds: Bounds,
    slices: Arc<Vec<Slice>>,
    next: Arc<AtomicUsize>,
    /// The ids of records whose creation time cannot be read, kept by the first slice that
    /// meets them.
    unreadable: Arc<Mutex<HashSet<String>>>,
    sender: SyncSender<Result<ObjectOutcome, Error>>,
    /// Set when the caller has gone or met an error: records filtered out are never sent,
    /// so a closed channel alone would not be noticed.
    stop: Arc<AtomicBool>,
}

impl Worker {
    fn run(self) {
        while !self.stop.load(Ordering::SeqCst) {
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            let Some(&slice) = self.slices.get(i) else {
                return;
            };
            if !self.list(slice) {
                return;
            }
        }
    }

    /// Lists one slice; `false` when listing should stop (an error, or the caller gone or
    /// stopped).
    fn list(&self, slice: Slice) -> bool {
        let mut listing = self.listing.clone();
        let at = |second: i64| OffsetDateTime::from_unix_timestamp(second).ok();
        let (after, before) = self.bounds.window(slice);
        listing.within(after.and_then(at), before.and_then(at));
        for record in Pager::new(listing, None) {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let outcome = match record {
                Ok(outcome) => outcome,
                Err(e) => {
                    let _ = self.sender.send(Err(e));
                    return false;
                }
            };
            if self.keeps(slice, &outcome) && self.sender.send(Ok(outcome)).is_err() {
                return false;
            }
        }
        true
    }

    fn keeps(&self, slice: Slice, outcome: &ObjectOutcome) -> bool {
        match outcome.created.as_ref().and_then(|t| t.time()) {
            Some(created) => slice.keeps(created.unix_timestamp()),
            None => {
                let id = outcome
                    .media_job_id
                    .clone()
                    .or_else(|| outcome.run_id.clone())
                    .unwrap_or_else(|| outcome.object.clone());
                self.unreadable
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(id)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_second_once_and_are_open_at_both_ends() {
        let all = slices(100, 110, 4);
        assert_eq!(all.first().unwrap().from, None);
        assert_eq!(all.last().unwrap().to, None);
        for second in 0..200 {
            assert_eq!(
                all.iter().filter(|s| s.keeps(second)).count(),
                1,
                "{second}"
            );
        }
        // A lifetime shorter than the slices asked for: no more slices than seconds.
        assert_eq!(slices(100, 101, 16).len(), 1);
        assert_eq!(slices(100, 104, 16).len(), 4);
        // Cuts spread over the whole lifetime, not bunched at its start.
        let cuts: Vec<i64> = slices(0, 53, 32).iter().filter_map(|s| s.to).collect();
        assert_eq!(
            (cuts.len(), cuts.first(), cuts.last()),
            (31, Some(&1), Some(&51))
        );
        assert_eq!(slices(100, 100, 8).len(), 1);
        assert_eq!(slices(100, 90, 8).len(), 1, "an end before the start");
    }
}
