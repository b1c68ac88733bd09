//! The default credential chain; documented on [`CredentialChain`].

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::instance_role::{self, Fetched, Metadata};
use super::{
    Credentials, ENV_SECRET_ID, ENV_SECRET_KEY, ProvideCredentials, RefreshingCredentials, profile,
};
use crate::client::endpoint::Endpoint;

/// The environment variable that names the one profile file to read (as the Go SDK reads it).
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// The metadata service of a CVM instance.
pub const METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
/// How long each metadata request may take by default: off Tencent Cloud, the chain gives
/// up on the instance role after this.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(1);
/// Instance-role credentials are refreshed this long before they expire. The service gives
/// them hours of life; five minutes leaves a slow metadata answer time to arrive.
pub const INSTANCE_ROLE_MARGIN: Duration = Duration::from_secs(300);
/// A profile file larger than this is not a credentials file (and `/dev/zero` is not read
/// for ever).
const MAX_PROFILE_FILE: u64 = 64 * 1024;

type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The default credential chain: the places Tencent Cloud users keep credentials, looked at
/// in the order the official SDKs look at them.
///
/// 1. **The environment**: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, and
///    `TENCENTCLOUD_SESSION_TOKEN` (or the older `TENCENTCLOUD_TOKEN`) for temporary ones.
/// 2. **The profile file**: `~/.tencentcloud/credentials`, else
///    `/etc/tencentcloud/credentials`, section `[default]` unless another profile is named
///    ([`CredentialChain::profile`]). When `TENCENTCLOUD_CREDENTIALS_FILE` is set, that file
///    alone is read.
/// 3. **The CVM instance role**, from the metadata service at
///    `http://metadata.tencentyun.com`, refreshed before it expires.
///
/// Where the SDKs disagree (as read in tencentcloud-sdk-go 144f6c8, tencentcloud-sdk-python
/// bf29717, tencentcloud-sdk-java 970d68b and tencentcloud-sdk-nodejs): Python, Java and
/// Node.js read the `/etc` file when the home one is missing, Go does not; only Go reads
/// `TENCENTCLOUD_CREDENTIALS_FILE`; only Node.js reads a `token` from the profile file;
/// the newer SDKs add TKE OIDC after the instance role, which this crate does not (it needs
/// an STS call). No SDK has a variable that chooses the profile or the role. This crate
/// follows the union: every file and variable above is read.
///
/// A source that is half there is an error, not a reason to go on to the next one: an id
/// without a key, a token alone, a file that is malformed or lacks the profile asked for, a
/// metadata service that names a role and then gives no usable credentials. Going on would
/// sign with credentials the user did not mean. When no source has credentials, the error
/// says what was tried and why each was passed over. No error holds a secret.
///
/// [`crate::ClientBuilder::build`] runs the default chain when no credentials are given;
/// build one to name a profile, read another environment, or test.
///
/// ```
/// use cos_ci_batch::credentials::{CredentialChain, CredentialSource};
///
/// let dir = std::env::temp_dir().join(format!("chain-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let file = dir.join("credentials");
/// std::fs::write(&file, "[ci]\nsecret_id = AKIDexample\nsecret_key = secret\n")?;
///
/// let found = CredentialChain::new()
///     .env_lookup(|_| None) // an empty environment
///     .profile_files([&file])
///     .profile("ci")
///     .without_instance_role()
///     .resolve()?;
/// assert_eq!(
///     found.source(),
///     &CredentialSource::ProfileFile { path: file.clone(), profile: "ci".into() }
/// );
/// assert_eq!(found.source().to_string(), format!("profile [ci] of {}", file.display()));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct CredentialChain {
    env: Lookup,
    profile: Option<String>,
    profile_files: Option<Vec<PathBuf>>,
    instance_role: bool,
    metadata_endpoint: String,
    metadata_timeout: Duration,
}

impl Default for CredentialChain {
    fn default() -> Self {
        CredentialChain::new()
    }
}

impl fmt::Debug for CredentialChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialChain")
            .field("profile", &self.profile)
            .field("profile_files", &self.profile_files)
            .field("instance_role", &self.instance_role)
            .field(
                "metadata_endpoint",
                &crate::client::endpoint::redact_user_info(&self.metadata_endpoint),
            )
            .field("metadata_timeout", &self.metadata_timeout)
            .finish_non_exhaustive()
    }
}

/// Where credentials were found.
///
/// ```
/// use cos_ci_batch::credentials::CredentialSource;
///
/// let source = CredentialSource::InstanceRole {
///     metadata: "http://metadata.tencentyun.com".into(),
///     role: "CVM_QcsRole".into(),
/// };
/// assert_eq!(source.to_string(), "instance role CVM_QcsRole (metadata service http://metadata.tencentyun.com)");
/// assert_eq!(CredentialSource::Environment.to_string(), "the environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`.
    Environment,
    /// A section of a profile file.
    ProfileFile {
        /// The file read.
        path: PathBuf,
        /// The section read.
        profile: String,
    },
    /// A CVM instance role, from the metadata service.
    InstanceRole {
        /// The metadata service's address.
        metadata: String,
        /// The role's name.
        role: String,
    },
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Environment => {
                write!(f, "the environment ({ENV_SECRET_ID}, {ENV_SECRET_KEY})")
            }
            CredentialSource::ProfileFile { path, profile } => {
                write!(f, "profile [{profile}] of {}", path.display())
            }
            CredentialSource::InstanceRole { metadata, role } => {
                write!(f, "instance role {role} (metadata service {metadata})")
            }
        }
    }
}

/// The three places the chain looks.
///
/// ```
/// use cos_ci_batch::credentials::SourceKind;
///
/// assert_eq!(SourceKind::ProfileFile.to_string(), "the profile file");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceKind {
    /// The environment variables.
    Environment,
    /// The profile file.
    ProfileFile,
    /// The CVM instance role.
    InstanceRole,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Environment => "the environment",
            SourceKind::ProfileFile => "the profile file",
            SourceKind::InstanceRole => "the instance role",
        })
    }
}

/// One place the chain looked, and why it took no credentials from it.
///
/// ```
/// use cos_ci_batch::credentials::{ChainError, CredentialChain, SourceKind};
///
/// let err = CredentialChain::new()
///     .env_lookup(|_| None)
///     .profile_files(["/nonexistent/credentials"])
///     .without_instance_role()
///     .resolve()
///     .unwrap_err();
/// let ChainError::NotFound { tried } = err else { panic!() };
/// assert_eq!(tried[1].source, SourceKind::ProfileFile);
/// assert_eq!(tried[1].why, "there is no file at /nonexistent/credentials");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The place.
    pub source: SourceKind,
    /// Why: names variables, files, lines and addresses, never a value.
    pub why: String,
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.why)
    }
}

/// The chain found no credentials, or a source it cannot use.
///
/// ```
/// use cos_ci_batch::credentials::{ChainError, CredentialChain, SourceKind};
///
/// let err = CredentialChain::new()
///     .env_lookup(|name| (name == "TENCENTCLOUD_SECRET_ID").then(|| "AKIDexample".to_string()))
///     .resolve()
///     .unwrap_err();
/// let ChainError::Broken { broken, .. } = &err else { panic!("{err}") };
/// assert_eq!(broken.source, SourceKind::Environment);
/// assert_eq!(
///     err.to_string(),
///     "credentials from the environment cannot be used: \
///      TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainError {
    /// No source had credentials; why each was passed over.
    NotFound {
        /// Every place looked at, in order.
        tried: Vec<Attempt>,
    },
    /// A source holds credentials that cannot be used: half filled, malformed, expired.
    Broken {
        /// The places looked at before it.
        tried: Vec<Attempt>,
        /// The source and what is wrong with it.
        broken: Attempt,
    },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::NotFound { tried } => {
                f.write_str("no credentials found; tried ")?;
                for (i, attempt) in tried.iter().enumerate() {
                    let separator = if i == 0 { "" } else { "; " };
                    write!(f, "{separator}{attempt}")?;
                }
                Ok(())
            }
            ChainError::Broken { broken, .. } => write!(
                f,
                "credentials from {} cannot be used: {}",
                broken.source, broken.why
            ),
        }
    }
}

impl std::error::Error for ChainError {}

/// What the chain found: the source, what it passed over, and the credentials.
///
/// ```
/// use std::time::SystemTime;
/// use cos_ci_batch::credentials::{CredentialChain, CredentialSource};
///
/// let env = |name: &str| match name {
///     "TENCENTCLOUD_SECRET_ID" => Some("AKIDexample".to_string()),
///     "TENCENTCLOUD_SECRET_KEY" => Some("secret".to_string()),
///     _ => None,
/// };
/// let found = CredentialChain::new().env_lookup(env).resolve()?;
/// assert_eq!(found.source(), &CredentialSource::Environment);
/// assert!(found.tried().is_empty());
/// assert_eq!(found.provider().credentials(SystemTime::now())?.secret_id(), "AKIDexample");
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
#[derive(Clone, Debug)]
pub struct FoundCredentials {
    source: CredentialSource,
    tried: Vec<Attempt>,
    provider: Arc<dyn ProvideCredentials>,
}

impl FoundCredentials {
    /// Where the credentials came from.
    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    /// The places passed over before it, and why.
    pub fn tried(&self) -> &[Attempt] {
        &self.tried
    }

    /// The credentials, as a provider: fixed ones, or instance-role ones that refresh.
    pub fn provider(&self) -> Arc<dyn ProvideCredentials> {
        Arc::clone(&self.provider)
    }
}

/// What one step of the chain came to.
enum Step {
    Found(CredentialSource, Arc<dyn ProvideCredentials>),
    Skipped(String),
    Broken(String),
}

impl CredentialChain {
    /// The default chain: the process environment, the default profile files with profile
    /// `default`, and the metadata service with a 1 s timeout.
    ///
    /// ```
    /// let chain = cos_ci_batch::credentials::CredentialChain::new();
    /// assert!(format!("{chain:?}").contains("metadata.tencentyun.com"));
    /// ```
    pub fn new() -> Self {
        CredentialChain {
            env: Arc::new(|name| std::env::var(name).ok()),
            profile: None,
            profile_files: None,
            instance_role: true,
            metadata_endpoint: METADATA_ENDPOINT.to_owned(),
            metadata_timeout: METADATA_TIMEOUT,
        }
    }

    /// Reads variables through `lookup` instead of the process environment: the credential
    /// variables, `TENCENTCLOUD_CREDENTIALS_FILE` and `HOME`.
    ///
    /// ```
    /// use cos_ci_batch::credentials::{CredentialChain, CredentialSource};
    ///
    /// let env = |name: &str| match name {
    ///     "TENCENTCLOUD_SECRET_ID" => Some("AKIDexample".to_string()),
    ///     "TENCENTCLOUD_SECRET_KEY" => Some("secret".to_string()),
    ///     _ => None,
    /// };
    /// let found = CredentialChain::new().env_lookup(env).resolve()?;
    /// assert_eq!(found.source(), &CredentialSource::Environment);
    /// # Ok::<(), cos_ci_batch::credentials::ChainError>(())
    /// ```
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(lookup);
        self
    }

    /// Reads this section of the profile file, and only the profile file: naming a profile
    /// says where the credentials are, so the environment and the instance role are not
    /// looked at, and a missing file or section is an error. Example: [`CredentialChain`].
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads the first of these files that exists, instead of the default ones. Example:
    /// [`CredentialChain`].
    pub fn profile_files<P: Into<PathBuf>>(mut self, files: impl IntoIterator<Item = P>) -> Self {
        self.profile_files = Some(files.into_iter().map(Into::into).collect());
        self
    }

    /// Asks the metadata service at this address (`http://host:port`), for tests and
    /// emulators. An address with user info (`user:password@`) is refused when the chain
    /// runs.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cos_ci_batch::credentials::{ChainError, CredentialChain};
    ///
    /// let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    /// let err = CredentialChain::new()
    ///     .env_lookup(|_| None)
    ///     .profile_files(["/nonexistent/credentials"])
    ///     .metadata_endpoint(format!("http://{closed}"))
    ///     .metadata_timeout(Duration::from_millis(200))
    ///     .resolve()
    ///     .unwrap_err();
    /// assert!(matches!(err, ChainError::NotFound { .. }));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn metadata_endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.metadata_endpoint = base_url.into();
        self
    }

    /// How long each metadata request may take (default 1 s), between 1 ms and an hour. It
    /// does not turn the instance role back on after
    /// [`without_instance_role`](CredentialChain::without_instance_role). Example:
    /// [`CredentialChain::metadata_endpoint`].
    pub fn metadata_timeout(mut self, timeout: Duration) -> Self {
        self.metadata_timeout = timeout.clamp(Duration::from_millis(1), Duration::from_secs(3600));
        self
    }

    /// Does not ask the metadata service. Example: [`CredentialChain`].
    pub fn without_instance_role(mut self) -> Self {
        self.instance_role = false;
        self
    }

    /// Looks in each place in turn, and returns the first credentials found. Example:
    /// [`CredentialChain::env_lookup`].
    pub fn resolve(&self) -> Result<FoundCredentials, ChainError> {
        self.resolve_at(SystemTime::now())
    }

    /// [`CredentialChain::resolve`], judging expirations at `now`.
    pub(crate) fn resolve_at(&self, now: SystemTime) -> Result<FoundCredentials, ChainError> {
        let mut tried = Vec::new();
        let steps: [(SourceKind, &dyn Fn() -> Step); 3] = [
            (SourceKind::Environment, &|| self.environment()),
            (SourceKind::ProfileFile, &|| self.profile_file()),
            (SourceKind::InstanceRole, &|| self.instance_role(now)),
        ];
        for (source, step) in steps {
            match step() {
                Step::Found(found, provider) => {
                    return Ok(FoundCredentials {
                        source: found,
                        tried,
                        provider,
                    });
                }
                Step::Skipped(why) => tried.push(Attempt { source, why }),
                Step::Broken(why) => {
                    let broken = Attempt { source, why };
                    return Err(ChainError::Broken { tried, broken });
                }
            }
        }
        Err(ChainError::NotFound { tried })
    }

    fn var(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    fn environment(&self) -> Step {
        if self.profile.is_some() {
            return Step::Skipped("not read, since a profile was named".into());
        }
        // An empty value is taken as unset, as the SDKs take it: templated environments set
        // every variable, some to nothing.
        let var = |name: &str| self.var(name).filter(|v| !v.is_empty());
        let token = super::env_token(&|name: &str| self.var(name));
        let (id, key) = match (var(ENV_SECRET_ID), var(ENV_SECRET_KEY), &token) {
            (None, None, None) => {
                return Step::Skipped(format!(
                    "{ENV_SECRET_ID} and {ENV_SECRET_KEY} are not set (or empty)"
                ));
            }
            (None, None, Some((token, _))) => {
                return Step::Broken(format!(
                    "{token} is set without {ENV_SECRET_ID} and {ENV_SECRET_KEY}"
                ));
            }
            (Some(_), None, _) => {
                return Step::Broken(self.half_set(ENV_SECRET_ID, ENV_SECRET_KEY));
            }
            (None, Some(_), _) => {
                return Step::Broken(self.half_set(ENV_SECRET_KEY, ENV_SECRET_ID));
            }
            (Some(id), Some(key), _) => (id, key),
        };
        let checks = [(ENV_SECRET_ID, &id), (ENV_SECRET_KEY, &key)];
        let token_check = token.as_ref().map(|(name, value)| (*name, value));
        for (name, value) in checks.into_iter().chain(token_check) {
            if super::check_secret_value(name, value).is_err() {
                return Step::Broken(format!(
                    "{name} has surrounding whitespace or control characters"
                ));
            }
        }
        let mut credentials = Credentials::new(id, key);
        if let Some((_, token)) = token {
            credentials = credentials.with_session_token(token);
        }
        Step::Found(CredentialSource::Environment, Arc::new(credentials))
    }

    /// Why `set` cannot be used without `missing`: the one is set, the other empty or unset.
    fn half_set(&self, set: &str, missing: &str) -> String {
        match self.var(missing) {
            Some(_) => format!("{set} is set but {missing} is empty"),
            None => format!("{set} is set but {missing} is not"),
        }
    }

    /// The files to look at, and why one of them must exist (`None`: none must).
    fn profile_paths(&self) -> (Vec<PathBuf>, Option<String>) {
        let named = self
            .profile
            .as_ref()
            .map(|p| format!("profile [{p}] was asked for"));
        if let Some(files) = &self.profile_files {
            return (files.clone(), named);
        }
        if let Some(file) = self.var(ENV_CREDENTIALS_FILE).filter(|f| !f.is_empty()) {
            return (
                vec![PathBuf::from(file)],
                Some(format!("{ENV_CREDENTIALS_FILE} names a file")),
            );
        }
        let mut files = Vec::new();
        if let Some(home) = self.var("HOME").filter(|h| !h.is_empty()) {
            files.push(Path::new(&home).join(".tencentcloud").join("credentials"));
        }
        files.push(PathBuf::from("/etc/tencentcloud/credentials"));
        (files, named)
    }

    fn profile_file(&self) -> Step {
        let (files, required) = self.profile_paths();
        let profile = self.profile.as_deref().unwrap_or("default");
        let mut passed = Vec::new();
        for path in &files {
            let text = match read_profile_file(path) {
                Ok(text) => text,
                Err(Unread::Missing) => {
                    passed.push(format!("there is no file at {}", path.display()));
                    continue;
                }
                // A file this user may not read is someone else's (a root-only
                // /etc/tencentcloud/credentials): passed over unless it was asked for.
                Err(Unread::Denied) if required.is_none() => {
                    passed.push(format!(
                        "{} cannot be read (permission denied)",
                        path.display()
                    ));
                    continue;
                }
                Err(Unread::Denied) => {
                    return Step::Broken(format!(
                        "{}: cannot be read (permission denied)",
                        path.display()
                    ));
                }
                Err(Unread::Broken(why)) => {
                    return Step::Broken(format!("{}: {why}", path.display()));
                }
            };
            return match profile::read(&text, profile) {
                Ok(credentials) => Step::Found(
                    CredentialSource::ProfileFile {
                        path: path.clone(),
                        profile: profile.to_owned(),
                    },
                    Arc::new(credentials),
                ),
                Err(e) => Step::Broken(format!("{}: {e}", path.display())),
            };
        }
        let passed = if passed.is_empty() {
            "no file was named".to_owned()
        } else {
            passed.join(", ")
        };
        match required {
            Some(why) => Step::Broken(format!("{why}, and {passed}")),
            None => Step::Skipped(passed),
        }
    }

    fn instance_role(&self, now: SystemTime) -> Step {
        if self.profile.is_some() {
            return Step::Skipped("not asked, since a profile was named".into());
        }
        if !self.instance_role {
            return Step::Skipped("not asked (turned off)".into());
        }
        let endpoint = match Endpoint::parse(&self.metadata_endpoint) {
            Ok(endpoint) => endpoint,
            Err(e) => return Step::Broken(format!("the metadata address cannot be used: {e}")),
        };
        let metadata = Metadata::new(&endpoint.base_url, self.metadata_timeout);
        let base = metadata.base_url().to_owned();
        let role = match metadata.get(instance_role::CREDENTIALS_PATH) {
            Fetched::NoAnswer(why) => {
                return Step::Skipped(format!("the metadata service at {base} gave {why}"));
            }
            Fetched::Answer(404, _) => {
                return Step::Skipped(format!(
                    "the metadata service at {base} has no role for this instance (404)"
                ));
            }
            Fetched::Answer(200, body) => match instance_role::role_name(&body) {
                Ok(Some(role)) => role,
                Ok(None) => {
                    return Step::Skipped(format!(
                        "the metadata service at {base} names no role for this instance"
                    ));
                }
                Err(why) => {
                    return Step::Broken(format!("the metadata service at {base} answered {why}"));
                }
            },
            Fetched::Answer(status, _) => {
                return Step::Broken(format!(
                    "the metadata service at {base} answered status {status} when asked for the role"
                ));
            }
        };
        let first = match fetch_role_credentials(&metadata, &role) {
            Ok(credentials) => credentials,
            Err(why) => return Step::Broken(format!("role {role}: {why}")),
        };
        if first.expiration().is_some_and(|at| at <= now) {
            return Step::Broken(format!(
                "role {role}: the metadata service at {base} gave credentials that have expired"
            ));
        }
        let source = CredentialSource::InstanceRole {
            metadata: base,
            role: role.clone(),
        };
        let refresh = move || fetch_role_credentials(&metadata, &role).map_err(Into::into);
        let provider =
            RefreshingCredentials::new(INSTANCE_ROLE_MARGIN, refresh).with_cached(first, now);
        Step::Found(source, Arc::new(provider))
    }
}

/// The role's credentials from the metadata service, or why there are none.
fn fetch_role_credentials(metadata: &Metadata, role: &str) -> Result<Credentials, String> {
    let path = format!("{}{role}", instance_role::CREDENTIALS_PATH);
    match metadata.get(&path) {
        Fetched::Answer(200, body) => instance_role::role_credentials(&body)
            .map_err(|why| format!("the metadata service at {} gave {why}", metadata.base_url())),
        Fetched::Answer(status, _) => Err(format!(
            "the metadata service at {} answered status {status}",
            metadata.base_url()
        )),
        Fetched::NoAnswer(why) => Err(format!(
            "the metadata service at {} gave {why}",
            metadata.base_url()
        )),
    }
}

/// Why a profile file gave no text.
enum Unread {
    /// There is no file (or a dangling link).
    Missing,
    /// This user may not read it.
    Denied,
    /// It is not a credentials file: why.
    Broken(String),
}

/// The text of a profile file: a regular file of at most [`MAX_PROFILE_FILE`] bytes of
/// UTF-8. Anything else is refused before it is opened, so that a FIFO (whose open waits
/// for a writer) or a device cannot hold the chain up.
fn read_profile_file(path: &Path) -> Result<String, Unread> {
    let unread = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => Unread::Missing,
        std::io::ErrorKind::PermissionDenied => Unread::Denied,
        kind => Unread::Broken(format!("cannot be read ({kind})")),
    };
    let metadata = std::fs::metadata(path).map_err(unread)?;
    if !metadata.is_file() {
        return Err(Unread::Broken("is not a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(unread)?;
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(unread)?;
    if bytes.len() as u64 > MAX_PROFILE_FILE {
        return Err(Unread::Broken(format!(
            "is larger than {MAX_PROFILE_FILE} bytes"
        )));
    }
    String::from_utf8(bytes).map_err(|_| Unread::Broken("is not UTF-8".into()))
}
