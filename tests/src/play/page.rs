//! The pages: the member picker and a member's view of #general (the channel, their DMs, the form
//! the bot opened for them, and the box to type in), in a dark layout that looks a little like
//! Discord. No JavaScript: every action is a plain form.

use super::{
    Play, feed,
    markup::escape,
    message, modal,
    slash::{self, MANAGE_GUILD},
};
use crate::FakeMember;
use axum::response::Html;
use std::fmt::Write as _;

const CSS: &str = "
*{box-sizing:border-box}
body{margin:0;background:#313338;color:#dbdee1;font:15px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif}
a{color:#00a8fc}
header{background:#1e1f22;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header .guild{font-weight:700;color:#f2f3f5}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,1fr);gap:0;min-height:calc(100vh - 44px)}
@media(max-width:800px){main{grid-template-columns:1fr}}
section{padding:12px 16px}
aside{background:#2b2d31;padding:12px 16px}
h1{font-size:20px;color:#f2f3f5}
h2{font-size:16px;color:#f2f3f5;margin:4px 0 12px}
.msg{padding:6px 8px;border-radius:4px;margin:2px 0}
.msg:hover{background:#2e3035}
.msg.mine .name{color:#57f287}
.who{display:flex;gap:6px;align-items:baseline;flex-wrap:wrap}
.name{font-weight:600;color:#f2f3f5}
.tag{background:#5865f2;color:#fff;font-size:10px;font-weight:700;padding:1px 4px;border-radius:3px}
.context{color:#949ba4;font-size:12px}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.thinking{color:#949ba4;font-style:italic}
.embed{border-left:4px solid #4e5058;background:#2b2d31;border-radius:4px;padding:8px 12px;margin:6px 0;max-width:560px}
aside .embed{background:#313338}
.embed .title{font-weight:700;color:#f2f3f5;margin-bottom:4px}
.fields{display:flex;flex-wrap:wrap;gap:8px 16px;margin-top:6px}
.field{flex:1 1 100%}.field.inline{flex:1 1 30%}
.fname{font-weight:600;color:#f2f3f5;font-size:13px}
.footer{color:#949ba4;font-size:12px;margin-top:6px}
.private{color:#949ba4;font-size:12px;margin-top:4px}
.row{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0}
form{margin:0;display:inline}
.btn{border:0;border-radius:3px;padding:6px 14px;color:#fff;font:inherit;font-weight:500;cursor:pointer;text-decoration:none;display:inline-block}
.btn[disabled]{opacity:.5;cursor:not-allowed}
.s1{background:#5865f2}.s2{background:#4e5058}.s3{background:#248046}.s4{background:#da373c}.s5{background:#4e5058}
select,input[type=text],textarea{background:#1e1f22;color:#dbdee1;border:1px solid #1e1f22;border-radius:4px;padding:8px;font:inherit}
.select select{min-width:220px;margin-right:6px}
.composer{display:flex;gap:8px;margin-top:12px}
.composer input{flex:1;background:#383a40;border:0;padding:11px}
.error{background:#3f2326;border-left:4px solid #da373c;padding:8px 12px;border-radius:4px;margin:8px 0;white-space:pre-wrap}
.banner{background:#49443c;border-left:4px solid #f0b232;padding:8px 12px;border-radius:4px;margin:8px 0}
.modal{background:#2b2d31;border:1px solid #5865f2;border-radius:8px;padding:16px;margin:12px 0;max-width:560px}
.modal .title{font-size:18px;font-weight:700;color:#f2f3f5;margin-bottom:8px}
.modal label{display:block;font-weight:600;font-size:13px;color:#b5bac1;margin:10px 0 4px;text-transform:uppercase}
.modal input,.modal textarea,.modal select{width:100%}
.modal form{display:block}.req{color:#da373c}
img.file{display:block;max-width:100%;max-height:360px;border-radius:4px;margin:6px 0}
a.file{display:inline-block;margin:6px 0}
pre{background:#1e1f22;padding:8px;border-radius:4px;overflow-x:auto;white-space:pre-wrap}
code{background:#1e1f22;padding:1px 4px;border-radius:3px}
.mention{background:#3c4270;color:#c9cdfb;border-radius:3px;padding:0 2px}
details{margin-top:10px;color:#b5bac1}summary{cursor:pointer}
ul.members{list-style:none;padding:0}ul.members li{margin:6px 0;font-size:17px}
.muted{color:#949ba4}
";

fn layout(title: &str, header: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><header>{header}</header>{body}</body></html>",
        escape(title)
    ))
}

/// A page that only says what is wrong.
pub(crate) fn error_page(what: &str) -> Html<String> {
    layout(
        "Not found",
        "<a class=\"guild\" href=\"/\">local Discord</a>",
        &format!(
            "<section><p class=\"error\">{}</p><p><a href=\"/\">Pick a member</a></p></section>",
            escape(what)
        ),
    )
}

fn guild_name(play: &Play) -> String {
    play.fake
        .config()
        .guilds
        .iter()
        .find(|g| g.id == play.guild)
        .map_or_else(|| "local Discord".to_owned(), |g| g.name.clone())
}

fn channel_name(play: &Play) -> String {
    play.fake
        .channel_name(play.channel)
        .unwrap_or_else(|| "general".to_owned())
}

fn bot_banner(play: &Play) -> &'static str {
    if play.fake.connected() {
        ""
    } else {
        "<p class=\"banner\">The bot is not connected yet: messages go out, but nobody answers commands until it is.</p>"
    }
}

/// `/`: the guild's human members, each a link to play as them.
pub(crate) fn members_page(play: &Play, humans: &[FakeMember], admins: &[bool]) -> Html<String> {
    let guild = guild_name(play);
    let mut body = format!(
        "<section><h1>Play in {} as…</h1><p class=\"muted\">Pick a member. You will see #{} as they see it, and can type messages and slash commands (try <code>/balance</code>), click the buttons and fill the forms the bot sends.</p>{}<ul class=\"members\">",
        escape(&guild),
        escape(&channel_name(play)),
        bot_banner(play)
    );
    for (member, admin) in humans.iter().zip(admins) {
        let badge = if *admin {
            " <span class=\"tag\">ADMIN</span>"
        } else {
            ""
        };
        let _ = write!(
            body,
            "<li><a href=\"/as/{}\">{}</a>{badge}</li>",
            member.user_id,
            escape(&member.username)
        );
    }
    if humans.is_empty() {
        body.push_str("<li class=\"muted\">Nobody is in the server.</li>");
    }
    body.push_str("</ul></section>");
    layout(
        &format!("{guild} — local Discord"),
        &format!("<span class=\"guild\">{}</span>", escape(&guild)),
        &body,
    )
}

/// `/as/{user}`: #general as `member` sees it.
pub(crate) fn member_page(play: &Play, member: &FakeMember) -> Html<String> {
    let user = member.user_id;
    let guild = guild_name(play);
    let channel = channel_name(play);
    let admin = play.permissions(user) & MANAGE_GUILD != 0;
    let header = format!(
        "<a class=\"guild\" href=\"/\">{}</a><span># {}</span><span>playing as <b>{}</b>{}</span><a href=\"/as/{user}\">↻ refresh</a><a href=\"/\">switch member</a>",
        escape(&guild),
        escape(&channel),
        escape(&member.username),
        if admin {
            " <span class=\"tag\">ADMIN</span>"
        } else {
            ""
        }
    );
    let mut main = format!(
        "<main><section><h2># {}</h2>{}",
        escape(&channel),
        bot_banner(play)
    );
    let entries = feed::channel(play, user);
    if entries.is_empty() {
        main.push_str("<p class=\"muted\">Nothing here yet. Say hello!</p>");
    }
    for entry in &entries {
        main.push_str(&match entry {
            feed::Entry::Said(m) => message::said(play, m, user),
            feed::Entry::Bot(m) => message::bot(play, m, user),
        });
    }
    let note = play.take_note(user);
    if let Some(body) = play.modal(user) {
        main.push_str(&modal::render(&play.fake, user, &body));
    }
    if let Some(note) = note.as_ref().filter(|n| !n.text.is_empty()) {
        let _ = write!(
            main,
            "<div class=\"error\" role=\"alert\">{}</div>",
            escape(&note.text)
        );
    }
    let typed = note.map(|n| n.typed).unwrap_or_default();
    let _ = write!(
        main,
        "<form method=\"post\" action=\"/as/{user}/send\" class=\"composer\"><input type=\"text\" name=\"text\" id=\"text\" placeholder=\"Message #{}\" value=\"{}\" autocomplete=\"off\" autofocus maxlength=\"2000\" aria-label=\"Message #{}\"><button type=\"submit\" id=\"send\" class=\"btn s1\">Send</button></form>",
        escape(&channel),
        escape(&typed),
        escape(&channel)
    );
    let usages = slash::usages(&play.fake.registered_commands(), play.permissions(user));
    if !usages.is_empty() {
        main.push_str("<details><summary>Commands you can type</summary><ul>");
        for (usage, description) in usages {
            let _ = write!(
                main,
                "<li><code>{}</code> — {}</li>",
                escape(&usage),
                escape(&description)
            );
        }
        main.push_str("</ul></details>");
    }
    main.push_str("</section><aside><h2>Direct messages from Studio</h2>");
    let dms = feed::dms(play, user);
    if dms.is_empty() {
        main.push_str("<p class=\"muted\">None yet.</p>");
    }
    for dm in &dms {
        main.push_str(&message::bot(play, dm, user));
    }
    main.push_str("</aside></main>");
    layout(
        &format!("#{channel} as {} — {guild}", member.username),
        &header,
        &main,
    )
}
