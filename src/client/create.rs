//! Create without duplicates: send again only what never arrived; after an outcome that may
//! have reached the service, only search. The rule is documented on [`Client::create`].

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::Client;
use super::retry::{CreateFailure, RetryRule, classify_create_failure};
use crate::error::Error;
use crate::model::wire::WriteField;
use crate::model::{BatchJob, Element, JobDetail, JobKind, parse_time};
use crate::ops::{CreateJob, CreateJobResponse, ListJobs, ListQuery, Order, TypeFilter};
use crate::xml::{Document, Writer};

/// The first pause of the search, and the longest.
const FIRST_SEARCH_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_SEARCH_PAUSE: Duration = Duration::from_secs(8);

/// Same-named jobs read per search: the job looked for is among the newest.
const SEARCH_PAGES: usize = 5;

pub(super) fn create(client: &Client, job: &BatchJob) -> Result<CreateJobResponse, Error> {
    let op = CreateJob::new(job)?;
    let before = if client.inner.reconcile {
        Some(Existing::list(client, job)?)
    } else {
        None
    };
    let error = match client.execute(&op, RetryRule::Create, None) {
        Ok(created) => return Ok(created),
        Err(e) => e,
    };
    if classify_create_failure(&error) != CreateFailure::OutcomeUnknown {
        return Err(error);
    }
    let found = before.and_then(|before| search(client, job, &before));
    found
        .map(CreateJobResponse::found)
        .ok_or_else(|| Error::CreateOutcomeUnknown {
            name: job.name.clone(),
            attempts: error.attempts(),
            last: Box::new(error),
        })
}

/// The same-named jobs of this type that existed before the first attempt: none of them can
/// be the job this call creates.
struct Existing {
    ids: HashSet<String>,
    /// When the listing had more pages: the oldest creation time it showed. Jobs that old
    /// or older may exist unlisted, so only newer ones can be taken.
    cut_off: Option<time::OffsetDateTime>,
    /// The listing had more pages but its last job had no creation time: nothing not
    /// listed can be told apart from an older job.
    unbounded: bool,
}

impl Existing {
    fn list(client: &Client, job: &BatchJob) -> Result<Self, Error> {
        let page = client.list(&same_named(job))?;
        let more = page.next_token.is_some();
        let oldest = page
            .jobs
            .last()
            .and_then(|j| j.creation_time.as_ref())
            .and_then(|t| t.time());
        Ok(Existing {
            ids: page.jobs.into_iter().map(|j| j.job_id).collect(),
            cut_off: oldest.filter(|_| more),
            unbounded: more && oldest.is_none(),
        })
    }

    /// Whether `detail` can be a job created after this listing.
    fn may_be_new(&self, detail: &JobDetail) -> bool {
        if self.unbounded || self.ids.contains(&detail.job_id) {
            return false;
        }
        match (
            self.cut_off,
            detail.creation_time.as_ref().and_then(|t| t.time()),
        ) {
            (Some(cut_off), Some(created)) => created > cut_off,
            (Some(_), None) => false,
            (None, _) => true,
        }
    }
}

fn same_named(job: &BatchJob) -> ListQuery {
    ListQuery::new()
        .name(job.name.clone())
        .job_type(match job.kind {
            JobKind::Workflow(_) => TypeFilter::Workflow,
            JobKind::Job(_) => TypeFilter::Job,
        })
        .order(Order::Desc)
        .size(100)
}

/// Lists same-named jobs until the one created is found or the search time is over.
fn search(client: &Client, job: &BatchJob, before: &Existing) -> Option<JobDetail> {
    let said = said_elements(job);
    let ends = Instant::now().checked_add(client.inner.create_search);
    let mut pause = FIRST_SEARCH_PAUSE;
    loop {
        let now = Instant::now();
        let wait = ends.map_or(pause, |ends| pause.min(ends.saturating_duration_since(now)));
        std::thread::sleep(wait);
        if let Some(found) = find_once(client, job, &said, before) {
            return Some(found);
        }
        if ends.is_some_and(|ends| Instant::now() >= ends) {
            return None;
        }
        pause = (pause * 2).min(LONGEST_SEARCH_PAUSE);
    }
}

/// One look through the newest same-named jobs. A failed listing finds nothing this time.
fn find_once(
    client: &Client,
    job: &BatchJob,
    said: &[Element],
    before: &Existing,
) -> Option<JobDetail> {
    let mut query = same_named(job);
    for _ in 0..SEARCH_PAGES {
        let page = client
            .execute(&ListJobs::new(&query).ok()?, RetryRule::Idempotent, None)
            .ok()?;
        let found = page
            .jobs
            .into_iter()
            .find(|detail| before.may_be_new(detail) && carries(detail, job, said));
        if found.is_some() {
            return found;
        }
        query.filters.next_token = Some(page.next_token?);
    }
    None
}

/// The `Input` and `Operation` elements of the request, as sent.
fn said_elements(job: &BatchJob) -> Vec<Element> {
    let mut w = Writer::new();
    w.open("Said");
    // The request was written once already by `CreateJob::new`, so this cannot fail.
    let _ = job.write_input_and_operation(&mut w);
    w.close("Said");
    elements_of(&w.finish())
}

/// Whether a listed job carries everything the request said.
fn carries(detail: &JobDetail, job: &BatchJob, said: &[Element]) -> bool {
    if detail.name.as_deref() != Some(job.name.as_str())
        || detail.job_type.as_ref() != Some(&job.job_type())
    {
        return false;
    }
    let (Some(input), Some(operation)) = (&detail.input, &detail.operation) else {
        return false;
    };
    let mut w = Writer::new();
    w.open("Echoed");
    if input.write_field(&mut w, "Input").is_err()
        || operation.write_field(&mut w, "Operation").is_err()
    {
        return false;
    }
    w.close("Echoed");
    let echoed = elements_of(&w.finish());
    contains_in_order(&echoed, said)
}

fn elements_of(xml: &str) -> Vec<Element> {
    Document::parse(xml.as_bytes(), "Said")
        .map(|doc| doc.root().to_element().children)
        .unwrap_or_default()
}

/// Whether every element of `said` is matched, in order, by an element of `echoed`, where
/// `echoed` may hold more (defaults the service adds). Texts match when equal after trimming,
/// or when both are the same instant written differently.
fn contains_in_order(echoed: &[Element], said: &[Element]) -> bool {
    let mut echoed = echoed.iter();
    said.iter()
        .all(|wanted| echoed.any(|candidate| matches(candidate, wanted)))
}

fn matches(echoed: &Element, said: &Element) -> bool {
    echoed.name == said.name
        && same_text(&echoed.text, &said.text)
        && contains_in_order(&echoed.children, &said.children)
}

fn same_text(echoed: &str, said: &str) -> bool {
    let (echoed, said) = (echoed.trim(), said.trim());
    echoed == said || matches!((parse_time(echoed), parse_time(said)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(xml: &str) -> Vec<Element> {
        elements_of(&format!("<Said>{xml}</Said>"))
    }

    #[test]
    fn an_echo_must_hold_every_element_said_in_order() {
        let said = tree(
            "<Input><Prefix>v/</Prefix></Input><Operation><WorkflowIds>w1</WorkflowIds></Operation>",
        );
        let echoed = tree(
            "<Input><Prefix>v/</Prefix></Input><Operation><WorkflowIds>w1</WorkflowIds><JobLevel>0</JobLevel></Operation>",
        );
        assert!(contains_in_order(&echoed, &said));
        let other_workflow = tree(
            "<Input><Prefix>v/</Prefix></Input><Operation><WorkflowIds>w2</WorkflowIds></Operation>",
        );
        assert!(!contains_in_order(&other_workflow, &said));
        let no_operation = tree("<Input><Prefix>v/</Prefix></Input>");
        assert!(!contains_in_order(&no_operation, &said));
    }

    #[test]
    fn times_match_as_instants() {
        assert!(same_text(
            "2024-01-01T00:00:00+0800",
            "2023-12-31T16:00:00Z"
        ));
        assert!(!same_text(
            "2024-01-01T00:00:00+0800",
            "2024-01-01T00:00:00Z"
        ));
        assert!(same_text(" a ", "a"));
    }
}
