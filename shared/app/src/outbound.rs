//! The one way out: every outbound HTTP request (QLVB file downloads, webhook deliveries) goes
//! through an [`Outbound`] client, so a caller cannot make this service fetch from itself or
//! from the network it sits in (SSRF).
//!
//! Refused, unless `CCHC_OUTBOUND_ALLOW` lists them: loopback, private (RFC 1918), shared
//! (100.64/10), link-local, unique-local, unspecified, multicast, broadcast, documentation,
//! benchmarking and reserved addresses, and the IPv6 forms that carry one of those IPv4
//! addresses (mapped, compatible, NAT64, 6to4). The check is on the addresses a name resolves
//! to, in the client's own resolver, so the address checked is the address connected to (no
//! second lookup to rebind); literal addresses, which skip the resolver, are checked before the
//! request. Redirects are never followed (a 3xx is an answer like any other non-2xx), and no
//! HTTP proxy from the environment is used (the proxy would resolve the name, not us).
//!
//! What went wrong is for the server log only: callers show [`FAILED`], the same words for a
//! refused connection, a reset, a timeout or a server that closed the socket, so an answer
//! cannot be used to scan ports.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::{Host, Url};

/// What callers say about any failed outbound request; the cause goes to the log.
pub const FAILED: &str = "the remote server could not be reached or did not answer as expected";

/// How long looking a name up may take when a target is checked ahead of time.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an address may not be fetched from, if it may not.
pub fn refused(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => refused_v6(v6),
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => Some("unspecified (0.0.0.0/8)"),
        (10, _, _) | (192, 168, _) => Some("private"),
        (172, 16..=31, _) => Some("private"),
        (100, 64..=127, _) => Some("shared address space (100.64.0.0/10)"),
        (127, _, _) => Some("loopback"),
        (169, 254, _) => Some("link-local"),
        (192, 0, 0) => Some("IETF protocol assignments (192.0.0.0/24)"),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Some("documentation"),
        (192, 88, 99) => Some("6to4 relay anycast"),
        (198, 18..=19, _) => Some("benchmarking"),
        (224..=239, _, _) => Some("multicast"),
        (240..=255, _, _) => Some("reserved or broadcast"),
        _ => None,
    }
}

fn refused_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return refused_v4(v4);
    }
    let s = ip.segments();
    let embedded = |high: u16, low: u16| {
        Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8)
    };
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    if s[..6] == [0; 6] {
        return Some("IPv4-compatible (deprecated)");
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return refused_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return refused_v4(embedded(s[1], s[2]));
    }
    match s[0] {
        0x2001 if s[1] < 0x0200 => Some("IETF protocol assignments (2001::/23, Teredo)"),
        0x2001 if s[1] == 0x0db8 => Some("documentation"),
        0x3fff if s[1] < 0x1000 => Some("documentation"),
        0xfc00..=0xfdff => Some("unique-local"),
        0xfe80..=0xfebf => Some("link-local"),
        0xfec0..=0xfeff => Some("site-local (deprecated)"),
        0xff00..=0xffff => Some("multicast"),
        // Only global unicast (2000::/3) is routable on the internet.
        0x2000..=0x3fff => None,
        _ => Some("reserved"),
    }
}

/// Networks and host names reachable although their addresses would be refused
/// (`CCHC_OUTBOUND_ALLOW`), e.g. a QLVB on the province's private network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    nets: Vec<IpNet>,
    /// Lowercase, without a trailing dot; `*.example.vn` takes any name under `example.vn`.
    hosts: Vec<String>,
}

impl AllowList {
    /// Reads a comma-separated list of CIDR networks (`10.20.0.0/16`, `fd00::/8`), single
    /// addresses (`192.168.1.5`) and host names (`qlvb.sct.local`, `*.sct.local`).
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut list = Self::default();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if let Ok(net) = entry.parse::<IpNet>() {
                list.nets.push(net.trunc());
            } else if let Ok(ip) = entry.parse::<IpAddr>() {
                list.nets.push(IpNet::from(ip.to_canonical()));
            } else if entry.contains('/') || entry.contains(':') {
                return Err(format!(
                    "{entry:?} is not a network: write an address with a prefix length, e.g. 10.20.0.0/16 or fd00::/8"
                ));
            } else {
                let host = entry.trim_end_matches('.').to_ascii_lowercase();
                let name = host.strip_prefix("*.").unwrap_or(&host);
                let valid = !name.is_empty()
                    && name.split('.').all(|label| {
                        !label.is_empty()
                            && label.len() <= 63
                            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    });
                if !valid {
                    return Err(format!(
                        "{entry:?} is neither a network, an address nor a host name (qlvb.sct.local, *.sct.local)"
                    ));
                }
                list.hosts.push(host);
            }
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty() && self.hosts.is_empty()
    }

    /// Whether the host name is listed (exactly, or under a `*.` entry).
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts
            .iter()
            .any(|entry| match entry.strip_prefix("*.") {
                Some(suffix) => host
                    .strip_suffix(suffix)
                    .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
                None => *entry == host,
            })
    }

    /// Why this address of `host` may not be fetched from, if it may not.
    pub fn refuses(&self, host: Option<&str>, ip: IpAddr) -> Option<&'static str> {
        if host.is_some_and(|h| self.allows_host(h)) {
            return None;
        }
        let ip = ip.to_canonical();
        if self.nets.iter().any(|net| net.contains(&ip)) {
            return None;
        }
        refused(ip)
    }
}

impl fmt::Display for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nets = self.nets.iter().map(ToString::to_string);
        let entries: Vec<String> = nets.chain(self.hosts.iter().cloned()).collect();
        f.write_str(&entries.join(","))
    }
}

/// A target refused by the address policy; it was not contacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressNotAllowed {
    pub host: String,
    pub address: Option<IpAddr>,
    pub reason: &'static str,
}

impl fmt::Display for AddressNotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.address {
            Some(address) => write!(
                f,
                "{} is {address}, a {} address, and not in CCHC_OUTBOUND_ALLOW",
                self.host, self.reason
            ),
            None => write!(f, "{}: {}", self.host, self.reason),
        }
    }
}

impl std::error::Error for AddressNotAllowed {}

/// Why an outbound request failed. Its text is for the log; answers say [`FAILED`] (or, for
/// [`OutboundError::NotAllowed`], that the address is not allowed).
#[derive(Debug)]
pub enum OutboundError {
    /// The target's address is refused; nothing was sent.
    NotAllowed(AddressNotAllowed),
    /// Anything else: name not found, refused, reset, timed out, bad TLS…
    Failed(String),
}

impl fmt::Display for OutboundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed(refused) => refused.fmt(f),
            Self::Failed(cause) => f.write_str(cause),
        }
    }
}

impl std::error::Error for OutboundError {}

impl From<reqwest::Error> for OutboundError {
    fn from(error: reqwest::Error) -> Self {
        // The resolver's refusal comes back wrapped in the connector's errors.
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            if let Some(refused) = cause.downcast_ref::<AddressNotAllowed>() {
                return Self::NotAllowed(refused.clone());
            }
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Failed(text)
    }
}

/// Resolves names as the system does and keeps only the addresses the policy allows.
struct GuardedResolver {
    allow: Arc<AllowList>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let (kept, refused) = lookup(&allow, &host).await?;
            if kept.is_empty() {
                let error = refused.unwrap_or(AddressNotAllowed {
                    host,
                    address: None,
                    reason: "the name has no address",
                });
                return Err(Box::new(error) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// The allowed addresses of `host`, and the first refused one if any was.
async fn lookup(
    allow: &AllowList,
    host: &str,
) -> std::io::Result<(Vec<SocketAddr>, Option<AddressNotAllowed>)> {
    let mut kept = Vec::new();
    let mut first_refused = None;
    for addr in tokio::net::lookup_host((host, 0)).await? {
        match allow.refuses(Some(host), addr.ip()) {
            None => kept.push(addr),
            Some(reason) => {
                first_refused.get_or_insert(AddressNotAllowed {
                    host: host.to_owned(),
                    address: Some(addr.ip()),
                    reason,
                });
            }
        }
    }
    Ok((kept, first_refused))
}

/// How an [`Outbound`] client behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub connect_timeout: Duration,
    /// Longest a whole request may take, answer included; `None`: the caller times it.
    pub timeout: Option<Duration>,
    pub user_agent: Option<&'static str>,
    /// Most requests in flight at once through this client (see [`Outbound::slot`]).
    pub max_concurrent: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: None,
            user_agent: None,
            max_concurrent: 8,
        }
    }
}

/// The guarded HTTP client; cheap to clone.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    allow: Arc<AllowList>,
    slots: Arc<Semaphore>,
}

impl fmt::Debug for Outbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outbound")
            .field("allow", &self.allow.to_string())
            .finish()
    }
}

impl Outbound {
    pub fn new(allow: AllowList, options: Options) -> Result<Self, reqwest::Error> {
        let allow = Arc::new(allow);
        let mut builder = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                allow: allow.clone(),
            }));
        if let Some(timeout) = options.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(agent) = options.user_agent {
            builder = builder.user_agent(agent);
        }
        Ok(Self {
            client: builder.build()?,
            allow,
            slots: Arc::new(Semaphore::new(options.max_concurrent.max(1))),
        })
    }

    pub fn allow_list(&self) -> &AllowList {
        &self.allow
    }

    /// Waits for one of the client's slots; hold it while reading an answer's body, so many
    /// slow downloads at once cannot take every socket and buffer of the process.
    pub async fn slot(&self) -> OwnedSemaphorePermit {
        // The semaphore is never closed.
        match self.slots.clone().acquire_owned().await {
            Ok(permit) => permit,
            Err(_) => unreachable!("the outbound semaphore is never closed"),
        }
    }

    /// Refuses a literal address the policy does not allow (those skip the resolver). The
    /// `url` crate has already turned `127.1`, `2130706433` and `0x7f000001` into `127.0.0.1`.
    pub fn check_literal(&self, url: &Url) -> Result<(), AddressNotAllowed> {
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(_)) | None => return Ok(()),
        };
        match self.allow.refuses(None, ip) {
            None => Ok(()),
            Some(reason) => Err(AddressNotAllowed {
                host: url.host_str().unwrap_or_default().to_owned(),
                address: Some(ip.to_canonical()),
                reason,
            }),
        }
    }

    /// Checks a target ahead of time (a webhook being saved): a literal address, or the
    /// addresses its name has now; any refused one refuses the target. A name that does not
    /// resolve now is not refused here (the check is made again on every request).
    pub async fn check_target(&self, url: &Url) -> Result<(), AddressNotAllowed> {
        self.check_literal(url)?;
        let Some(Host::Domain(host)) = url.host() else {
            return Ok(());
        };
        match tokio::time::timeout(LOOKUP_TIMEOUT, lookup(&self.allow, host)).await {
            Ok(Ok((_, Some(refused)))) => Err(refused),
            Ok(Ok((_, None))) | Ok(Err(_)) | Err(_) => Ok(()),
        }
    }

    /// A request to build and then [`Outbound::send`].
    pub fn request(&self, method: reqwest::Method, url: Url) -> reqwest::RequestBuilder {
        self.client.request(method, url)
    }

    /// Sends a request built with [`Outbound::request`]. Redirects come back as answers.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, OutboundError> {
        let request = request.build()?;
        if !matches!(request.url().scheme(), "http" | "https") {
            return Err(OutboundError::Failed(format!(
                "unsupported scheme {:?}",
                request.url().scheme()
            )));
        }
        self.check_literal(request.url())
            .map_err(OutboundError::NotAllowed)?;
        Ok(self.client.execute(request).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_and_special_addresses_are_refused() {
        for text in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.10",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::8.8.8.8",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "2001::1",
            "2001:db8::1",
            "3fff::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "100::1",
            "1::1",
        ] {
            assert!(refused(ip(text)).is_some(), "{text} must be refused");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "14.225.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.169.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:4860:4860::8888",
            "2404:6800:4005::200e",
        ] {
            assert_eq!(refused(ip(text)), None, "{text} must be allowed");
        }
    }

    #[test]
    fn the_url_crate_normalises_ipv4_spellings_so_literals_are_caught() {
        let outbound = Outbound::new(AllowList::default(), Options::default()).unwrap();
        for text in [
            "http://127.0.0.1/a",
            "http://127.1/a",
            "http://2130706433/a",
            "http://0x7f000001/a",
            "http://0x7f.1/a",
            "http://0177.0.0.1/a",
            "http://0/a",
            "http://0.0.0.0:8080/a",
            "http://[::ffff:127.0.0.1]/a",
            "http://[::ffff:7f00:1]/a",
            "http://[::1]/a",
            "http://[0:0:0:0:0:0:0:1]/a",
            "http://169.254.169.254/latest/meta-data/",
            "http://0xa9fea9fe/",
            "https://[fe80::1]/",
        ] {
            let url = Url::parse(text).unwrap();
            assert!(
                matches!(url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_))),
                "{text} parses to a literal address: {url}"
            );
            assert!(outbound.check_literal(&url).is_err(), "{text}");
        }
        let named = Url::parse("https://qlvb.example.gov.vn/files/1").unwrap();
        assert_eq!(outbound.check_literal(&named), Ok(()));
    }

    #[test]
    fn the_allow_list_takes_networks_addresses_and_names() {
        let allow =
            AllowList::parse(" 10.20.0.0/16, 192.168.1.5 ,fd00::/8, QLVB.sct.local., *.noi-bo.vn,")
                .unwrap();
        assert_eq!(
            allow.to_string(),
            "10.20.0.0/16,192.168.1.5/32,fd00::/8,qlvb.sct.local,*.noi-bo.vn"
        );
        assert_eq!(allow.refuses(None, ip("10.20.3.4")), None);
        assert_eq!(allow.refuses(None, ip("::ffff:10.20.3.4")), None);
        assert_eq!(allow.refuses(None, ip("10.21.0.1")), Some("private"));
        assert_eq!(allow.refuses(None, ip("192.168.1.5")), None);
        assert_eq!(allow.refuses(None, ip("192.168.1.6")), Some("private"));
        assert_eq!(allow.refuses(None, ip("fd12::1")), None);
        assert_eq!(allow.refuses(Some("qlvb.sct.local"), ip("127.0.0.1")), None);
        assert_eq!(allow.refuses(Some("Qlvb.Sct.Local."), ip("10.9.9.9")), None);
        assert_eq!(allow.refuses(Some("a.noi-bo.vn"), ip("10.9.9.9")), None);
        assert_eq!(
            allow.refuses(Some("noi-bo.vn"), ip("10.9.9.9")),
            Some("private")
        );
        assert_eq!(
            allow.refuses(Some("xnoi-bo.vn"), ip("10.9.9.9")),
            Some("private")
        );
        assert_eq!(allow.refuses(Some("other.vn"), ip("8.8.8.8")), None);
        assert!(AllowList::parse("").unwrap().is_empty());
        for bad in [
            "10.0.0.0/33",
            "http://qlvb.local",
            "qlvb local",
            "fd00::/200",
            "*.",
        ] {
            assert!(AllowList::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn names_that_resolve_to_refused_addresses_are_refused() {
        let outbound = Outbound::new(AllowList::default(), Options::default()).unwrap();
        let url = Url::parse("http://localhost:9/x").unwrap();
        let refused = outbound.check_target(&url).await.unwrap_err();
        assert_eq!(refused.reason, "loopback");
        // The same name allowed by name, or its address by network, passes.
        for allow in ["localhost", "127.0.0.0/8,::1"] {
            let allowed =
                Outbound::new(AllowList::parse(allow).unwrap(), Options::default()).unwrap();
            assert_eq!(allowed.check_target(&url).await, Ok(()), "{allow}");
        }
    }

    #[tokio::test]
    async fn the_resolvers_refusal_is_told_apart_from_other_failures() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let outbound = Outbound::new(AllowList::default(), Options::default()).unwrap();
        let url = Url::parse(&format!("http://localhost:{port}/x")).unwrap();
        let error = outbound
            .send(outbound.request(reqwest::Method::GET, url))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, OutboundError::NotAllowed(refused) if refused.host == "localhost"),
            "{error:?}"
        );
        // Nobody connected.
        let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "the listener got a connection");
        // A port nobody listens on, allowed: a plain failure.
        drop(listener);
        let allowed =
            Outbound::new(AllowList::parse("127.0.0.1").unwrap(), Options::default()).unwrap();
        let url = Url::parse(&format!("http://127.0.0.1:{port}/x")).unwrap();
        let error = allowed
            .send(allowed.request(reqwest::Method::GET, url))
            .await
            .unwrap_err();
        assert!(matches!(error, OutboundError::Failed(_)), "{error:?}");
    }
}
