//! The guild the chaos program drives, and how its members act in it through the local Discord:
//! messages with chosen timestamps, `/pay`, Buy clicks, `/team deposit`, forms and admin grants.
//! Each action dispatches over the gateway and returns the Discord object's id.

use crate::{FakeConfig, FakeDiscord, FakeGuild, FakeMember};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub const GUILD: u64 = 900_000_000_000_000_101;
pub const CHANNEL: u64 = 900_000_000_000_000_102;
pub const ANNOUNCEMENTS: u64 = 900_000_000_000_000_103;
/// Manage Server, View Channel, Send Messages.
pub const ADMIN_PERMISSIONS: u64 = 0x20 | 0x400 | 0x800;
pub const MEMBER_PERMISSIONS: u64 = 0x400 | 0x800;

/// A listing members can buy.
#[derive(Clone, Copy, Debug)]
pub struct Listing {
    pub id: i64,
    pub version: i64,
    /// Index of the seller in [`World::members`].
    pub seller: usize,
}

/// The guild, its people and what the setup made in it.
pub struct World {
    pub discord: FakeDiscord,
    pub admin: FakeMember,
    /// The members who chat, pay, buy and deposit. All joined long ago (Learner rank: they sell).
    pub members: Vec<FakeMember>,
    pub listings: Vec<Listing>,
    /// The team every member is in.
    pub team: i64,
}

fn member(id: u64, name: &str, days_ago: i64) -> FakeMember {
    FakeMember::new(id, name, Utc::now() - chrono::Duration::days(days_ago))
}

impl World {
    /// A local Discord with one guild: an admin and `members` members.
    pub async fn start(members: usize) -> Result<World> {
        let admin = member(7_000, "chaos-admin", 800);
        let members: Vec<FakeMember> = (0..members)
            .map(|i| member(7_001 + i as u64, &format!("member{i}"), 400))
            .collect();
        let discord = FakeDiscord::start(FakeConfig {
            guilds: vec![FakeGuild {
                id: GUILD,
                name: "Chaos Devs".into(),
                members: std::iter::once(admin.clone())
                    .chain(members.iter().cloned())
                    .collect(),
                channels: vec![CHANNEL, ANNOUNCEMENTS],
            }],
            ..FakeConfig::default()
        })
        .await
        .context("starting the local Discord")?;
        Ok(World {
            discord,
            admin,
            members,
            listings: Vec::new(),
            team: 0,
        })
    }

    /// `author` posts `content` dated `at`; the message id.
    pub fn say_at(&self, author: &FakeMember, content: &str, at: DateTime<Utc>) -> u64 {
        let (id, d) = self
            .discord
            .message_create_at(GUILD, CHANNEL, author, content, at);
        self.discord.dispatch("MESSAGE_CREATE", d);
        id
    }

    /// `user` runs `/name options`; the interaction id.
    pub fn slash(&self, user: &FakeMember, permissions: u64, name: &str, options: Value) -> u64 {
        let (id, d) = self
            .discord
            .slash_command(GUILD, CHANNEL, user, permissions, name, options);
        self.discord.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// `user` submits form `form` with `fields`; the interaction id.
    pub fn submit(&self, user: &FakeMember, form: &str, fields: &[(&str, &str)]) -> u64 {
        let (id, d) =
            self.discord
                .modal_submit(GUILD, CHANNEL, user, MEMBER_PERMISSIONS, form, fields);
        self.discord.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// The admin grants `to` `amount` credits.
    pub fn grant(&self, to: u64, amount: i64) -> u64 {
        self.slash(
            &self.admin,
            ADMIN_PERMISSIONS,
            "credits",
            json!([{"name": "grant", "type": 1, "options": [
                {"name": "member", "type": 6, "value": to.to_string()},
                {"name": "amount", "type": 4, "value": amount},
                {"name": "reason", "type": 3, "value": "chaos float"}]}]),
        )
    }

    /// `from` pays `to` `amount` credits.
    pub fn pay(&self, from: &FakeMember, to: u64, amount: i64) -> u64 {
        self.slash(
            from,
            MEMBER_PERMISSIONS,
            "pay",
            json!([{"name": "member", "type": 6, "value": to.to_string()},
                   {"name": "amount", "type": 4, "value": amount}]),
        )
    }

    /// `buyer` clicks Buy on `listing`.
    pub fn buy(&self, buyer: &FakeMember, listing: Listing) -> u64 {
        let custom_id = format!("buy:{}:{}:{}", listing.id, listing.version, buyer.user_id);
        let (id, d) =
            self.discord
                .button_click(GUILD, CHANNEL, buyer, MEMBER_PERMISSIONS, &custom_id, None);
        self.discord.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// `who` runs `/team <sub> team:<team> options…`.
    pub fn team_cmd(&self, who: &FakeMember, sub: &str, options: &[Value]) -> u64 {
        let mut all = vec![json!({"name": "team", "type": 4, "value": self.team})];
        all.extend(options.iter().cloned());
        self.slash(
            who,
            MEMBER_PERMISSIONS,
            "team",
            json!([{"name": sub, "type": 1, "options": all}]),
        )
    }

    /// `who` deposits `amount` credits into the team's wallet.
    pub fn deposit(&self, who: &FakeMember, amount: i64) -> u64 {
        self.team_cmd(
            who,
            "deposit",
            &[json!({"name": "amount", "type": 4, "value": amount})],
        )
    }

    /// `seller` lists `title` at `price`.
    pub fn sell(&self, seller: &FakeMember, title: &str, price: i64) -> u64 {
        let code = format!("// {title}\nfn main() {{}}");
        self.submit(
            seller,
            "f:sell",
            &[
                ("title", title),
                ("description", "Battle-tested under chaos"),
                ("language", "Rust"),
                ("price", &price.to_string()),
                ("code", &code),
            ],
        )
    }
}
