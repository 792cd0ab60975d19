//! "Play in it yourself" end to end: the local Discord's web page ([`studio_tests::play`]) with the
//! real services behind it, driven by a real headless Chromium over the DevTools protocol. As
//! alice, the browser types `/sell` and fills the form the bot opens; as bob, it types `/balance`
//! and sees his balance, types `/shop`, clicks the real "Buy #N" button and sees the receipt with
//! the code, privately: alice's page never shows it. A hostile `/pay` is refused on the page and
//! changes nothing. Without /usr/bin/chromium the browser part fails, unless
//! `STUDIO_SKIP_BROWSER=1` (then the same page is checked over plain HTTP).

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use studio_tests::FakeMember;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_websockets::{ClientBuilder, MaybeTlsStream, Message, WebSocketStream};

const CHROMIUM: &str = "/usr/bin/chromium";
const GRANT: i64 = 1_000;
const PRICE: i64 = 250;

/// A real headless Chromium, one page, driven through the DevTools protocol.
struct Browser {
    chromium: tokio::process::Child,
    page: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    profile: PathBuf,
}

/// `GET path` on `addr` over plain HTTP/1.1: the body.
async fn http_get(addr: &str, path: &str) -> String {
    http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// One raw HTTP/1.1 exchange (the request says `Connection: close`) with `addr`: the response's body (status line checked: 2xx/3xx).
async fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("request");
    // Chromium keeps the connection open whatever the request says: read by Content-Length.
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head, body) = loop {
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut chunk))
            .await
            .expect("an HTTP answer within 30 s")
            .expect("response");
        raw.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&raw).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            if read == 0 || length.is_some_and(|n| body.len() >= n) {
                break (head.to_owned(), body.to_owned());
            }
        }
        assert!(read > 0, "the connection closed mid-answer: {text}");
    };
    assert!(
        head.starts_with("HTTP/1.1 2") || head.starts_with("HTTP/1.1 3"),
        "{request}\n→ {head}\n{body}"
    );
    body
}

impl Browser {
    /// Starts Chromium on about:blank and connects to its page.
    async fn launch() -> Browser {
        let profile =
            std::env::temp_dir().join(format!("studio-play-{}", uuid::Uuid::new_v4().simple()));
        let mut chromium = tokio::process::Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
                &format!("--user-data-dir={}", profile.display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("Chromium starts");
        let stderr = chromium.stderr.take().expect("Chromium's stderr");
        let mut lines = BufReader::new(stderr).lines();
        let listening = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("Chromium's stderr") {
                if let Some(url) = line.split("DevTools listening on ").nth(1) {
                    return url.trim().to_owned();
                }
            }
            panic!("Chromium exited before it listened for DevTools");
        })
        .await
        .expect("Chromium listened for DevTools within 60 s");
        // Keep reading its stderr so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        // ws://127.0.0.1:PORT/devtools/browser/ID → the page target from /json/list.
        let host = listening
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .expect("host:port")
            .to_owned();
        let mut page_url = None;
        for _ in 0..50 {
            let targets: Value =
                serde_json::from_str(&http_get(&host, "/json/list").await).expect("targets JSON");
            page_url = targets
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["type"] == "page")
                .and_then(|t| t["webSocketDebuggerUrl"].as_str())
                .map(str::to_owned);
            if page_url.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let page_url = page_url.expect("Chromium opened a page");
        let (page, _) = ClientBuilder::new()
            .uri(&page_url)
            .expect("DevTools URL")
            .connect()
            .await
            .expect("connect to the page's DevTools");
        let mut browser = Browser {
            chromium,
            page,
            next_id: 0,
            profile,
        };
        browser
            .call("Page.enable", json!({}))
            .await
            .expect("Page.enable");
        browser
    }

    /// Sends DevTools command `method` and returns its result (events in between are skipped).
    async fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let frame = json!({"id": id, "method": method, "params": params}).to_string();
        self.page
            .send(Message::text(frame))
            .await
            .expect("send to DevTools");
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.page.next())
                .await
                .expect("DevTools answered within 30 s")
                .expect("DevTools connection open")
                .expect("DevTools frame");
            let Some(text) = message.as_text() else {
                continue;
            };
            let reply: Value = serde_json::from_str(text).expect("DevTools JSON");
            if reply["id"] == id {
                return match reply.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(reply["result"].clone()),
                };
            }
        }
    }

    /// Evaluates `expression` in the page; its value (JSON), or `None` while no page can run it.
    async fn eval(&mut self, expression: &str) -> Option<Value> {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true}),
            )
            .await
            .ok()?;
        if result.get("exceptionDetails").is_some() {
            return None;
        }
        result.pointer("/result/value").cloned()
    }

    /// Marks the current document, so [`Browser::wait_new_page`] sees when another replaced it.
    async fn mark(&mut self) {
        self.eval("window.__studioOld = true").await;
    }

    /// Waits until a new document (not the marked one) has loaded.
    async fn wait_new_page(&mut self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let loaded = self
                .eval("window.__studioOld === undefined && document.readyState === 'complete'")
                .await;
            if loaded == Some(Value::Bool(true)) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no new page loaded within {PATIENCE:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn open(&mut self, url: &str) {
        self.mark().await;
        self.call("Page.navigate", json!({"url": url}))
            .await
            .expect("Page.navigate");
        self.wait_new_page().await;
    }

    /// Runs `script` (which must return true: it found what it clicks) and waits for the page the
    /// click leads to.
    async fn click_and_wait(&mut self, script: &str, what: &str) {
        self.mark().await;
        let clicked = self.eval(script).await;
        assert_eq!(clicked, Some(Value::Bool(true)), "{what} on the page");
        self.wait_new_page().await;
    }

    /// Types `text` in the message box and clicks Send.
    async fn type_and_send(&mut self, text: &str) {
        let literal = serde_json::to_string(text).expect("a JS string");
        let script = format!(
            "(() => {{ const box = document.querySelector('form.composer input[name=text]');
                const send = [...document.querySelectorAll('form.composer button')]
                    .find(b => b.innerText.trim() === 'Send');
                if (!box || !send) return false;
                box.value = {literal}; send.click(); return true; }})()"
        );
        self.click_and_wait(&script, "the message box and Send")
            .await;
    }

    /// Fills the open form's fields (`custom_id`, value) and clicks its Submit button.
    async fn fill_form(&mut self, fields: &[(&str, &str)]) {
        let values: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(id, value)| (format!("field:{id}"), json!(value)))
            .collect();
        let script = format!(
            "(() => {{ const form = document.querySelector('.modal form');
                if (!form) return false;
                for (const [name, value] of Object.entries({})) {{
                    const input = form.querySelector(`[name=\"${{name}}\"]`);
                    if (!input) return false;
                    input.value = value;
                }}
                const submit = [...form.querySelectorAll('button')]
                    .find(b => b.innerText.trim() === 'Submit');
                if (!submit) return false; submit.click(); return true; }})()",
            Value::Object(values)
        );
        self.click_and_wait(&script, "the form's fields and Submit")
            .await;
    }

    /// Clicks the button whose label contains `label`.
    async fn click_button(&mut self, label: &str) {
        let literal = serde_json::to_string(label).expect("a JS string");
        let script = format!(
            "(() => {{ const b = [...document.querySelectorAll('button')]
                .find(b => b.innerText.includes({literal}));
                if (!b) return false; b.click(); return true; }})()"
        );
        self.click_and_wait(&script, &format!("a button {label:?}"))
            .await;
    }

    /// Clicks the link whose text is `text`.
    async fn click_link(&mut self, text: &str) {
        let literal = serde_json::to_string(text).expect("a JS string");
        let script = format!(
            "(() => {{ const a = [...document.querySelectorAll('a')]
                .find(a => a.innerText.trim() === {literal});
                if (!a) return false; a.click(); return true; }})()"
        );
        self.click_and_wait(&script, &format!("a link {text:?}"))
            .await;
    }

    /// What the page shows, as a person reads it.
    async fn text(&mut self) -> String {
        match self.eval("document.body.innerText").await {
            Some(Value::String(text)) => text,
            other => panic!("no page text: {other:?}"),
        }
    }

    async fn location(&mut self) -> String {
        match self.eval("location.pathname").await {
            Some(Value::String(path)) => path,
            other => panic!("no location: {other:?}"),
        }
    }
}

impl Drop for Browser {
    /// Stops Chromium, then removes its profile: removed while it still runs, Chromium writes
    /// part of it again and the folder stays behind in the temporary directory.
    fn drop(&mut self) {
        let _ = self.chromium.start_kill();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while matches!(self.chromium.try_wait(), Ok(None)) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Its helper processes outlive it by a moment.
        for _ in 0..50 {
            let _ = std::fs::remove_dir_all(&self.profile);
            if !self.profile.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

/// The number after "Balance: " in `text`.
fn balance_in(text: &str) -> i64 {
    text.split("Balance: ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a balance on the page:\n{text}"))
}

/// Serves the play page for the stack's guild on a free port; its address.
async fn play_page(stack: &Stack, admin: &FakeMember) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("address").to_string();
    let admin_id = admin.user_id;
    tokio::spawn(studio_tests::play::serve(
        listener,
        stack.discord.clone(),
        GUILD,
        CHANNEL,
        move |user| {
            if user == admin_id {
                ADMIN_PERMISSIONS
            } else {
                MEMBER_PERMISSIONS
            }
        },
    ));
    addr
}

#[tokio::test]
async fn a_newcomer_plays_bob_in_the_browser_and_buys_code_privately() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let stack = Stack::start(vec![alice.clone(), bob.clone(), admin.clone()]).await;
    let _services = stack.services().await;
    let addr = play_page(&stack, &admin).await;

    original(&stack, grant(&stack, &admin, bob.user_id, GRANT)).await;

    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var("STUDIO_SKIP_BROWSER").is_ok_and(|v| v == "1"),
            "{CHROMIUM} is missing: `apt-get install -y chromium` (scripts/test does), or set STUDIO_SKIP_BROWSER=1 to skip the browser checks"
        );
        eprintln!("SKIPPED the browser: {CHROMIUM} is missing and STUDIO_SKIP_BROWSER=1");
        over_http(&stack, &addr, &bob).await;
        stack.finish().await;
        return;
    }

    let mut browser = Browser::launch().await;
    let base = format!("http://{addr}");

    // Alice sells code that holds a marker through the form /sell opens; only a buyer may ever
    // see the code.
    let marker = format!("PLAY-CODE-{}", uuid::Uuid::new_v4().simple());
    browser.open(&format!("{base}/as/{}", alice.user_id)).await;
    browser.type_and_send("/sell").await;
    let form = browser.text().await;
    assert!(
        form.contains("Sell code on the marketplace"),
        "the form:\n{form}"
    );
    let code = format!("fn flow() {{ /* {marker} */ }}");
    browser
        .fill_form(&[
            ("title", "Flow fields <fast>"),
            ("description", "Crowd pathfinding"),
            ("language", "Rust"),
            ("price", &PRICE.to_string()),
            ("code", &code),
        ])
        .await;
    let listed = browser.text().await;
    let listing: i64 = listed
        .split("Listing #")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a listing number on alice's page:\n{listed}"));
    assert!(
        !listed.contains("Sell code on the marketplace"),
        "the form closed:\n{listed}"
    );

    // Pick bob among the members.
    browser.open(&format!("{base}/")).await;
    let home = browser.text().await;
    for name in ["alice", "bob", "ada-admin"] {
        assert!(home.contains(name), "{name} on the member list:\n{home}");
    }
    browser.click_link("bob").await;
    assert_eq!(browser.location().await, format!("/as/{}", bob.user_id));
    let before = browser.text().await;
    assert!(!before.contains("Balance: "), "{before}");

    // He says something with markup in it: shown as text, to everyone.
    browser.type_and_send("hello <b>world</b> & all").await;
    assert!(
        browser.text().await.contains("hello <b>world</b> & all"),
        "bob's message, escaped"
    );

    // /balance: his balance, privately.
    browser.type_and_send("/balance").await;
    let page = browser.text().await;
    let balance = balance_in(&page);
    assert!(balance >= GRANT, "{page}");
    assert!(page.contains("Only you can see this"), "{page}");

    // /shop, then the real Buy button: the receipt and the code, privately.
    browser.type_and_send("/shop").await;
    let shop = browser.text().await;
    assert!(shop.contains("Flow fields <fast>"), "{shop}");
    assert!(!shop.contains(&marker), "the code before buying:\n{shop}");
    browser.click_button(&format!("Buy #{listing}")).await;
    let bought = browser.text().await;
    assert!(
        bought.contains(&format!("You bought listing #{listing}")),
        "the receipt on bob's page:\n{bought}"
    );
    assert!(
        bought.contains(&marker),
        "the code on bob's page:\n{bought}"
    );
    assert_eq!(shown_balance(&stack, &bob).await, balance - PRICE);

    // A hostile /pay is refused on the page, before anything reaches the bot.
    let interactions = stack.discord.callbacks().len();
    browser.type_and_send("/pay member:@nobody amount:-5").await;
    let refused = browser.text().await;
    assert!(
        refused.contains("no member named @nobody"),
        "a clear refusal:\n{refused}"
    );
    assert_eq!(
        stack.discord.callbacks().len(),
        interactions,
        "nothing was sent"
    );
    // One the client lets through, the bot refuses privately: nothing changes.
    browser
        .type_and_send(&format!("/pay member:@alice amount:{}", GRANT * 100))
        .await;
    let paid_page = browser.text().await;
    let answer = stack
        .discord
        .callbacks()
        .into_iter()
        .skip(interactions)
        .find(|c| {
            stack
                .discord
                .interaction(c.interaction_id)
                .is_some_and(|i| i.label.starts_with("/pay"))
        })
        .unwrap_or_else(|| panic!("the bot answered the /pay:\n{}", paid_page));
    let flags = answer.body.pointer("/data/flags").and_then(Value::as_u64);
    assert_eq!(flags.map(|f| f & 64), Some(64), "{}", answer.body);
    assert_eq!(shown_balance(&stack, &bob).await, balance - PRICE);

    // Alice sees bob's words, never his receipt nor the code.
    browser.open(&format!("{base}/as/{}", alice.user_id)).await;
    let alice_page = browser.text().await;
    assert!(
        alice_page.contains("hello <b>world</b> & all"),
        "{alice_page}"
    );
    assert!(!alice_page.contains(&marker), "{alice_page}");
    assert!(!alice_page.contains("You bought"), "{alice_page}");
    let alice_html = http_get(&addr, &format!("/as/{}", alice.user_id)).await;
    assert!(!alice_html.contains(&marker), "{alice_html}");
    assert!(!alice_html.contains("You bought"), "{alice_html}");

    drop(browser);
    stack.assert_log_sound().await;
    stack.finish().await;
}

/// Without a browser: bob's `/balance` over plain HTTP forms, and alice does not see his answer.
async fn over_http(stack: &Stack, addr: &str, bob: &FakeMember) {
    let body = "text=%2Fbalance";
    http(
        addr,
        &format!(
            "POST /as/{}/send HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            bob.user_id,
            body.len()
        ),
    )
    .await;
    let page = http_get(addr, &format!("/as/{}", bob.user_id)).await;
    assert!(page.contains("Balance: "), "{page}");
    let alice = http_get(addr, &format!("/as/{}", alice().user_id)).await;
    assert!(!alice.contains("Balance: "), "{alice}");
    stack.assert_log_sound().await;
}
