//! Every job of a listing, page after page.

use std::collections::{HashSet, VecDeque};

use super::Client;
use crate::error::Error;
use crate::model::JobDetail;
use crate::ops::ListQuery;

/// An iterator over every job of a listing, fetching pages as it goes (see
/// [`Client::list_all`]). After an error it yields nothing more.
///
/// ```
/// # #[cfg(feature = "emulator")] {
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
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JobIter<'a> {
    client: &'a Client,
    query: ListQuery,
    buffered: VecDeque<JobDetail>,
    seen_tokens: HashSet<String>,
    done: bool,
}

impl<'a> JobIter<'a> {
    pub(super) fn new(client: &'a Client, query: ListQuery) -> Self {
        JobIter {
            client,
            query,
            buffered: VecDeque::new(),
            seen_tokens: HashSet::new(),
            done: false,
        }
    }

    fn fetch(&mut self) -> Result<(), Error> {
        let page = self.client.list(&self.query)?;
        match page.next_token {
            // A repeated token means this page was served before: its jobs are not yielded
            // again.
            Some(token) if !self.seen_tokens.insert(token.clone()) => {
                return Err(Error::PagingLoop { token });
            }
            Some(token) => self.query.next_token = Some(token),
            None => self.done = true,
        }
        self.buffered.extend(page.jobs);
        Ok(())
    }
}

impl Iterator for JobIter<'_> {
    type Item = Result<JobDetail, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(job) = self.buffered.pop_front() {
                return Some(Ok(job));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fetch() {
                self.done = true;
                return Some(Err(e));
            }
        }
    }
}
