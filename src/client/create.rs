//! Create without duplicates: send again only what never arrived; after an outcome that may
//! have reached the service, only search. The rule is documented on [`Client::create`].

use std::collections::HashSet;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::Client;
use super::retry::{CreateFailure, RetryRule, classify_create_failure};
use crate::error::{Error, ResponseError, UnreadableResponse};
use crate::model::wire::WriteField;
use crate::model::{BatchJob, Element, JobDetail, JobKind, parse_time};
use crate::ops::{CreateJob, CreateJobResponse, ListJobs, ListQuery, Order, TypeFilter};
use crate::xml::{Document, Writer};

/// The first pause of the search, and the longest.
const FIRST_SEARCH_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_SEARCH_PAUSE: Duration = Duration::from_secs(8);

/// Pages of same-named jobs read per look. A look decides only when it has seen every job
/// created since the window opened, so this bounds how many same-named jobs (100 a page)
/// others may create around the same time before the search cannot decide.
const SEARCH_PAGES: usize = 5;

/// How far the service's `Date` may run ahead of the clock that stamps `CreationTime`
/// (a front end and a back end, a `Date` rounded up): a job stamped up to this long before
/// the first listing's `Date` may still be the one created.
const STAMP_TOLERANCE_SECS: i64 = 5;

/// The Operation elements this crate knows (those `ReportedOperation` names): an echo must
/// hold exactly what the request said of them, no more and no less. Other elements the
/// service may add.
const KNOWN_OPERATION: &[&str] = crate::model::ReportedOperation::WIRE_NAMES;

pub(super) fn create(client: &Client, job: &BatchJob) -> Result<CreateJobResponse, Error> {
    let op = CreateJob::new(job)?;
    let said = request_elements(op.body());
    let before = if client.inner.reconcile {
        Some(Existing::list(client, job)?)
    } else {
        None
    };
    let unknown = |error: Error| Error::CreateOutcomeUnknown {
        name: job.name.clone(),
        attempts: error.attempts(),
        last: Box::new(error),
    };
    let error = match client.execute(&op, RetryRule::Create, None) {
        // A success is taken only when it is about this request: a job not listed before
        // that echoes what was sent, as the search requires of a listed job.
        Ok(created)
            if before
                .as_ref()
                .is_none_or(|b| b.may_be_answer(&created.job))
                && said.as_ref().is_some_and(|s| carries(&created.job, job, s)) =>
        {
            return Ok(created);
        }
        // A success about another job says nothing of this one: it may exist or not.
        Ok(created) => mismatch(created),
        Err(e) => e,
    };
    if classify_create_failure(&error) != CreateFailure::OutcomeUnknown {
        return Err(error);
    }
    let found = match (&before, &said) {
        (Some(before), Some(said)) if before.can_tell_new() => search(client, job, said, before),
        _ => None,
    };
    found
        .map(CreateJobResponse::found)
        .ok_or_else(|| unknown(error))
}

/// A create request as the search reads it back, to tell a listed job that carries it.
pub(super) struct Sent<'a> {
    job: &'a BatchJob,
    said: Said,
}

impl<'a> Sent<'a> {
    /// `None` when the request body cannot be read back (then nothing carries it).
    pub(super) fn of(job: &'a BatchJob) -> Result<Option<Self>, Error> {
        let op = CreateJob::new(job)?;
        Ok(request_elements(op.body()).map(|said| Sent { job, said }))
    }

    /// Whether `detail` carries the request as the search requires; with `any_url_file`,
    /// its Input may be any `UrlFile` (a re-run's objects are named by its name, wherever
    /// its file was put).
    pub(super) fn carried_by(&self, detail: &JobDetail, any_url_file: bool) -> bool {
        carries_as(detail, self.job, &self.said, any_url_file)
    }
}

/// A success answer about another job is no answer: the create's outcome is unknown.
fn mismatch(created: CreateJobResponse) -> Error {
    Error::Response(UnreadableResponse {
        status: 200,
        request_id: created.request_id,
        problem: ResponseError::Mismatch("JobsDetail"),
        attempts: 1,
    })
}

/// What the service listed of this name and type before the first attempt: none of those
/// jobs can be the one this call creates, and no job created before that listing either.
struct Existing {
    ids: HashSet<String>,
    /// The earliest creation time the job created can have: the listing's `Date` less the
    /// stamp tolerance; `None` when the listing had no believable `Date`.
    earliest: Option<OffsetDateTime>,
    /// When the listing had more pages: the oldest creation time it showed. Jobs that old or
    /// older may exist unlisted.
    cut_off: Option<OffsetDateTime>,
    /// The listing had more pages but no job on it had a creation time: nothing unlisted can
    /// be told apart from an older job.
    unbounded: bool,
}

impl Existing {
    fn list(client: &Client, job: &BatchJob) -> Result<Self, Error> {
        let (page, service_now) = client.exchange(
            &ListJobs::new(&same_named(job))?,
            RetryRule::Idempotent,
            None,
        )?;
        let more = page.next_token.is_some();
        let oldest = page
            .jobs
            .iter()
            .filter_map(|j| j.creation_time.as_ref()?.time())
            .min();
        Ok(Existing {
            ids: page.jobs.into_iter().map(|j| j.job_id).collect(),
            earliest: service_now
                .and_then(|t| t.checked_sub(STAMP_TOLERANCE_SECS))
                .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()),
            cut_off: oldest.filter(|_| more),
            unbounded: more && oldest.is_none(),
        })
    }

    /// Whether any listed job can be shown to be new: without the service's time, or with
    /// unlisted jobs of unknown age, none can, and a search would only wait.
    fn can_tell_new(&self) -> bool {
        self.earliest.is_some() && !self.unbounded
    }

    /// Whether a job created at `created` is too old to be the one created: stamped before
    /// the listing (less the tolerance), or no later than the oldest job of a listing that
    /// had more pages.
    fn too_old(&self, created: OffsetDateTime) -> bool {
        self.earliest.is_some_and(|earliest| created < earliest)
            || self.cut_off.is_some_and(|cut_off| created <= cut_off)
    }

    /// Whether a listed `detail` can be a job created after this listing: never listed
    /// before, and not too old by its creation time, which must be readable.
    fn may_be_new(&self, detail: &JobDetail) -> bool {
        if !self.can_tell_new() || self.ids.contains(&detail.job_id) {
            return false;
        }
        created(detail).is_some_and(|t| !self.too_old(t))
    }

    /// Whether the job a success answer names can be the one created: never listed before,
    /// and not too old when its creation time can be told.
    fn may_be_answer(&self, detail: &JobDetail) -> bool {
        !self.ids.contains(&detail.job_id) && created(detail).is_none_or(|t| !self.too_old(t))
    }

    /// The search's listing: same-named jobs created no earlier than the job created can
    /// have been, so the pages to read are few and no order has to be trusted.
    fn window(&self, job: &BatchJob) -> ListQuery {
        let mut query = same_named(job);
        query.filters.created_after = self.earliest;
        query
    }
}

fn created(detail: &JobDetail) -> Option<OffsetDateTime> {
    detail.creation_time.as_ref()?.time()
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

/// Lists same-named jobs until the one created is found or the search time is over. Each
/// listing is tried once (a failed one finds nothing this time; one refused for its clock
/// is re-signed once) and no listing starts after `create_search` or outlasts the later of
/// its end and one client timeout.
fn search(client: &Client, job: &BatchJob, said: &Said, before: &Existing) -> Option<JobDetail> {
    let ends = Instant::now().checked_add(client.inner.create_search);
    let mut pause = FIRST_SEARCH_PAUSE;
    loop {
        let now = Instant::now();
        let wait = ends.map_or(pause, |ends| pause.min(ends.saturating_duration_since(now)));
        std::thread::sleep(wait);
        let listing_deadline = [ends, Instant::now().checked_add(client.inner.timeout)]
            .into_iter()
            .flatten()
            .max();
        match find_once(client, job, said, before, listing_deadline) {
            Sighting::One(found) => return Some(*found),
            // Two new jobs that both carry the request: another caller sent the same one,
            // and nothing says which is ours.
            Sighting::Several => return None,
            Sighting::Undecided => {}
        }
        if ends.is_none_or(|ends| Instant::now() >= ends) {
            return None;
        }
        pause = (pause * 2).min(LONGEST_SEARCH_PAUSE);
    }
}

/// What one look through the listings saw.
enum Sighting {
    /// No new job carries the request, or not every job new enough was seen.
    Undecided,
    One(Box<JobDetail>),
    Several,
}

/// One look through the same-named jobs created since the window opened. A job carrying
/// the request is the only one only when every job new enough to be ours has been seen: the
/// look reads every page, and decides only when the listing ends. A second match decides
/// at once; a failed listing, or more pages than a look reads, decide nothing this time.
fn find_once(
    client: &Client,
    job: &BatchJob,
    said: &Said,
    before: &Existing,
    deadline: Option<Instant>,
) -> Sighting {
    let mut query = before.window(job);
    let mut found = None;
    for _ in 0..SEARCH_PAGES {
        let Ok(list) = ListJobs::new(&query) else {
            return Sighting::Undecided;
        };
        let Ok(page) = client.execute(&list, RetryRule::Never, deadline) else {
            return Sighting::Undecided;
        };
        for detail in page.jobs {
            if before.may_be_new(&detail) && carries(&detail, job, said) {
                if found.is_some() {
                    return Sighting::Several;
                }
                found = Some(Box::new(detail));
            }
        }
        let Some(token) = page.next_token else {
            return found.map_or(Sighting::Undecided, Sighting::One);
        };
        query.filters.next_token = Some(token);
    }
    Sighting::Undecided
}

/// The `Input` and `Operation` elements of a request body.
struct Said {
    input: Element,
    operation: Element,
}

/// Reads back the body the create sent; `None` (so nothing matches) if it cannot be read.
fn request_elements(body: &str) -> Option<Said> {
    let doc = Document::parse(body.as_bytes(), "Request").ok()?;
    let root = doc.root().to_element();
    Some(Said {
        input: root.child("Input")?.clone(),
        operation: root.child("Operation")?.clone(),
    })
}

/// Whether a listed job carries everything the request said: the same name and type, the
/// same Input exactly, and an Operation whose known elements are exactly the request's.
fn carries(detail: &JobDetail, job: &BatchJob, said: &Said) -> bool {
    carries_as(detail, job, said, false)
}

/// [`carries`]; with `any_url_file`, any `UrlFile` Input for the one sent.
fn carries_as(detail: &JobDetail, job: &BatchJob, said: &Said, any_url_file: bool) -> bool {
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
    let Some(echoed) = Document::parse(w.finish().as_bytes(), "Echoed")
        .ok()
        .map(|doc| doc.root().to_element())
    else {
        return false;
    };
    let (Some(echoed_input), Some(echoed_operation)) =
        (echoed.child("Input"), echoed.child("Operation"))
    else {
        return false;
    };
    let same_input = if any_url_file {
        input.url_file.is_some() && said.input.child("UrlFile").is_some()
    } else {
        same_tree(echoed_input, &said.input)
    };
    same_input && same_operation(echoed_operation, &said.operation)
}

/// The known elements match exactly; an unknown element the request sent is echoed; the
/// service may add unknown elements, and a `JobLevel` of `0` (the default).
fn same_operation(echoed: &Element, said: &Element) -> bool {
    let known = |e: &&Element| KNOWN_OPERATION.contains(&e.name.as_str());
    let said_known: Vec<&Element> = said.children.iter().filter(known).collect();
    let echoed_known: Vec<&Element> = echoed
        .children
        .iter()
        .filter(known)
        .filter(|e| {
            !(e.name == "JobLevel" && e.text.trim() == "0" && said.child("JobLevel").is_none())
        })
        .collect();
    let said_unknown: Vec<&Element> = said.children.iter().filter(|e| !known(e)).collect();
    same_multiset(&echoed_known, &said_known)
        && contains_all(
            &echoed.children.iter().collect::<Vec<_>>(),
            &said_unknown,
            false,
        )
}

/// Same name, equivalent text, and the same children in any order.
fn same_tree(a: &Element, b: &Element) -> bool {
    same_tree_in(a, b, false)
}

/// [`same_tree`], inside a `JobParam` or not: typed parameters may come back as other
/// spellings of the same boolean, and nothing else may.
fn same_tree_in(a: &Element, b: &Element, in_job_param: bool) -> bool {
    let in_job_param = in_job_param || a.name == "JobParam";
    a.name == b.name
        && same_text(&a.name, &a.text, &b.text, in_job_param)
        && same_children(&a.children, &b.children, in_job_param)
}

fn same_children(a: &[Element], b: &[Element], in_job_param: bool) -> bool {
    a.len() == b.len()
        && contains_all(
            &a.iter().collect::<Vec<_>>(),
            &b.iter().collect::<Vec<_>>(),
            in_job_param,
        )
}

fn same_multiset(a: &[&Element], b: &[&Element]) -> bool {
    a.len() == b.len() && contains_all(a, b, false)
}

/// Whether every element of `wanted` has its own match in `pool`.
fn contains_all(pool: &[&Element], wanted: &[&Element], in_job_param: bool) -> bool {
    let mut used = vec![false; pool.len()];
    wanted.iter().all(|w| {
        let found = (0..pool.len()).find(|&i| !used[i] && same_tree_in(pool[i], w, in_job_param));
        found.map(|i| used[i] = true).is_some()
    })
}

/// Texts match when equal; the `Start` and `End` of a time interval also when both are the
/// same instant written differently; a `JobParam` value also when both are the same boolean
/// (`true`/`1`, `false`/`0`). Keys, prefixes, user data and names match byte for byte: an
/// object named `1` is not one named `true`.
fn same_text(element: &str, a: &str, b: &str, in_job_param: bool) -> bool {
    let boolean = |t: &str| match t {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    };
    let is_time = matches!(element, "Start" | "End");
    a == b
        || (is_time && matches!((parse_time(a), parse_time(b)), (Some(x), Some(y)) if x == y))
        || (in_job_param && matches!((boolean(a), boolean(b)), (Some(x), Some(y)) if x == y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(xml: &str) -> Element {
        Document::parse(xml.as_bytes(), "t")
            .unwrap()
            .root()
            .to_element()
    }

    #[test]
    fn the_known_operation_must_match_exactly_and_unknown_extras_are_allowed() {
        let said = tree("<Operation><WorkflowIds>w1</WorkflowIds></Operation>");
        let echoes = [
            ("<Operation><WorkflowIds>w1</WorkflowIds></Operation>", true),
            (
                "<Operation><WorkflowIds>w1</WorkflowIds><JobLevel>0</JobLevel></Operation>",
                true,
            ),
            (
                "<Operation><FreeTranscode>x</FreeTranscode><WorkflowIds>w1</WorkflowIds></Operation>",
                true,
            ),
            (
                "<Operation><WorkflowIds>w2</WorkflowIds></Operation>",
                false,
            ),
            ("<Operation/>", false),
            (
                "<Operation><TimeInterval><Start>2024-01-01T00:00:00+0800</Start></TimeInterval>\
                 <WorkflowIds>w1</WorkflowIds></Operation>",
                false,
            ),
            (
                "<Operation><WorkflowIds>w1</WorkflowIds><JobLevel>2</JobLevel></Operation>",
                false,
            ),
        ];
        for (echo, expected) in echoes {
            assert_eq!(same_operation(&tree(echo), &said), expected, "{echo}");
        }
    }

    #[test]
    fn trees_match_in_any_order_with_equivalent_texts() {
        let a = tree(
            "<P><A>1</A><JobParam><C>true</C></JobParam><Start>2024-01-01T00:00:00+0800</Start></P>",
        );
        let b =
            tree("<P><Start>2023-12-31T16:00:00Z</Start><JobParam><C>1</C></JobParam><A>1</A></P>");
        assert!(same_tree(&a, &b));
        let c = tree(
            "<P><A> 1</A><JobParam><C>true</C></JobParam><Start>2024-01-01T00:00:00+0800</Start></P>",
        );
        assert!(!same_tree(&a, &c), "text is not trimmed");
        // Keys and other texts are compared byte for byte, whatever they look like.
        for (x, y) in [
            (
                "<Input><Prefix>1</Prefix></Input>",
                "<Input><Prefix>true</Prefix></Input>",
            ),
            (
                "<Input><Object>2024-01-01T00:00:00+0800</Object></Input>",
                "<Input><Object>2023-12-31T16:00:00Z</Object></Input>",
            ),
            (
                "<Op><UserData>0</UserData></Op>",
                "<Op><UserData>false</UserData></Op>",
            ),
        ] {
            assert!(!same_tree(&tree(x), &tree(y)), "{x} ~ {y}");
        }
        let d = tree("<P><A>1</A><A>1</A></P>");
        let e = tree("<P><A>1</A></P>");
        assert!(!same_tree(&d, &e), "repeated elements count");
    }
}
