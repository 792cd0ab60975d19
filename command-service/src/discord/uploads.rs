//! Files members attach to a command (an admin's `/import`), fetched from where Discord keeps
//! them, before the command is decided. Studio fetches only from Discord's attachment hosts over
//! HTTPS (or from the local Discord it is pointed at with `DISCORD_API_HOST`), at most
//! [`studio_schema::import::MAX_FILE_BYTES`], within [`WITHIN`]: an interaction's URL is never
//! a way to make Studio fetch anything else.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// How long fetching one file may take.
pub const WITHIN: Duration = Duration::from_secs(5);

/// Where Discord serves attachments.
const DISCORD_HOSTS: [&str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

/// Whether Studio may fetch `url`: HTTPS on Discord's attachment hosts, or plain HTTP on
/// `local` (`host:port` of the local Discord, when the service is pointed at one).
#[must_use]
pub fn allowed(url: &str, local: Option<&str>) -> bool {
    let Ok(uri) = url.parse::<hyper::Uri>() else {
        return false;
    };
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return false;
    };
    if authority.as_str().contains('@') {
        return false;
    }
    match scheme {
        "https" => DISCORD_HOSTS.contains(&authority.as_str()),
        "http" => local.is_some_and(|host| authority.as_str() == host),
        _ => false,
    }
}

/// Fetches attachments.
#[derive(Clone)]
pub struct Uploads {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>,
    local: Option<String>,
}

impl Uploads {
    /// A fetcher; `local` is the local Discord's `host:port` (`DISCORD_API_HOST`), if any.
    #[must_use]
    pub fn new(local: Option<&str>) -> Self {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            local: local.map(str::to_owned),
        }
    }

    /// The file at `url`, at most `limit` bytes.
    ///
    /// # Errors
    /// Why it was not fetched, in words an admin reads.
    pub async fn fetch(&self, url: &str, limit: usize) -> Result<Vec<u8>, String> {
        if !allowed(url, self.local.as_deref()) {
            return Err("the file is not one Discord holds".to_owned());
        }
        let uri: hyper::Uri = url
            .parse()
            .map_err(|_| "the file's address is not valid".to_owned())?;
        let fetched = async {
            let response = self
                .client
                .get(uri)
                .await
                .map_err(|_| "Discord did not hand over the file".to_owned())?;
            if !response.status().is_success() {
                return Err(format!("Discord answered {}", response.status()));
            }
            Limited::new(response.into_body(), limit)
                .collect()
                .await
                .map(|body| body.to_bytes().to_vec())
                .map_err(|_| format!("the file is larger than {limit} bytes"))
        };
        tokio::time::timeout(WITHIN, fetched)
            .await
            .map_err(|_| format!("Discord did not hand over the file within {WITHIN:?}"))?
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn only_discords_attachment_hosts_or_the_local_discord_are_fetched() {
        let local = Some("127.0.0.1:7879");
        assert!(allowed(
            "https://cdn.discordapp.com/attachments/1/2/levels.json?ex=1",
            None
        ));
        assert!(allowed(
            "https://media.discordapp.net/attachments/1/2/a.csv",
            None
        ));
        assert!(allowed(
            "http://127.0.0.1:7879/attachments/1/2/a.csv",
            local
        ));
        for url in [
            "http://cdn.discordapp.com/attachments/1/2/a.csv",
            "https://cdn.discordapp.com.evil.example/a.csv",
            "https://user@cdn.discordapp.com/a.csv",
            "https://169.254.169.254/latest/meta-data",
            "http://127.0.0.1:7879/attachments/1/2/a.csv",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(!allowed(url, None), "{url}");
        }
        assert!(!allowed("http://127.0.0.1:5432/", local));
    }
}
