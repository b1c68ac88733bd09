//! placeholder
pub struct Client; pub struct ClientBuilder; pub struct JobIter; pub struct RetryPolicy; pub struct WaitOptions;
