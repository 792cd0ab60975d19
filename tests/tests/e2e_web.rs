//! The web pages (issue 13) end to end: the projector serves them on `STUDIO_WEB_ADDR` from its
//! views. After a little activity in the local Discord (XP, reputation, a sale with a review) the
//! pages show the numbers members see there; member text is escaped; no page ever shows a
//! listing's code, nor a member's credits; the auditors' ledger and statements need the token;
//! unknown things are 404 pages and bad queries 400 pages. Then headless Chromium (Debian's
//! `chromium`) loads the leaderboard and the market, every link on them resolves, and a phone-size
//! screenshot is taken (`STUDIO_WEB_SCREENSHOT=<file>` keeps it, as `docs/web-leaderboard.png`
//! was made). Without /usr/bin/chromium the browser part fails, unless `STUDIO_SKIP_BROWSER=1`.

mod common;

use common::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;
use studio_tests::FakeMember;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHROMIUM: &str = "/usr/bin/chromium";
const TOKEN: &str = "auditor-token-for-e2e-web";
/// What bob is granted: a number no page should show (his credits are his own).
const BOB_GRANT: i64 = 7_777;
const PRICE: i64 = 300;

/// A free port on this host, for the projector's `STUDIO_WEB_ADDR`.
fn free_addr() -> String {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .to_string()
}

/// A response: its status code, its headers (lowercase names) and its body.
struct Response {
    status: u16,
    head: String,
    body: String,
}

/// `GET path` on `addr` over plain HTTP/1.0.
async fn get(addr: &str, path: &str) -> Response {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the web pages");
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .expect("request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("response");
    let response = String::from_utf8(raw).expect("UTF-8 pages");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or((response.as_str(), ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head}"));
    Response {
        status,
        head: head.to_lowercase(),
        body: body.to_owned(),
    }
}

/// Every page fetched, to check at the end that none ever showed the code.
#[derive(Default)]
struct Seen(Vec<(String, String)>);

impl Seen {
    /// `GET path`, expecting `status`; the body.
    async fn page(&mut self, addr: &str, path: &str, status: u16) -> String {
        let r = get(addr, path).await;
        assert_eq!(r.status, status, "GET {path}:\n{}\n\n{}", r.head, r.body);
        assert!(
            r.head.contains("content-type: text/html; charset=utf-8"),
            "GET {path}: {}",
            r.head
        );
        assert!(
            r.body.starts_with("<!doctype html>"),
            "GET {path}: {}",
            r.body
        );
        self.0.push((path.to_owned(), r.body.clone()));
        r.body
    }
}

/// The `href`s of a page's links, as written (entities decoded).
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once('"')
                .map(|(href, _)| href.replace("&amp;", "&"))
        })
        .collect()
}

/// The value of `field` in a Discord answer's text (`field: value` lines).
fn field(text: &str, field: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}: ")))
        .unwrap_or_else(|| panic!("no {field} in {text}"))
        .to_owned()
}

#[tokio::test]
async fn the_web_pages_show_what_members_see_and_never_the_code_or_credits() {
    let (alice, bob, admin) = (alice(), bob(), admin());
    let (carol, dave) = (member(1004, "carol", 90), member(1005, "dave", 10));
    let everyone = vec![
        alice.clone(),
        bob.clone(),
        admin.clone(),
        carol.clone(),
        dave.clone(),
    ];
    let stack = Stack::start(everyone).await;
    let addr = free_addr();
    let _services = stack
        .services_with_projector(&[("STUDIO_WEB_ADDR", &addr), ("STUDIO_AUDIT_TOKEN", TOKEN)])
        .await;
    let guild = GUILD;
    let mut seen = Seen::default();

    // A little activity: chatter, XP an admin gives, reputation, credits, a sale with a review.
    for (who, text) in [
        (&alice, "Shipping the jam build tonight!"),
        (&carol, "Anyone up for a shader jam?"),
        (&dave, "First post, hello everyone"),
        (&bob, "Looking for a pathfinding crate"),
    ] {
        stack.say(who, text);
    }
    let give = |member: &FakeMember, amount: i64| {
        json!([{"name": "give", "type": 1, "options": [
            {"name": "member", "type": 6, "value": member.user_id.to_string()},
            {"name": "amount", "type": 4, "value": amount},
            {"name": "reason", "type": 3, "value": "jam winner"}]}])
    };
    original(
        &stack,
        stack.slash(&admin, ADMIN_PERMISSIONS, "xp", give(&alice, 600)),
    )
    .await;
    original(
        &stack,
        stack.slash(&admin, ADMIN_PERMISSIONS, "xp", give(&carol, 120)),
    )
    .await;
    let rep = json!([{"name": "member", "type": 6, "value": alice.user_id.to_string()}]);
    original(&stack, stack.slash(&bob, MEMBER_PERMISSIONS, "rep", rep)).await;
    original(&stack, grant(&stack, &admin, bob.user_id, BOB_GRANT)).await;

    let marker = format!("CODE-MARKER-{}", uuid::Uuid::new_v4().simple());
    let listed = original(
        &stack,
        submit(
            &stack,
            &alice,
            "f:sell",
            &[
                ("title", "Grid <A*> & friends"),
                ("description", "Finds paths <fast> & \"safe\"."),
                ("language", "Rust"),
                ("price", &PRICE.to_string()),
                ("code", &format!("fn astar() {{ /* {marker} */ }}")),
            ],
        ),
    )
    .await;
    let listing: i64 = listed
        .text()
        .split("Listing #")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a listing number in {}", listed.text()));
    buy(&stack, &bob, listing).await;
    let reviewed = original(
        &stack,
        submit(
            &stack,
            &bob,
            &format!("f:review:{listing}"),
            &[("stars", "4"), ("text", "Saved me a <week>")],
        ),
    )
    .await;
    assert!(reviewed.text().contains("4★ review"), "{}", reviewed.text());
    stack.projected().await;

    // What members see in Discord: the board, and alice's profile as bob sees it.
    let board = original(
        &stack,
        stack.slash(&bob, MEMBER_PERMISSIONS, "leaderboard", json!([])),
    )
    .await
    .text();
    let profile = original(
        &stack,
        stack.slash(
            &bob,
            MEMBER_PERMISSIONS,
            "profile",
            json!([{"name": "member", "type": 6, "value": alice.user_id.to_string()}]),
        ),
    )
    .await
    .text();
    let alice_xp = field(&profile, "XP");
    let alice_level = field(&profile, "Level");
    assert!(
        board.contains(&format!(
            "**1.** <@1001> — {alice_xp} XP (level {alice_level})"
        )),
        "{board}"
    );

    // Guilds.
    let home = seen.page(&addr, "/", 200).await;
    assert!(
        home.contains(&format!("href=\"/g/{guild}/leaderboard\"")),
        "{home}"
    );
    assert!(
        home.contains(&format!("href=\"/g/{guild}/market\"")),
        "{home}"
    );

    // The all-time board: alice first with the XP and level Discord shows.
    let leaderboard = seen
        .page(&addr, &format!("/g/{guild}/leaderboard"), 200)
        .await;
    assert!(
        leaderboard.contains(&format!(
            "<td class=\"n\">1</td><td><a href=\"/g/{guild}/member/1001\">member 1001</a></td><td class=\"n\">{alice_xp}</td><td class=\"n\">{alice_level}</td>"
        )),
        "{leaderboard}"
    );
    assert!(leaderboard.contains("name=\"viewport\""), "{leaderboard}");
    assert!(!leaderboard.contains("<script"), "{leaderboard}");
    for period in ["week", "month", "season"] {
        let page = seen
            .page(
                &addr,
                &format!("/g/{guild}/leaderboard?period={period}&by=xp&page=1"),
                200,
            )
            .await;
        assert!(page.contains("aria-current=\"page\""), "{page}");
    }
    let week = seen
        .page(&addr, &format!("/g/{guild}/leaderboard?period=week"), 200)
        .await;
    assert!(
        week.contains("member/1004"),
        "carol earned XP this week: {week}"
    );
    let reputation = seen
        .page(&addr, &format!("/g/{guild}/leaderboard?by=reputation"), 200)
        .await;
    // Discord shows "⭐ 1"; the pages the number alone (no emoji font needed).
    let alice_rep = field(&profile, "Reputation")
        .trim_start_matches('⭐')
        .trim()
        .to_owned();
    assert!(
        reputation.contains(&format!(
            "<a href=\"/g/{guild}/member/1001\">member 1001</a></td><td class=\"n\">{alice_rep}</td>"
        )),
        "{reputation}"
    );

    // The market: the listing escaped, with price, seller, rating and sales.
    let market = seen.page(&addr, &format!("/g/{guild}/market"), 200).await;
    for shown in [
        format!(
            "href=\"/g/{guild}/listing/{listing}\">#{listing} Grid &lt;A*&gt; &amp; friends</a>"
        ),
        format!("<b>{PRICE} credits</b>"),
        format!("by <a href=\"/g/{guild}/member/1001\">member 1001</a>"),
        "★ 4.0 (1 review) · 1 sale(s)".to_owned(),
    ] {
        assert!(market.contains(&shown), "{shown} in {market}");
    }
    assert!(!market.contains("<A*>"), "{market}");

    // The listing: its description and review, escaped; never its code.
    let page = seen
        .page(&addr, &format!("/g/{guild}/listing/{listing}"), 200)
        .await;
    for shown in [
        "Finds paths &lt;fast&gt; &amp; &quot;safe&quot;.",
        "Saved me a &lt;week&gt;",
        "★★★★☆",
        "href=\"/g/900000000000000001/member/1002\">member 1002</a>",
    ] {
        assert!(page.contains(shown), "{shown} in {page}");
    }

    // Alice's profile: the numbers /profile shows; no credits (hers are the sale's proceeds).
    let alice_credits = stack
        .scalar("SELECT balance FROM views.accounts WHERE account = 'member:1001'")
        .await;
    assert!(alice_credits > 0);
    let alice_page = seen
        .page(&addr, &format!("/g/{guild}/member/1001"), 200)
        .await;
    for shown in [
        format!("<dt>Level</dt><dd><b>{alice_level}</b></dd>"),
        format!("<dt>XP</dt><dd><b>{alice_xp}</b></dd>"),
        format!("<dt>Rank</dt><dd>{}</dd>", field(&profile, "Rank")),
        format!("<dt>Reputation</dt><dd>{alice_rep}</dd>"),
        "#1 <a href".to_owned(),
        "1 active listing(s) · 1 sale(s) · ★ 4.0 (1 review)".to_owned(),
        "Saved me a &lt;week&gt;".to_owned(),
    ] {
        assert!(alice_page.contains(&shown), "{shown} in {alice_page}");
    }
    assert!(
        !alice_page.contains(&alice_credits.to_string()),
        "alice's credits ({alice_credits}) on her public page: {alice_page}"
    );
    let bob_credits = stack
        .scalar("SELECT balance FROM views.accounts WHERE account = 'member:1002'")
        .await;
    assert_eq!(bob_credits, BOB_GRANT - PRICE);
    let bob_page = seen
        .page(&addr, &format!("/g/{guild}/member/1002"), 200)
        .await;
    for hidden in [
        bob_credits.to_string(),
        BOB_GRANT.to_string(),
        "credit".to_owned(),
        "balance".to_owned(),
    ] {
        assert!(
            !bob_page.to_lowercase().contains(&hidden),
            "{hidden} on bob's public page: {bob_page}"
        );
    }

    // Unknown things are 404 pages; queries a page cannot take, 400 pages.
    for missing in [
        "/g/123/leaderboard".to_owned(),
        "/g/not-a-guild/market".to_owned(),
        format!("/g/{guild}/member/42"),
        format!("/g/{guild}/member/alice"),
        format!("/g/{guild}/listing/999"),
        format!("/g/{guild}/leaderboard?page=99"),
        "/nothing/here".to_owned(),
    ] {
        seen.page(&addr, &missing, 404).await;
    }
    for bad in [
        format!("/g/{guild}/leaderboard?period=year"),
        format!("/g/{guild}/leaderboard?by=credits"),
        format!("/g/{guild}/leaderboard?by=reputation&period=week"),
        format!("/g/{guild}/leaderboard?page=0"),
        format!("/g/{guild}/market?page=x"),
    ] {
        seen.page(&addr, &bad, 400).await;
    }

    // The ledger needs the token: 403 with no data without it or with a wrong one.
    for path in [
        format!("/g/{guild}/ledger"),
        format!("/g/{guild}/ledger?token=guess"),
        format!("/g/{guild}/ledger?token={TOKEN}x"),
        format!("/g/{guild}/explain/member:1002"),
        format!("/g/{guild}/explain/member:1002?token=guess"),
    ] {
        let refused = seen.page(&addr, &path, 403).await;
        for data in ["member:", "ListingPurchased", &BOB_GRANT.to_string()] {
            assert!(!refused.contains(data), "{data} in a 403: {refused}");
        }
    }
    let r = get(&addr, &format!("/g/{guild}/ledger?token={TOKEN}")).await;
    assert!(r.head.contains("cache-control: no-store"), "{}", r.head);
    assert!(
        r.head.contains("referrer-policy: no-referrer"),
        "{}",
        r.head
    );
    let ledger = seen
        .page(&addr, &format!("/g/{guild}/ledger?token={TOKEN}"), 200)
        .await;
    let bought_seq = stack
        .scalar("SELECT guild_seq FROM event_log WHERE event_type = 'ListingPurchased'")
        .await;
    assert!(
        ledger.contains(&format!("<td class=\"n\">{bought_seq}</td>")),
        "the purchase's guild_seq {bought_seq} in {ledger}"
    );
    assert!(ledger.contains("ListingPurchased"), "{ledger}");
    let explain = format!("/g/{guild}/explain/member%3A1002?token={TOKEN}");
    assert!(
        ledger.contains(&format!("href=\"{explain}\">explain</a>")),
        "{ledger}"
    );
    // Bob's statement, event by event from the log: the grant, then the purchase.
    let statement = seen.page(&addr, &explain, 200).await;
    for shown in [
        format!("<b>{bob_credits}</b> after 2 line(s)"),
        format!("views.accounts agrees: {bob_credits}"),
        format!("<td class=\"n\">+{BOB_GRANT}</td><td class=\"n\">{BOB_GRANT}</td>"),
        format!("<td class=\"n\">-{PRICE}</td><td class=\"n\">{bob_credits}</td>"),
    ] {
        assert!(statement.contains(&shown), "{shown} in {statement}");
    }
    for link in hrefs(&statement) {
        seen.page(&addr, &link, 200).await;
    }

    browse(&addr, guild, &mut seen).await;

    // No page, whatever it was, ever showed the code.
    assert!(seen.0.len() > 30, "{} pages", seen.0.len());
    for (path, body) in &seen.0 {
        assert!(
            !body.contains(&marker),
            "the listing's code on {path}: {body}"
        );
        assert!(
            !body.contains("fn astar"),
            "the listing's code on {path}: {body}"
        );
    }
    stack.finish().await;
}

/// Headless Chromium: the leaderboard and the market load, each of their links resolves (200),
/// and a phone-size screenshot of the leaderboard is a real picture.
async fn browse(addr: &str, guild: u64, seen: &mut Seen) {
    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var("STUDIO_SKIP_BROWSER").is_ok_and(|v| v == "1"),
            "{CHROMIUM} is missing: `apt-get install -y chromium` (scripts/test does), or set STUDIO_SKIP_BROWSER=1 to skip the browser checks"
        );
        eprintln!("SKIPPED the browser checks: {CHROMIUM} is missing and STUDIO_SKIP_BROWSER=1");
        return;
    }
    let profile =
        std::env::temp_dir().join(format!("studio-web-{}", uuid::Uuid::new_v4().simple()));
    for (path, expect) in [
        (format!("/g/{guild}/leaderboard"), "member 1001"),
        (
            format!("/g/{guild}/market"),
            "Grid &lt;A*&gt; &amp; friends",
        ),
    ] {
        let url = format!("http://{addr}{path}");
        let dom = chromium(&profile, &["--dump-dom", &url]).await;
        assert!(
            dom.contains(expect),
            "{expect} in Chromium's DOM of {url}:\n{dom}"
        );
        seen.0.push((format!("chromium {path}"), dom.clone()));
        let links = hrefs(&dom);
        assert!(links.len() >= 4, "links on {path}: {links:?}");
        for link in links {
            assert!(
                link.starts_with('/'),
                "a link off the site on {path}: {link}"
            );
            seen.page(addr, &link, 200).await;
        }
    }
    let png = profile.join("leaderboard.png");
    let url = format!("http://{addr}/g/{guild}/leaderboard");
    chromium(
        &profile,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=412,915",
            "--hide-scrollbars",
            &url,
        ],
    )
    .await;
    let picture = std::fs::read(&png).expect("Chromium wrote the screenshot");
    assert_eq!(&picture[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let word = |at: usize| {
        u32::from_be_bytes([
            picture[at],
            picture[at + 1],
            picture[at + 2],
            picture[at + 3],
        ])
    };
    assert_eq!((word(16), word(20)), (412, 915), "a phone-size screenshot");
    assert!(
        picture.len() > 8_000,
        "a screenshot of a blank page? {} bytes",
        picture.len()
    );
    if let Ok(keep) = std::env::var("STUDIO_WEB_SCREENSHOT") {
        std::fs::copy(&png, PathBuf::from(&keep)).expect("keeping the screenshot");
        eprintln!("screenshot kept in {keep}");
    }
    let _ = std::fs::remove_dir_all(&profile);
}

/// Runs headless Chromium with `args` (its profile in `profile`); its standard output.
async fn chromium(profile: &Path, args: &[&str]) -> String {
    let run = tokio::process::Command::new(CHROMIUM)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("Chromium finished within 90 s")
        .expect("Chromium runs");
    assert!(
        out.status.success(),
        "chromium {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
