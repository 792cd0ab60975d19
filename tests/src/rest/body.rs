//! Request bodies: JSON, or twilight's `multipart/form-data` (a `payload_json` part plus
//! `files[n]` parts) when the bot attaches files.

use crate::records::SentAttachment;
use serde_json::Value;

/// A parsed request body.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// The JSON body (for multipart: `payload_json`); `None` when empty or malformed.
    pub json: Option<Value>,
    /// Why the body could not be read, when it is not empty.
    pub error: Option<String>,
    pub raw: String,
    pub files: Vec<SentAttachment>,
}

impl Body {
    /// The body as recorded: JSON, else the raw text, else null.
    pub fn recorded(&self) -> Value {
        match &self.json {
            Some(json) => json.clone(),
            None if self.raw.is_empty() => Value::Null,
            None => Value::String(self.raw.clone()),
        }
    }
}

pub(crate) fn parse(content_type: Option<&str>, bytes: &[u8]) -> Body {
    let boundary = content_type
        .filter(|ct| ct.starts_with("multipart/form-data"))
        .and_then(|ct| ct.split("boundary=").nth(1))
        .map(|b| b.trim_matches('"').to_owned());
    match boundary {
        Some(boundary) => multipart(&boundary, bytes),
        None => json(bytes),
    }
}

fn json(bytes: &[u8]) -> Body {
    let raw = String::from_utf8_lossy(bytes).into_owned();
    if bytes.is_empty() {
        return Body::default();
    }
    match serde_json::from_slice(bytes) {
        Ok(json) => Body {
            json: Some(json),
            raw,
            ..Body::default()
        },
        Err(error) => Body {
            error: Some(format!("body is not JSON: {error}")),
            raw,
            ..Body::default()
        },
    }
}

fn split<'a>(mut hay: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = hay.windows(needle.len()).position(|w| w == needle) {
        parts.push(&hay[..at]);
        hay = &hay[at + needle.len()..];
    }
    parts.push(hay);
    parts
}

fn disposition_param(headers: &str, key: &str) -> Option<String> {
    let pattern = format!("{key}=\"");
    let start = headers.find(&pattern)? + pattern.len();
    let end = headers[start..].find('"')?;
    Some(headers[start..start + end].to_owned())
}

fn multipart(boundary: &str, bytes: &[u8]) -> Body {
    let mut body = Body {
        raw: String::new(),
        ..Body::default()
    };
    let delimiter = format!("--{boundary}");
    for part in split(bytes, delimiter.as_bytes()) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        if part.is_empty() || part.starts_with(b"--") {
            continue;
        }
        let mut pieces = split(part, b"\r\n\r\n").into_iter();
        let headers = String::from_utf8_lossy(pieces.next().unwrap_or_default()).into_owned();
        let rest: Vec<&[u8]> = pieces.collect();
        let content = rest.join(&b"\r\n\r\n"[..]);
        let content = content.strip_suffix(b"\r\n").unwrap_or(&content).to_vec();
        let name = disposition_param(&headers, "name").unwrap_or_default();
        if let Some(filename) = disposition_param(&headers, "filename") {
            body.files.push(SentAttachment { filename, content });
        } else if name == "payload_json" {
            let parsed = json(&content);
            body.json = parsed.json;
            body.error = parsed.error;
            body.raw = parsed.raw;
        }
    }
    if body.json.is_none() && body.error.is_none() {
        body.error = Some("multipart body without payload_json".to_owned());
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_twilight_multipart() {
        let raw = b"--abc\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.rs\"\r\n\r\nfn main() {}\r\n--abc\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n{\"content\":\"hi\"}\r\n--abc--";
        let body = parse(Some("multipart/form-data; boundary=abc"), raw);
        assert_eq!(body.json, Some(serde_json::json!({"content": "hi"})));
        assert_eq!(body.files[0].filename, "a.rs");
        assert_eq!(body.files[0].content, b"fn main() {}");
    }
}
