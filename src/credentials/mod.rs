//! Credentials: a SecretId / SecretKey pair with an optional STS session token and expiry,
//! and providers that hand the client fresh credentials before each request.
//!
//! A [`crate::Client`] asks its provider for credentials before it signs every request, so a
//! `wait` that lasts hours can outlive any one STS token. [`Credentials`] is a provider of
//! itself; [`RefreshingCredentials`] caches what a caller's function returns and calls it
//! again shortly before the credentials expire. [`CredentialChain`] finds credentials where
//! Tencent Cloud users keep them: the environment, the profile file, the CVM instance role.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::error::ConfigError;

mod chain;
mod instance_role;
mod profile;

pub use chain::{
    Attempt, ChainError, CredentialChain, CredentialSource, ENV_CREDENTIALS_FILE, FoundCredentials,
    INSTANCE_ROLE_MARGIN, METADATA_ENDPOINT, METADATA_TIMEOUT, SourceKind,
};

/// The environment variable read by [`Credentials::from_env`] for the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The environment variable read by [`Credentials::from_env`] for the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// The environment variable read first by [`Credentials::from_env`] for an STS session token.
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// The fallback environment variable for an STS session token.
pub const ENV_TOKEN: &str = "TENCENTCLOUD_TOKEN";

/// A SecretId / SecretKey pair, optionally with an STS session token.
///
/// `Debug` shows the SecretId only; the key and the token are never printed.
///
/// ```
/// use cos_ci_batch::sign::Credentials;
///
/// let credentials = Credentials::new("AKIDexample", "do-not-print-me").with_session_token("tok");
/// let shown = format!("{credentials:?}");
/// assert!(shown.contains("AKIDexample"));
/// assert!(!shown.contains("do-not-print-me") && !shown.contains("tok\""));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
    session_token: Option<String>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// Long-lived credentials. They are checked (non-empty, no surrounding whitespace) by
    /// [`Credentials::validate`], which the client calls before it sends anything.
    ///
    /// ```
    /// use cos_ci_batch::Credentials;
    ///
    /// let credentials = Credentials::new("AKIDexample", "kEy-Value");
    /// assert!(credentials.validate().is_ok());
    /// assert!(!format!("{credentials:?}").contains("kEy-Value"));
    /// assert!(Credentials::new("AKIDexample\n", "kEy-Value").validate().is_err());
    /// ```
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            session_token: None,
            expiration: None,
        }
    }

    /// Sets when the credentials stop being valid (STS credentials come with one). The client
    /// never signs a request valid beyond it, and refuses to sign with credentials that have
    /// expired.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use cos_ci_batch::Credentials;
    ///
    /// let expires = SystemTime::now() + Duration::from_secs(1800);
    /// let sts = Credentials::new("AKIDtmp", "key").with_session_token("token").with_expiration(expires);
    /// assert_eq!(sts.expiration(), Some(expires));
    /// ```
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// When the credentials expire, if they do.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }

    pub(crate) fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Attaches an STS session token; it is sent (and signed) as `x-ci-security-token`.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Reads `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`, and the session token from
    /// `TENCENTCLOUD_SESSION_TOKEN`, falling back to `TENCENTCLOUD_TOKEN`.
    ///
    /// Fails with [`ConfigError::MissingEnv`] when the id or key is unset, and with the
    /// errors of [`Credentials::validate`] when a value is empty or padded with whitespace
    /// (a common result of `.env` files).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env`] over any lookup: a parsed `.env` file, a configuration map,
    /// a secret store, without touching the process environment.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use cos_ci_batch::Credentials;
    ///
    /// let settings = HashMap::from([
    ///     ("TENCENTCLOUD_SECRET_ID", "AKIDexample"),
    ///     ("TENCENTCLOUD_SECRET_KEY", "secret"),
    /// ]);
    /// let credentials = Credentials::from_lookup(|name| settings.get(name).map(|v| v.to_string()))?;
    /// assert_eq!(credentials.secret_id(), "AKIDexample");
    /// # Ok::<(), cos_ci_batch::error::ConfigError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secret_id = lookup(ENV_SECRET_ID).ok_or(ConfigError::MissingEnv(ENV_SECRET_ID))?;
        let secret_key = lookup(ENV_SECRET_KEY).ok_or(ConfigError::MissingEnv(ENV_SECRET_KEY))?;
        let mut credentials = Credentials::new(secret_id, secret_key);
        credentials.session_token = env_token(&lookup).map(|(_, token)| token);
        credentials.validate()?;
        Ok(credentials)
    }

    /// The SecretId (the `q-ak` field of a signature). It is not a secret.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// Whether a session token is attached.
    pub fn has_session_token(&self) -> bool {
        self.session_token.is_some()
    }

    pub(crate) fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Checks that the id, the key and any token are non-empty and carry no surrounding
    /// whitespace or control characters.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_secret_value("SecretId", &self.secret_id)?;
        check_secret_value("SecretKey", &self.secret_key)?;
        if let Some(token) = &self.session_token {
            check_secret_value("session token", token)?;
        }
        Ok(())
    }
}

/// The session token of an environment, and the variable it came from: the first of
/// `TENCENTCLOUD_SESSION_TOKEN` and the older `TENCENTCLOUD_TOKEN` set to something.
fn env_token(lookup: &dyn Fn(&str) -> Option<String>) -> Option<(&'static str, String)> {
    [ENV_SESSION_TOKEN, ENV_TOKEN]
        .into_iter()
        .find_map(|name| lookup(name).filter(|t| !t.is_empty()).map(|t| (name, t)))
}

fn check_secret_value(field: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty() {
        return Err(ConfigError::EmptyCredential(field));
    }
    if value.trim() != value || value.chars().any(char::is_control) {
        return Err(ConfigError::PaddedCredential(field));
    }
    Ok(())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The error a credentials provider returns: any error, sent and shared across threads.
pub type ProvideError = Box<dyn StdError + Send + Sync>;

/// Hands the client the credentials to sign the next request with.
///
/// The client calls [`ProvideCredentials::credentials`] before signing each request, with
/// "now" on the service's clock as the client knows it (the local clock corrected by any skew
/// learnt from the service). An error stops that call with [`crate::Error::Credentials`];
/// nothing is sent.
///
/// ```
/// use std::time::SystemTime;
/// use cos_ci_batch::credentials::{ProvideCredentials, ProvideError};
/// use cos_ci_batch::Credentials;
///
/// /// Reads the credentials a sidecar keeps up to date in a file.
/// #[derive(Debug)]
/// struct FromFile(std::path::PathBuf);
///
/// impl ProvideCredentials for FromFile {
///     fn credentials(&self, _now: SystemTime) -> Result<Credentials, ProvideError> {
///         let text = std::fs::read_to_string(&self.0)?;
///         let (id, key) = text.trim().split_once(':').ok_or("expected id:key")?;
///         Ok(Credentials::new(id, key))
///     }
/// }
/// let provider = FromFile("/nonexistent/creds".into());
/// assert!(provider.credentials(SystemTime::now()).is_err());
/// ```
pub trait ProvideCredentials: fmt::Debug + Send + Sync + 'static {
    /// Credentials valid at `now`.
    fn credentials(&self, now: SystemTime) -> Result<Credentials, ProvideError>;

    /// The service refused `refused` as an expired temporary token although the provider
    /// held them valid: the next call should not return them. The client then asks again
    /// and sends once more. The default does nothing.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use std::time::SystemTime;
    /// use cos_ci_batch::credentials::{ProvideCredentials, ProvideError};
    /// use cos_ci_batch::Credentials;
    ///
    /// /// Keeps one token until the service refuses it, then asks for another.
    /// #[derive(Debug, Default)]
    /// struct Sts(Mutex<Option<Credentials>>);
    ///
    /// impl ProvideCredentials for Sts {
    ///     fn credentials(&self, _now: SystemTime) -> Result<Credentials, ProvideError> {
    ///         let mut held = self.0.lock().unwrap();
    ///         let fresh = || Credentials::new("AKIDtmp", "key").with_session_token("t2");
    ///         Ok(held.get_or_insert_with(fresh).clone())
    ///     }
    ///     fn invalidate(&self, refused: &Credentials) {
    ///         let mut held = self.0.lock().unwrap();
    ///         if held.as_ref() == Some(refused) {
    ///             *held = None;
    ///         }
    ///     }
    /// }
    /// let sts = Sts::default();
    /// let first = sts.credentials(SystemTime::now())?;
    /// sts.invalidate(&first);
    /// assert!(sts.0.lock().unwrap().is_none());
    /// # Ok::<(), ProvideError>(())
    /// ```
    fn invalidate(&self, refused: &Credentials) {
        let _ = refused;
    }
}

impl ProvideCredentials for Credentials {
    fn credentials(&self, _now: SystemTime) -> Result<Credentials, ProvideError> {
        Ok(self.clone())
    }
}

/// Caches the credentials a function returns, and calls it again when they come within
/// `margin` of their expiration (credentials without one are kept for good). Credentials
/// that arrive with less than `margin` left are kept for half of what they have left, so
/// that a margin longer than the tokens' life does not call the function on every request.
///
/// Refreshing never stalls callers that can still sign: while the cached credentials are
/// valid for longer than the hard margin ([`RefreshingCredentials::hard_margin`], 5 s by
/// default), the refresh runs on a thread of its own and every caller signs with what is
/// cached meanwhile. Only without credentials, or inside the hard margin, do callers wait for a
/// refresh in progress, and then share its result. A refresh that fails while the cached
/// credentials are still good is not reported: they are used, and the refresh is tried
/// again one second later (by the next caller after that); with nothing valid left, the
/// failure is returned. A refresh that hangs holds up no caller until the cache enters the
/// hard margin; callers waiting then give up when the cache expires.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use cos_ci_batch::credentials::{ProvideCredentials, RefreshingCredentials};
/// use cos_ci_batch::Credentials;
///
/// // In real code the function asks STS for a token; here it makes one up.
/// let sts = RefreshingCredentials::new(Duration::from_secs(300), || {
///     let expires = SystemTime::now() + Duration::from_secs(1800);
///     Ok(Credentials::new("AKIDtmp", "key").with_session_token("token").with_expiration(expires))
/// });
/// let now = SystemTime::now();
/// let first = sts.credentials(now)?;
/// // Still valid for far longer than the margin: the same credentials.
/// assert_eq!(sts.credentials(now)?, first);
/// // Within five minutes of expiring: refreshed on a thread of its own, and signed with
/// // meanwhile.
/// assert_eq!(sts.credentials(now + Duration::from_secs(1600))?, first);
/// // Within the hard margin (5 s): refreshed before anything is signed.
/// let later = now + Duration::from_secs(1798);
/// assert_ne!(sts.credentials(later)?.expiration(), first.expiration());
/// # Ok::<(), cos_ci_batch::credentials::ProvideError>(())
/// ```
pub struct RefreshingCredentials<F> {
    shared: Arc<Refresher<F>>,
    hard_margin: Duration,
}

/// What a refresh running on another thread shares with the callers.
struct Refresher<F> {
    refresh: F,
    margin: Duration,
    cache: Mutex<Cache>,
    refreshed: Condvar,
}

/// What the provider holds between calls.
#[derive(Default)]
struct Cache {
    cached: Option<Cached>,
    /// A refresh is running.
    refreshing: bool,
    /// After a failed refresh with good credentials cached: no new try before this.
    retry_at: Option<SystemTime>,
}

/// Credentials and when to ask for new ones (`None`: never).
struct Cached {
    credentials: Credentials,
    refresh_at: Option<SystemTime>,
}

/// How long a failed refresh is left alone while the cache is still good.
const REFRESH_RETRY: Duration = Duration::from_secs(1);

impl<F> RefreshingCredentials<F>
where
    F: Fn() -> Result<Credentials, ProvideError> + Send + Sync + 'static,
{
    /// Refreshes through `refresh` when the cached credentials have `margin` or less left
    /// (5 minutes is a common choice for STS tokens).
    pub fn new(margin: Duration, refresh: F) -> Self {
        RefreshingCredentials {
            shared: Arc::new(Refresher {
                refresh,
                margin,
                cache: Mutex::new(Cache::default()),
                refreshed: Condvar::new(),
            }),
            hard_margin: Duration::from_secs(5),
        }
    }

    /// Sets how close to their expiration cached credentials stop being signed with while
    /// a refresh runs (default 5 s, never more than the margin): a request signed then must
    /// still reach the service before they expire.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::credentials::RefreshingCredentials;
    /// use cos_ci_batch::Credentials;
    ///
    /// let sts = RefreshingCredentials::new(Duration::from_secs(300), || Ok(Credentials::new("id", "key")))
    ///     .hard_margin(Duration::from_secs(20));
    /// # let _ = sts;
    /// ```
    pub fn hard_margin(mut self, hard_margin: Duration) -> Self {
        self.hard_margin = hard_margin;
        self
    }

    /// Starts with `credentials`, fetched at `now`, in the cache.
    pub(crate) fn with_cached(self, credentials: Credentials, now: SystemTime) -> Self {
        let refresh_at = self.shared.refresh_at(&credentials, now);
        self.shared.lock().cached = Some(Cached {
            credentials,
            refresh_at,
        });
        self
    }
}

impl<F> Refresher<F>
where
    F: Fn() -> Result<Credentials, ProvideError> + Send + Sync + 'static,
{
    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the refresh function (a panic in it is an error) and records the outcome for
    /// every caller: new credentials, or a failure that leaves still-valid ones in use.
    fn run(&self, now: SystemTime) -> Result<Credentials, ProvideError> {
        let fetched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.fetch(now)))
            .unwrap_or_else(|_| Err("the credentials refresh panicked".into()));
        let mut cache = self.lock();
        cache.refreshing = false;
        self.refreshed.notify_all();
        match fetched {
            Ok(credentials) => {
                cache.retry_at = None;
                cache.cached = Some(Cached {
                    refresh_at: self.refresh_at(&credentials, now),
                    credentials: credentials.clone(),
                });
                Ok(credentials)
            }
            Err(e) => {
                let still_valid = cache
                    .cached
                    .as_ref()
                    .filter(|c| valid_for(&c.credentials, now).is_none_or(|left| !left.is_zero()));
                match still_valid {
                    Some(c) => {
                        let credentials = c.credentials.clone();
                        cache.retry_at = now.checked_add(REFRESH_RETRY);
                        Ok(credentials)
                    }
                    None => Err(e),
                }
            }
        }
    }

    /// Calls the refresh function and checks what it returns.
    fn fetch(&self, now: SystemTime) -> Result<Credentials, ProvideError> {
        let credentials = (self.refresh)()?;
        credentials.validate()?;
        match credentials.expiration {
            Some(expiration) if expiration <= now => {
                Err("the refreshed credentials have already expired".into())
            }
            _ => Ok(credentials),
        }
    }

    /// When credentials that arrived at `now` are to be refreshed.
    fn refresh_at(&self, credentials: &Credentials, now: SystemTime) -> Option<SystemTime> {
        credentials.expiration.map(|expiration| {
            let left = expiration.duration_since(now).unwrap_or_default();
            match left.checked_sub(self.margin) {
                Some(until_margin) if !until_margin.is_zero() => now + until_margin,
                _ => now + left / 2,
            }
        })
    }
}

/// How long credentials stay valid after `now`: `None` when they never expire, zero when
/// they have.
fn valid_for(credentials: &Credentials, now: SystemTime) -> Option<Duration> {
    let expiration = credentials.expiration?;
    Some(expiration.duration_since(now).unwrap_or_default())
}

const EXPIRED_WHILE_REFRESHING: &str =
    "the credentials have expired and their refresh has not finished";

impl<F> ProvideCredentials for RefreshingCredentials<F>
where
    F: Fn() -> Result<Credentials, ProvideError> + Send + Sync + 'static,
{
    fn credentials(&self, now: SystemTime) -> Result<Credentials, ProvideError> {
        let shared = &self.shared;
        let hard_margin = self.hard_margin.min(shared.margin);
        let mut cache = shared.lock();
        loop {
            // Credentials that may still be signed with, and whether they are due a refresh.
            let usable = cache.cached.as_ref().and_then(|c| {
                let signable = valid_for(&c.credentials, now).is_none_or(|left| left > hard_margin);
                let due = c.refresh_at.is_some_and(|at| now >= at);
                signable.then(|| (c.credentials.clone(), due))
            });
            match usable {
                Some((credentials, false)) => return Ok(credentials),
                Some((credentials, true)) => {
                    if cache.refreshing || cache.retry_at.is_some_and(|at| now < at) {
                        return Ok(credentials);
                    }
                    // Refresh on a thread of its own; this caller signs with the cache.
                    cache.refreshing = true;
                    drop(cache);
                    let background = Arc::clone(shared);
                    let spawned = std::thread::Builder::new()
                        .name("cos-ci-batch-credentials".into())
                        .spawn(move || background.run(now));
                    if spawned.is_ok() {
                        return Ok(credentials);
                    }
                    // No thread to be had: refresh here.
                    return shared.run(now);
                }
                None if cache.refreshing => {
                    // Nothing to sign with: wait for the refresh in progress, no longer
                    // than what is cached stays valid (without bound when nothing is).
                    let left = cache
                        .cached
                        .as_ref()
                        .and_then(|c| valid_for(&c.credentials, now));
                    cache = match left {
                        Some(left) if left.is_zero() => return Err(EXPIRED_WHILE_REFRESHING.into()),
                        Some(left) => {
                            let (cache, timeout) = shared
                                .refreshed
                                .wait_timeout(cache, left)
                                .unwrap_or_else(PoisonError::into_inner);
                            if timeout.timed_out() && cache.refreshing {
                                return Err(EXPIRED_WHILE_REFRESHING.into());
                            }
                            cache
                        }
                        None => shared
                            .refreshed
                            .wait(cache)
                            .unwrap_or_else(PoisonError::into_inner),
                    };
                }
                None => {
                    cache.refreshing = true;
                    drop(cache);
                    return shared.run(now);
                }
            }
        }
    }

    fn invalidate(&self, refused: &Credentials) {
        let mut cache = self.shared.lock();
        if cache
            .cached
            .as_ref()
            .is_some_and(|c| c.credentials == *refused)
        {
            cache.cached = None;
            cache.retry_at = None;
        }
    }
}

impl<F> fmt::Debug for RefreshingCredentials<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("RefreshingCredentials");
        debug.field("margin", &self.shared.margin);
        debug.field("hard_margin", &self.hard_margin);
        // Never wait on the lock (its holder may be what is being logged).
        match self.shared.cache.try_lock() {
            Ok(cache) => debug.field("cached", &cache.cached.as_ref().map(|c| &c.credentials)),
            Err(std::sync::TryLockError::Poisoned(cache)) => debug.field(
                "cached",
                &cache.into_inner().cached.as_ref().map(|c| &c.credentials),
            ),
            Err(std::sync::TryLockError::WouldBlock) => debug.field("cached", &"<locked>"),
        };
        debug.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_session_token_prefers_the_new_variable_and_falls_back_to_the_old() {
        let legacy = Credentials::from_lookup(lookup(&[
            (ENV_SECRET_ID, "AKIDx"),
            (ENV_SECRET_KEY, "k"),
            (ENV_TOKEN, "legacy"),
        ]))
        .unwrap();
        assert_eq!(legacy.session_token(), Some("legacy"));
        let preferred = Credentials::from_lookup(lookup(&[
            (ENV_SECRET_ID, "AKIDx"),
            (ENV_SECRET_KEY, "k"),
            (ENV_SESSION_TOKEN, "new"),
            (ENV_TOKEN, "legacy"),
        ]))
        .unwrap();
        assert_eq!(
            preferred,
            Credentials::new("AKIDx", "k").with_session_token("new")
        );
    }

    #[test]
    fn missing_empty_and_padded_values_are_named() {
        assert_eq!(
            Credentials::from_lookup(lookup(&[(ENV_SECRET_ID, "AKIDx")])).unwrap_err(),
            ConfigError::MissingEnv(ENV_SECRET_KEY)
        );
        assert_eq!(
            Credentials::from_lookup(lookup(&[(ENV_SECRET_ID, "AKIDx\n"), (ENV_SECRET_KEY, "k")]))
                .unwrap_err(),
            ConfigError::PaddedCredential("SecretId")
        );
        let cases = [
            (
                Credentials::new("", "k"),
                ConfigError::EmptyCredential("SecretId"),
            ),
            (
                Credentials::new("id", ""),
                ConfigError::EmptyCredential("SecretKey"),
            ),
            (
                Credentials::new(" id", "k"),
                ConfigError::PaddedCredential("SecretId"),
            ),
            (
                Credentials::new("id", "k").with_session_token("tok "),
                ConfigError::PaddedCredential("session token"),
            ),
        ];
        for (credentials, expected) in cases {
            assert_eq!(credentials.validate(), Err(expected));
        }
    }

    #[test]
    fn a_refresh_that_returns_expired_credentials_is_an_error() {
        let stale = RefreshingCredentials::new(Duration::from_secs(60), || {
            Ok(Credentials::new("id", "k").with_expiration(SystemTime::UNIX_EPOCH))
        });
        let err = stale.credentials(SystemTime::now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the refreshed credentials have already expired"
        );
    }
}
