//! A simulated community for `local-discord`: the "Indie Devs" guild with a handful of members
//! who chat, run `/profile`, `/leaderboard` and `/xp give`, click buttons on the bot's answers,
//! and occasionally join or leave. It only acts while the bot is connected, and prints what
//! members do; [`crate::narrator`] prints what the bot answers.

use crate::{
    FakeDiscord, FakeGuild, FakeMember,
    payloads::EVERYONE_PERMISSIONS,
    tour::{self, act::Stage},
};
use chrono::{Duration as Days, Local, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

/// Id of the simulated guild.
pub const GUILD_ID: u64 = 1_000_000_000_000_000_001;
/// Id of its `#general` channel.
pub const GENERAL_ID: u64 = 1_000_000_000_000_000_002;
/// MANAGE_GUILD, the admin's extra permission.
pub const MANAGE_GUILD: u64 = 0x20;

/// What members chat about.
pub const LINES: &[&str] = &[
    "working on my shader graph",
    "anyone tried the new physics solver?",
    "my pathfinding finally handles stairs",
    "pushed a build of the jam game, feedback welcome",
    "how do you all structure ECS systems?",
    "the lighting pass is 2 ms now, down from 9",
    "refactored the inventory code, so much cleaner",
    "who wants to playtest tonight?",
    "I'm rewriting my dialogue system in Rust",
    "procedural dungeons are harder than they look",
    "finally fixed the jitter in the camera follow",
    "does anyone have a good tilemap editor?",
    "just hit 60 fps on the Steam Deck",
    "sprite sheet packing saved me 40 MB",
    "thinking about switching to a fixed timestep",
];
const SHORT: &[&str] = &["ok", "lol", "+1", "gg"];

/// A member as the simulation plays them.
#[derive(Clone, Debug)]
pub struct SimMember {
    pub member: FakeMember,
    pub permissions: u64,
    /// Core members never leave.
    pub core: bool,
}

impl SimMember {
    fn new(id: u64, name: &str, days_ago: i64, extra: u64, core: bool) -> Self {
        Self {
            member: FakeMember::new(id, name, Utc::now() - Days::days(days_ago)),
            permissions: EVERYONE_PERMISSIONS | extra,
            core,
        }
    }

    fn is_admin(&self) -> bool {
        self.permissions & MANAGE_GUILD != 0
    }
}

/// The cast: who is in the guild at start, and who may join later.
pub struct Cast {
    pub present: Vec<SimMember>,
    pub outside: Vec<SimMember>,
}

/// "Indie Devs": alice (Expert, 14 months), bob (Learner, 45 days), carol (Beginner, 3 days),
/// dave (Master, 40 months), erin (admin with Manage Guild, 26 months), pixelbot (a bot);
/// frank and grace join later.
pub fn indie_devs() -> (FakeGuild, Cast) {
    let id = |n: u64| 1_000_000_000_000_000_100 + n;
    let mut bot = SimMember::new(id(6), "pixelbot", 300, 0, true);
    bot.member.bot = true;
    let present = vec![
        SimMember::new(id(1), "alice", 420, 0, true),
        SimMember::new(id(2), "bob", 45, 0, false),
        SimMember::new(id(3), "carol", 3, 0, false),
        SimMember::new(id(4), "dave", 1_200, 0, true),
        SimMember::new(id(5), "erin", 800, MANAGE_GUILD, true),
        bot,
    ];
    let outside = vec![
        SimMember::new(id(7), "frank", 0, 0, false),
        SimMember::new(id(8), "grace", 0, 0, false),
    ];
    let guild = FakeGuild {
        id: GUILD_ID,
        name: "Indie Devs".to_owned(),
        members: present.iter().map(|m| m.member.clone()).collect(),
        channels: vec![GENERAL_ID],
    };
    (guild, Cast { present, outside })
}

/// Prints one line with the local time.
pub fn say(line: &str) {
    println!("[{}] {line}", Local::now().format("%H:%M:%S"));
}

struct Sim {
    fake: FakeDiscord,
    cast: Cast,
    speed: f64,
    rng: StdRng,
    /// user id → their latest interaction (to click buttons on the bot's answer).
    last_interaction: HashMap<u64, u64>,
    /// Interactions whose answer window has not been checked yet: (id, check after).
    unanswered: Vec<(u64, Instant)>,
}

/// Runs the community forever; `speed` > 1 makes everything happen faster. Once the bot has
/// connected and registered its commands, the members play [`tour`] (every feature once) while
/// the chatter goes on; members join and leave only after it.
pub async fn run(fake: FakeDiscord, cast: Cast, speed: f64) {
    let stage = Stage {
        fake: fake.clone(),
        guild: GUILD_ID,
        channel: GENERAL_ID,
    };
    let tour = tokio::spawn(play_tour(stage, tour::Cast::find(&cast.present), speed));
    let mut sim = Sim {
        fake,
        cast,
        speed: speed.max(0.01),
        rng: StdRng::from_os_rng(),
        last_interaction: HashMap::new(),
        unanswered: Vec::new(),
    };
    let mut next_command = Instant::now() + sim.scaled(5.0);
    let mut next_membership = Instant::now() + sim.scaled(45.0);
    loop {
        let pause = sim.rng.random_range(1.0..4.0);
        tokio::time::sleep(sim.scaled(pause)).await;
        if !sim.fake.connected() {
            continue;
        }
        sim.report_unanswered();
        sim.chat();
        if Instant::now() >= next_command && tour.is_finished() {
            sim.act();
            let gap = sim.rng.random_range(10.0..20.0);
            next_command = Instant::now() + sim.scaled(gap);
        }
        if Instant::now() >= next_membership && tour.is_finished() {
            sim.join_or_leave();
            let gap = sim.rng.random_range(30.0..90.0);
            next_membership = Instant::now() + sim.scaled(gap);
        }
    }
}

/// Waits for the bot to connect and register its commands, then plays the tour once.
async fn play_tour(stage: Stage, cast: Option<tour::Cast>, speed: f64) {
    let Some(cast) = cast else {
        return;
    };
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if stage.fake.connected() && !stage.fake.registered_commands().is_empty() {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs_f64(3.0 / speed.max(0.01))).await;
    tour::run(&stage, &cast, speed).await;
}

impl Sim {
    fn scaled(&self, secs: f64) -> Duration {
        Duration::from_secs_f64(secs / self.speed)
    }

    /// Says which interactions the bot let expire: members would see "The application did
    /// not respond".
    fn report_unanswered(&mut self) {
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) = self.unanswered.iter().partition(|(_, at)| *at <= now);
        self.unanswered = later;
        for (id, _) in due {
            if let Some(info) = self.fake.interaction(id).filter(|i| i.acked.is_none()) {
                let who = info
                    .user_id
                    .and_then(|u| self.fake.username(u))
                    .unwrap_or_default();
                say(&format!(
                    "⚠ no answer to {who} {} within the window: Discord shows \"The application did not respond\"",
                    info.label
                ));
            }
        }
    }

    fn track(&mut self, user: u64, interaction: u64) {
        self.last_interaction.insert(user, interaction);
        let window = self.fake.config().interaction_window;
        self.unanswered.push((interaction, Instant::now() + window));
    }

    fn pick(&mut self, humans_only: bool) -> Option<SimMember> {
        let candidates: Vec<&SimMember> = self
            .cast
            .present
            .iter()
            .filter(|m| !humans_only || !m.member.bot)
            .collect();
        candidates.choose(&mut self.rng).map(|m| (*m).clone())
    }

    fn chat(&mut self) {
        let Some(author) = self.pick(false) else {
            return;
        };
        let line = if self.rng.random_bool(0.15) {
            SHORT
        } else {
            LINES
        };
        let content = line.choose(&mut self.rng).copied().unwrap_or("hi");
        let (_, d) = self
            .fake
            .message_create(GUILD_ID, GENERAL_ID, &author.member, content);
        self.fake.dispatch("MESSAGE_CREATE", d);
        say(&format!("{}: {content:?}", author.member.username));
    }

    fn registered(&self, name: &str) -> bool {
        let commands = self.fake.registered_commands();
        commands.is_empty() || commands.iter().any(|c| c.get("name") == Some(&json!(name)))
    }

    fn act(&mut self) {
        let Some(user) = self.pick(true) else {
            return;
        };
        if self.rng.random_bool(0.35) && self.click(&user) {
            return;
        }
        let roll: usize = self.rng.random_range(0..14);
        if roll < 2 && user.is_admin() && self.registered("xp") {
            self.xp_give(&user);
        } else if roll < 5 && self.registered("profile") {
            self.profile(&user);
        } else if roll < 7 && self.registered("rep") {
            self.thank(&user);
        } else if roll < 11 {
            // The private views members open now and then: their answers show only to them.
            let name = ["balance", "shop", "daily", "teams"][roll % 4];
            if self.registered(name) {
                self.slash(&user, name, json!([]), format!("/{name}"));
            }
        } else if self.registered("leaderboard") {
            self.slash(&user, "leaderboard", json!([]), "/leaderboard".to_owned());
        }
    }

    fn slash(&mut self, user: &SimMember, name: &str, options: Value, shown: String) {
        let (id, d) = self.fake.slash_command(
            GUILD_ID,
            GENERAL_ID,
            &user.member,
            user.permissions,
            name,
            options,
        );
        self.fake.dispatch("INTERACTION_CREATE", d);
        self.track(user.member.user_id, id);
        say(&format!("{} runs {shown}", user.member.username));
    }

    fn profile(&mut self, user: &SimMember) {
        let other = self
            .pick(true)
            .filter(|o| o.member.user_id != user.member.user_id);
        match other {
            Some(other) if self.rng.random_bool(0.5) => {
                let options = json!([{"name": "member", "type": 6, "value": other.member.user_id.to_string()}]);
                let shown = format!("/profile member:@{}", other.member.username);
                self.slash(user, "profile", options, shown);
            }
            _ => self.slash(user, "profile", json!([]), "/profile".to_owned()),
        }
    }

    /// `user` thanks another member with `/rep` (once a day per pair: later thanks are refused).
    fn thank(&mut self, user: &SimMember) {
        let Some(other) = self
            .pick(true)
            .filter(|o| o.member.user_id != user.member.user_id)
        else {
            return;
        };
        let options = json!([{"name": "member", "type": 6, "value": other.member.user_id.to_string()},
                             {"name": "reason", "type": 3, "value": "thanks for the help"}]);
        let shown = format!(
            "/rep member:@{} reason:\"thanks for the help\"",
            other.member.username
        );
        self.slash(user, "rep", options, shown);
    }

    fn xp_give(&mut self, admin: &SimMember) {
        let Some(target) = self
            .pick(true)
            .filter(|t| t.member.user_id != admin.member.user_id)
        else {
            return;
        };
        // Generous enough that a newcomer watching sees levels move within minutes.
        let amount = self.rng.random_range(60..=240);
        let options = json!([{"name": "give", "type": 1, "options": [
            {"name": "member", "type": 6, "value": target.member.user_id.to_string()},
            {"name": "amount", "type": 4, "value": amount},
            {"name": "reason", "type": 3, "value": "great demo"}]}]);
        let shown = format!(
            "/xp give member:@{} amount:{amount} reason:\"great demo\"",
            target.member.username
        );
        self.slash(admin, "xp", options, shown);
    }

    /// Clicks a button on the bot's latest answer to `user`, if it has one.
    fn click(&mut self, user: &SimMember) -> bool {
        let Some(answer) = self
            .last_interaction
            .get(&user.member.user_id)
            .and_then(|id| self.fake.original_message(*id))
        else {
            return false;
        };
        let buttons = answer.buttons();
        let Some((label, custom_id)) = buttons.choose(&mut self.rng).cloned() else {
            return false;
        };
        let (id, d) = self.fake.button_click(
            GUILD_ID,
            GENERAL_ID,
            &user.member,
            user.permissions,
            &custom_id,
            Some(&answer),
        );
        self.fake.dispatch("INTERACTION_CREATE", d);
        self.track(user.member.user_id, id);
        say(&format!(
            "{} clicks [{label}] ({custom_id})",
            user.member.username
        ));
        true
    }

    fn join_or_leave(&mut self) {
        let join = !self.cast.outside.is_empty() && self.rng.random_bool(0.6);
        if join {
            let i = self.rng.random_range(0..self.cast.outside.len());
            let mut member = self.cast.outside.remove(i);
            member.member.joined_at = Utc::now();
            let d = self.fake.member_add(GUILD_ID, &member.member);
            self.fake.dispatch("GUILD_MEMBER_ADD", d);
            say(&format!("→ {} joined the server", member.member.username));
            self.cast.present.push(member);
            return;
        }
        let leavers: Vec<usize> = (0..self.cast.present.len())
            .filter(|&i| !self.cast.present[i].core)
            .collect();
        if let Some(&i) = leavers.choose(&mut self.rng) {
            let member = self.cast.present.remove(i);
            let d = self.fake.member_remove(GUILD_ID, member.member.user_id);
            self.fake.dispatch("GUILD_MEMBER_REMOVE", d);
            self.last_interaction.remove(&member.member.user_id);
            say(&format!("← {} left the server", member.member.username));
            self.cast.outside.push(member);
        }
    }
}
